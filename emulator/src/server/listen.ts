/**
 * One Listen stream: targets come and go by request; each added target gets ADD, its documents
 * (everything, or only what changed since its resume token), CURRENT, then a global snapshot
 * (NO_CHANGE with no target ids and a read time), the sequence both the admin and web SDKs wait
 * for before raising a snapshot. Later commits reach the stream through the database's WatchHub.
 */
import type * as grpc from '@grpc/grpc-js';
import { invalidArgument, RpcError, status } from '../errors';
import { validateQuery } from '../model/query';
import { microsFromTimestamp } from '../model/time';
import type { Micros } from '../model/types';
import type { Caller } from './auth';
import type { Backend, Database } from './backend';
import { callerOf, toStatus } from './calls';
import { parseDatabaseName, parseDocumentName, parseParentName, requireSameDatabase } from './names';
import { WatchTarget, type ListenResponse, type TargetSink, type TargetSpec } from './watch';
import { refuseFutureReadTime } from './reads';
import { resumeToken, timeFromResumeToken, wireTime } from './wire';

export function handleListen(backend: Backend, call: grpc.ServerDuplexStream<any, any>): void {
  const targets = new Map<number, WatchTarget>();
  let db: Database | null = null;
  let caller: Caller;
  let closed = false;
  let nextServerId = 1 << 30;

  const write = (response: ListenResponse) => {
    if (!closed) call.write(response);
  };
  const globalSnapshot = (time: Micros): ListenResponse => ({
    targetChange: {
      targetChangeType: 'NO_CHANGE',
      targetIds: [],
      readTime: wireTime(time),
      resumeToken: resumeToken(time),
    },
  });
  const sink: TargetSink = {
    send(responses, time) {
      for (const response of responses) {
        // A target the hub dropped (its caller may no longer read it) is gone from this stream too.
        const change = response.targetChange as
          { targetChangeType?: string; targetIds?: number[] } | undefined;
        if (change?.targetChangeType === 'REMOVE')
          for (const id of change.targetIds ?? []) targets.delete(id);
        write(response);
      }
      write(globalSnapshot(time));
    },
  };
  const cleanup = () => {
    closed = true;
    for (const target of targets.values()) db?.watch.remove(target);
    targets.clear();
  };

  const addTarget = (db: Database, request: any) => {
    const id: number = request.targetId || nextServerId++;
    const reject = (error: RpcError) =>
      write({
        targetChange: {
          targetChangeType: 'REMOVE',
          targetIds: [id],
          cause: { code: error.code, message: error.message },
        },
      });
    try {
      if (targets.has(id)) throw invalidArgument(`Target id ${id} is already in use on this stream.`);
      const spec = targetSpec(db, request);
      const target = new WatchTarget(id, spec, sink, (name, doc) =>
        backend.access
          .policyFor(caller, db.ref.projectId)
          .checkGet(caller, db.ref.projectId, db.ref.databaseId, name, doc, (n) => db.store.get(n)),
      );
      const time = backend.clock.next();
      const results = target.results(db);
      const reader = (name: string) => db.store.get(name);
      const policy = backend.access.policyFor(caller, db.ref.projectId);
      if (spec.kind === 'documents') {
        for (const name of spec.names)
          policy.checkGet(caller, db.ref.projectId, db.ref.databaseId, name, reader(name), reader);
      } else {
        policy.checkList(
          caller,
          db.ref.projectId,
          db.ref.databaseId,
          spec.parent,
          spec.query,
          results,
          reader,
        );
      }
      const resumeFrom = resumeTime(request);
      // Resuming from a future time would claim the client already holds documents it never got.
      if (resumeFrom !== null) refuseFutureReadTime(backend, resumeFrom);
      write({ targetChange: { targetChangeType: 'ADD', targetIds: [id] } });
      if (resumeFrom !== null && db.store.canReadAt(resumeFrom, backend.clock.wallMicros())) {
        for (const doc of target.results(db, resumeFrom)) target.docs.set(doc.name, doc.updateTime);
      } else if (resumeFrom !== null) {
        write({ targetChange: { targetChangeType: 'RESET', targetIds: [id] } });
      }
      for (const response of target.diff(results, (name) => db.store.get(name) !== null, time))
        write(response);
      write({
        targetChange: { targetChangeType: 'CURRENT', targetIds: [id], resumeToken: resumeToken(time) },
      });
      write(globalSnapshot(time));
      if (request.once) {
        write({ targetChange: { targetChangeType: 'REMOVE', targetIds: [id] } });
        return;
      }
      targets.set(id, target);
      db.watch.add(target);
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      reject(error);
    }
  };

  const handle = (request: any) => {
    caller ??= callerOf(call);
    if (!db) db = backend.database(parseDatabaseName(request.database));
    else if (request.database && request.database !== db.ref.name) {
      throw invalidArgument(`This Listen stream is for ${db.ref.name}, not ${request.database}.`);
    }
    if (request.addTarget) addTarget(db, request.addTarget);
    else if (request.removeTarget != null) {
      const target = targets.get(request.removeTarget);
      if (target) {
        db.watch.remove(target);
        targets.delete(request.removeTarget);
      }
      write({ targetChange: { targetChangeType: 'REMOVE', targetIds: [request.removeTarget] } });
    }
  };

  call.on('data', (request) => {
    if (closed) return;
    try {
      handle(request);
    } catch (error) {
      const { code, details } = toStatus(error);
      cleanup();
      call.emit('error', { code: code === status.OK ? status.INTERNAL : code, details });
    }
  });
  call.on('end', () => {
    cleanup();
    call.end();
  });
  call.on('cancelled', cleanup);
  call.on('error', cleanup);
}

function targetSpec(db: Database, request: any): TargetSpec {
  if (request.documents) {
    const names = [...new Set<string>(request.documents.documents ?? [])];
    for (const name of names) requireSameDatabase(db.ref, parseDocumentName(name));
    return { kind: 'documents', names };
  }
  if (request.query) {
    const parent = parseParentName(request.query.parent);
    requireSameDatabase(db.ref, parent);
    const query = request.query.structuredQuery;
    if (!query) throw invalidArgument('A query target needs a structured query.');
    validateQuery(query);
    return { kind: 'query', parent: parent.name, query };
  }
  throw invalidArgument('A target must be a query or a set of documents.');
}

function resumeTime(request: any): Micros | null {
  if (request.resumeToken?.length) return timeFromResumeToken(request.resumeToken) ?? 0;
  if (request.readTime) return microsFromTimestamp(request.readTime);
  return null;
}
