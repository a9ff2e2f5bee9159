/**
 * google.firestore.v1.Firestore over gRPC: each handler parses the request, finds the database,
 * calls the store logic and maps errors. An RpcError becomes its status; anything else is an
 * emulator bug, logged and answered with INTERNAL while the server keeps serving.
 */
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { invalidArgument, notFound, permissionDenied, RpcError } from '../errors';
import { runAggregations } from '../model/aggregate';
import type { Write } from '../model/types';
import type { Caller } from './auth';
import type { Backend } from './backend';
import { callerOf, toStatus } from './calls';
import { commit, MAX_WRITES_PER_COMMIT, targetNames, type CommitResult } from './commit';
import { handleListen } from './listen';
import { listCollectionIds, listDocuments } from './listing';
import {
  parseDatabaseName,
  parseDocumentName,
  parseParentName,
  requireSameDatabase,
  type ResourcePath,
} from './names';
import {
  applyMask,
  beginTransaction,
  getDocuments,
  openReadView,
  queryDocuments,
  reportedReadTime,
  type ReadView,
} from './reads';
import { wireDocument, wireTime } from './wire';
import { handleWriteStream } from './write-stream';

function unary<Req, Res>(
  fn: (request: Req, caller: Caller) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    (async () => fn(call.request, callerOf(call)))().then(
      (response) => callback(null, response),
      (error) => callback(toStatus(error)),
    );
  };
}

function streaming<Req, Res>(
  fn: (request: Req, caller: Caller, send: (response: Res) => void) => Promise<void>,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    // Headers go out first: google-gax re-sends a server-streaming request that fails before any
    // response headers (up to twice, seconds apart), which would repeat reads and delay errors.
    call.sendMetadata(new grpc.Metadata());
    (async () => fn(call.request, callerOf(call), (response) => call.write(response)))().then(
      () => call.end(),
      (error) => call.emit('error', toStatus(error)),
    );
  };
}

function wireWriteResults(result: CommitResult) {
  return result.writeResults.map((r) => ({
    updateTime: r.updateTime === undefined ? undefined : wireTime(r.updateTime),
    transformResults: r.transformResults,
  }));
}

/** The first response of a read that started a transaction carries only its id. */
function announceTransaction(view: ReadView, send: (response: any) => void): void {
  if (view.started) send({ transaction: view.started.id });
}

/**
 * Query explain output: there are no indexes here, so the plan names none; with `analyze` the
 * execution stats count results and time (every result is one read).
 */
function explainMetrics(execution: { results: number; started: number } | null) {
  const planSummary = { indexesUsed: [] };
  if (!execution) return { planSummary };
  const nanos = Math.round((performance.now() - execution.started) * 1e6);
  return {
    planSummary,
    executionStats: {
      resultsReturned: String(execution.results),
      executionDuration: { seconds: String(Math.floor(nanos / 1e9)), nanos: nanos % 1e9 },
      readOperations: String(execution.results),
      debugStats: { fields: {} },
    },
  };
}

const AUTO_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function autoId(): string {
  return [...randomBytes(20)].map((b) => AUTO_ID_ALPHABET[b % AUTO_ID_ALPHABET.length]).join('');
}

function documentNames(db: ResourcePath['db'], names: unknown): string[] {
  if (!Array.isArray(names)) return [];
  return [...new Set(names as string[])].map((name) => {
    requireSameDatabase(db, parseDocumentName(name));
    return name;
  });
}

function requireQuery(query: unknown): Record<string, any> {
  if (!query || typeof query !== 'object') throw invalidArgument('The request has no structured query.');
  return query as Record<string, any>;
}

export function firestoreService(backend: Backend): grpc.UntypedServiceImplementation {
  const singleWrite = async (db: ResourcePath['db'], caller: Caller, write: Write, mask: unknown) => {
    const result = await commit(backend, backend.database(db), caller, [write]);
    const doc = result.writeResults[0]!.document;
    return doc ? wireDocument(applyMask(doc, mask as any)) : {};
  };

  return {
    GetDocument: unary(async (req: any, caller) => {
      const path = parseDocumentName(req.name);
      const db = backend.database(path.db);
      const view = openReadView(backend, db, req);
      const [doc] = await getDocuments(backend, db, caller, [path.name], view);
      if (!doc) throw notFound(`Document "${path.name}" not found.`);
      return wireDocument(applyMask(doc, req.mask));
    }),

    ListDocuments: unary(async (req: any, caller) => {
      const parent = parseParentName(req.parent);
      const db = backend.database(parent.db);
      const at = openReadView(backend, db, req).at;
      const collectionId: string = req.collectionId ?? '';
      const page = listDocuments(db, `${parent.name}/${collectionId}`, {
        at,
        showMissing: !!req.showMissing,
        pageToken: req.pageToken,
        pageSize: req.pageSize ?? 0,
      });
      const existing = page.items.flatMap((e) => (e.doc ? [e.doc] : []));
      backend.access
        .policyFor(caller, db.ref.projectId)
        .checkList(
          caller,
          db.ref.projectId,
          db.ref.databaseId,
          parent.name,
          { from: [{ collectionId }] },
          existing,
          (name) => db.store.get(name, at),
        );
      return {
        documents: page.items.map((e) =>
          e.doc ? wireDocument(applyMask(e.doc, req.mask)) : { name: e.name },
        ),
        nextPageToken: page.nextPageToken,
      };
    }),

    CreateDocument: unary(async (req: any, caller) => {
      const parent = parseParentName(req.parent);
      if (!req.collectionId) throw invalidArgument('CreateDocument needs a collection id.');
      if (req.document?.name) {
        throw invalidArgument(
          'CreateDocument names its document by parent, collection_id and document_id; leave document.name empty.',
        );
      }
      const name = `${parent.name}/${req.collectionId}/${req.documentId || autoId()}`;
      parseDocumentName(name);
      return singleWrite(
        parent.db,
        caller,
        { update: { name, fields: req.document?.fields ?? {} }, currentDocument: { exists: false } },
        req.mask,
      );
    }),

    UpdateDocument: unary(async (req: any, caller) => {
      const path = parseDocumentName(req.document?.name);
      const write: Write = { update: req.document };
      if (req.updateMask) write.updateMask = req.updateMask;
      if (req.currentDocument) write.currentDocument = req.currentDocument;
      return singleWrite(path.db, caller, write, req.mask);
    }),

    DeleteDocument: unary(async (req: any, caller) => {
      const path = parseDocumentName(req.name);
      const write: Write = { delete: path.name };
      if (req.currentDocument) write.currentDocument = req.currentDocument;
      await commit(backend, backend.database(path.db), caller, [write]);
      return {};
    }),

    BatchGetDocuments: streaming(async (req: any, caller, send) => {
      const ref = parseDatabaseName(req.database);
      const db = backend.database(ref);
      const names = documentNames(ref, req.documents);
      const view = openReadView(backend, db, req);
      announceTransaction(view, send);
      const docs = await getDocuments(backend, db, caller, names, view);
      const readTime = wireTime(reportedReadTime(backend, view));
      docs.forEach((doc, i) =>
        send(
          doc ? { found: wireDocument(applyMask(doc, req.mask)), readTime } : { missing: names[i], readTime },
        ),
      );
    }),

    BeginTransaction: unary(async (req: any) => {
      const db = backend.database(parseDatabaseName(req.database));
      return { transaction: beginTransaction(backend, db, req.options).id };
    }),

    Commit: unary(async (req: any, caller) => {
      const db = backend.database(parseDatabaseName(req.database));
      const result = await commit(backend, db, caller, req.writes ?? [], req.transaction);
      return { writeResults: wireWriteResults(result), commitTime: wireTime(result.commitTime) };
    }),

    Rollback: unary(async (req: any) => {
      const db = backend.database(parseDatabaseName(req.database));
      if (!req.transaction?.length) throw invalidArgument('Rollback needs a transaction id.');
      const tx = backend.transactions.use(Buffer.from(req.transaction), db.ref.name);
      backend.transactions.finish(tx, invalidArgument(`Transaction ${tx.id.toString()} was rolled back.`));
      return {};
    }),

    RunQuery: streaming(async (req: any, caller, send) => {
      const started = performance.now();
      const parent = parseParentName(req.parent);
      const db = backend.database(parent.db);
      const query = requireQuery(req.structuredQuery);
      const view = openReadView(backend, db, req);
      announceTransaction(view, send);
      if (req.explainOptions && !req.explainOptions.analyze)
        return send({ explainMetrics: explainMetrics(null) });
      const results = await queryDocuments(backend, db, caller, parent.name, query, view);
      const readTime = wireTime(reportedReadTime(backend, view));
      for (const doc of results) send({ document: wireDocument(doc), readTime });
      const stats = req.explainOptions
        ? { explainMetrics: explainMetrics({ results: results.length, started }) }
        : {};
      send({ readTime, done: true, ...stats });
    }),

    RunAggregationQuery: streaming(async (req: any, caller, send) => {
      const parent = parseParentName(req.parent);
      const db = backend.database(parent.db);
      const aggregation = requireQuery(req.structuredAggregationQuery);
      const query = requireQuery(aggregation.structuredQuery);
      const view = openReadView(backend, db, req);
      announceTransaction(view, send);
      if (req.explainOptions && !req.explainOptions.analyze)
        return send({ explainMetrics: explainMetrics(null) });
      const started = performance.now();
      const results = await queryDocuments(backend, db, caller, parent.name, query, view);
      const aggregateFields = runAggregations(results, aggregation.aggregations ?? []);
      const stats = req.explainOptions ? { explainMetrics: explainMetrics({ results: 1, started }) } : {};
      send({ result: { aggregateFields }, readTime: wireTime(reportedReadTime(backend, view)), ...stats });
    }),

    ListCollectionIds: unary(async (req: any, caller) => {
      const parent = parseParentName(req.parent);
      // No rule can allow it, so under rules only the Admin SDK may list collection ids.
      if (backend.access.rulesApply(caller, parent.db.projectId)) {
        throw permissionDenied(
          'Missing or insufficient permissions: listing collection ids is for the Admin SDK; security rules cannot allow it to clients.',
        );
      }
      const db = backend.database(parent.db);
      const page = listCollectionIds(db, parent.name, {
        at: openReadView(backend, db, req).at,
        pageToken: req.pageToken,
        pageSize: req.pageSize ?? 0,
      });
      return { collectionIds: page.items, nextPageToken: page.nextPageToken };
    }),

    BatchWrite: unary(async (req: any, caller) => {
      const db = backend.database(parseDatabaseName(req.database));
      const writes: Write[] = req.writes ?? [];
      if (writes.length > MAX_WRITES_PER_COMMIT) {
        throw invalidArgument(
          `A batch write may hold at most ${MAX_WRITES_PER_COMMIT} writes; this one has ${writes.length}.`,
        );
      }
      const names = targetNames(db, writes);
      if (new Set(names).size !== names.length) {
        throw invalidArgument('A batch write cannot write the same document more than once.');
      }
      const outcomes = await Promise.all(
        writes.map((write) =>
          commit(backend, db, caller, [write]).then(
            (result) => ({ result, error: null }),
            (error: unknown) => {
              if (!(error instanceof RpcError)) throw error;
              return { result: null, error };
            },
          ),
        ),
      );
      return {
        writeResults: outcomes.map((o) => (o.result ? wireWriteResults(o.result)[0] : {})),
        status: outcomes.map((o) =>
          o.error ? { code: o.error.code, message: o.error.message } : { code: 0 },
        ),
      };
    }),

    Write: (call: grpc.ServerDuplexStream<any, any>) => handleWriteStream(backend, call),
    Listen: (call: grpc.ServerDuplexStream<any, any>) => handleListen(backend, call),
  };
}
