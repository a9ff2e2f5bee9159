/**
 * The bidirectional Write stream the web SDK sends its writes through: a handshake (a request with
 * only the database) answered with a stream id and token, then one atomic commit per request, in
 * order, each answered with the next token, the write results and the commit time.
 */
import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { invalidArgument } from '../errors';
import type { Backend, Database } from './backend';
import { callerOf, toStatus } from './calls';
import { commit } from './commit';
import { parseDatabaseName } from './names';
import { wireTime } from './wire';

export function handleWriteStream(backend: Backend, call: grpc.ServerDuplexStream<any, any>): void {
  const streamId = randomUUID();
  let db: Database | null = null;
  let sequence = 0;
  let closed = false;
  let queue: Promise<void> = Promise.resolve();
  const token = () => Buffer.from(`${streamId}:${++sequence}`);
  const fail = (error: unknown) => {
    if (closed) return;
    closed = true;
    call.emit('error', toStatus(error));
  };

  const handle = async (request: any) => {
    if (closed) return;
    const caller = callerOf(call);
    if (!db) {
      db = backend.database(parseDatabaseName(request.database));
      if (request.writes?.length)
        throw invalidArgument('The first request on a Write stream must be a handshake.');
      call.write({ streamId, streamToken: token() });
      return;
    }
    const result = await commit(backend, db, caller, request.writes ?? []);
    if (closed) return;
    call.write({
      streamId,
      streamToken: token(),
      commitTime: wireTime(result.commitTime),
      writeResults: result.writeResults.map((r) => ({
        updateTime: wireTime(r.updateTime ?? result.commitTime),
        transformResults: r.transformResults,
      })),
    });
  };

  call.on('data', (request) => {
    queue = queue.then(() => handle(request)).catch(fail);
  });
  call.on('end', () => {
    void queue.then(() => {
      if (!closed) {
        closed = true;
        call.end();
      }
    });
  });
  call.on('cancelled', () => (closed = true));
  call.on('error', () => (closed = true));
}
