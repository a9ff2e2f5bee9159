/**
 * Commits: a batch of writes applied atomically at one commit time, under the locks of every
 * document they touch. Transactional commits also re-run the queries the transaction read, so a
 * document that entered a query's results after it was read (a phantom) aborts the commit.
 */
import { aborted, invalidArgument, RpcError, status } from '../errors';
import { applyWrite, writeDocumentName } from '../model/apply-write';
import type { Micros, StoredDocument, Value, Write } from '../model/types';
import type { WriteAccess } from './access';
import type { Caller } from './auth';
import type { Backend, Database } from './backend';
import type { LockOwner } from './locks';
import { parseDocumentName, requireSameDatabase } from './names';
import { executeQuery, resultSignature } from './reads';
import type { Transaction } from './transactions';

export const MAX_WRITES_PER_COMMIT = 500;

export interface WriteResult {
  /** Unset for deletes; the previous update time when the write changed nothing. */
  updateTime?: Micros;
  transformResults: Value[];
  /** The document as this write left it (null: it does not exist). */
  document: StoredDocument | null;
}

export interface CommitResult {
  writeResults: WriteResult[];
  commitTime: Micros;
}

let plainWriteSequence = 0;

/** A lock owner for a write outside any transaction: never a deadlock victim, youngest of all. */
function plainWriter(): LockOwner {
  const n = ++plainWriteSequence;
  return {
    label: `write #${n}`,
    priority: Number.MAX_SAFE_INTEGER,
    abortable: false,
    held: new Set(),
    waiting: new Set(),
  };
}

export function targetNames(db: Database, writes: Write[]): string[] {
  return writes.map((write) => {
    const name = writeDocumentName(write);
    requireSameDatabase(db.ref, parseDocumentName(name));
    return name;
  });
}

/**
 * Firestore answers INVALID_ARGUMENT, not NOT_FOUND, when a write that needs its document to
 * exist follows that document's delete in the same commit: the request contradicts itself,
 * whatever is stored (the SDKs' transaction tests expect exactly this).
 */
function refuseUpdateAfterDelete(writes: Write[], names: string[]): void {
  const deleted = new Set<string>();
  writes.forEach((write, i) => {
    const name = names[i]!;
    if (write.delete != null) deleted.add(name);
    else if (write.currentDocument?.exists === true && deleted.has(name)) {
      throw invalidArgument(
        `Document "${name}" cannot be updated: an earlier write in this commit deletes it, and an update needs the document to exist.`,
      );
    } else if (write.update != null) deleted.delete(name);
  });
}

export async function commit(
  backend: Backend,
  db: Database,
  caller: Caller,
  writes: Write[],
  txId?: Uint8Array | null,
): Promise<CommitResult> {
  if (writes.length > MAX_WRITES_PER_COMMIT) {
    throw invalidArgument(
      `A commit may hold at most ${MAX_WRITES_PER_COMMIT} writes; this one has ${writes.length}. Split it into several batches.`,
    );
  }
  const tx = txId?.length ? backend.transactions.use(Buffer.from(txId), db.ref.name) : null;
  // What a later use of the transaction is told: it ended here, one way or the other.
  let ending = tx && aborted(`Transaction ${tx.id.toString()} failed to commit and has ended; retry it.`);
  try {
    if (tx?.mode === 'readOnly') {
      if (writes.length > 0) throw invalidArgument('A read-only transaction cannot write.');
      return { writeResults: [], commitTime: tx.readTime! };
    }
    const names = targetNames(db, writes);
    refuseUpdateAfterDelete(writes, names);
    const owner = tx ?? plainWriter();
    try {
      await backend.locks.acquire(owner, names);
      if (tx?.ended) throw tx.ended;
      if (tx) checkQueries(db, tx);
      const result = applyCommit(backend, db, caller, writes, names);
      if (tx) ending = invalidArgument(`Transaction ${tx.id.toString()} was already committed.`);
      return result;
    } finally {
      if (!tx) backend.locks.releaseAll(owner);
    }
  } finally {
    if (tx) backend.transactions.finish(tx, ending!);
  }
}

function checkQueries(db: Database, tx: Transaction): void {
  for (const recorded of tx.queries) {
    if (resultSignature(executeQuery(db.store, recorded.parent, recorded.query)) !== recorded.signature) {
      throw aborted(
        'Too much contention: documents matching a query read in this transaction changed before it committed; retry it.',
      );
    }
  }
}

/** A precondition the stored document does not meet (as opposed to a malformed write). */
const isPreconditionFailure = (error: unknown) =>
  error instanceof RpcError &&
  [status.NOT_FOUND, status.ALREADY_EXISTS, status.FAILED_PRECONDITION].includes(error.code);

/**
 * Applies the writes in order, checks access, then stores them at one commit time. Synchronous.
 * Access is checked for every write, including those that change nothing, and before any failed
 * precondition is reported: otherwise a caller the rules refuse could learn whether a document
 * exists, or what it holds, from which error a write gets.
 */
function applyCommit(
  backend: Backend,
  db: Database,
  caller: Caller,
  writes: Write[],
  names: string[],
): CommitResult {
  const commitTime = backend.clock.next();
  const pending = new Map<string, StoredDocument | null>();
  const original = new Map<string, StoredDocument | null>();
  const verified = new Set<string>();
  let failedPrecondition: unknown = null;
  const current = (name: string) => (pending.has(name) ? pending.get(name)! : db.store.get(name));
  const writeResults: WriteResult[] = writes.map((write, i) => {
    const name = names[i]!;
    const before = current(name);
    if (write.verify != null) verified.add(name);
    else if (!original.has(name)) original.set(name, before);
    let outcome;
    try {
      outcome = applyWrite(before, write, commitTime);
    } catch (error) {
      if (!isPreconditionFailure(error)) throw error;
      failedPrecondition ??= error;
      // Carry on without the precondition, so access is checked for what the write would do.
      outcome = applyWrite(before, { ...write, currentDocument: undefined }, commitTime);
    }
    if (outcome.document !== before) pending.set(name, outcome.document);
    return {
      updateTime: outcome.document?.updateTime,
      transformResults: outcome.transformResults,
      document: outcome.document,
    };
  });
  const policy = backend.access.policyFor(caller, db.ref.projectId);
  const reader = (name: string) => db.store.get(name);
  // A verify write reads its document: the caller must be allowed to get it.
  for (const name of verified) {
    if (!original.has(name))
      policy.checkGet(caller, db.ref.projectId, db.ref.databaseId, name, reader(name), reader);
  }
  const checks: WriteAccess[] = [...original].map(([docName, before]) => {
    // A write that changes nothing still happens at the commit time (rules see it as request.time).
    const after = pending.has(docName)
      ? pending.get(docName)!
      : before && { ...before, updateTime: commitTime };
    return {
      docName,
      before,
      after,
      method: after === null ? 'delete' : before === null ? 'create' : 'update',
    };
  });
  if (checks.length > 0) {
    policy.checkWrites(caller, db.ref.projectId, db.ref.databaseId, checks, reader, (name) => current(name));
  }
  if (failedPrecondition) throw failedPrecondition;
  if (pending.size > 0) {
    const changes = db.store.apply(pending, commitTime);
    db.watch.onCommit(changes, commitTime);
  }
  return { writeResults, commitTime };
}
