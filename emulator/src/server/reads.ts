/**
 * Reads at the consistency a request asks for: strong (latest), at a read time, in a read-only
 * transaction (its snapshot) or in a read-write transaction (under exclusive locks, see locks.ts).
 */
import { invalidArgument, RpcError } from '../errors';
import { getField, parseFieldPath, setField } from '../model/fieldpath';
import { runStructuredQuery } from '../model/query';
import { microsFromTimestamp } from '../model/time';
import type { Fields, Micros, ProtoTimestamp, StoredDocument, StructuredQuery } from '../model/types';
import type { Caller } from './auth';
import type { Backend, Database } from './backend';
import type { VersionedStore } from './store';
import type { Transaction } from './transactions';

export interface ReadView {
  /** The snapshot to read; undefined reads the latest state (strong reads, read-write transactions). */
  at: Micros | undefined;
  /** A read-write transaction whose reads lock what they read. */
  lockingTx: Transaction | null;
  /** The transaction started by this request, to be returned first. */
  started: Transaction | null;
}

export interface ConsistencySelector {
  transaction?: Uint8Array | null;
  newTransaction?: TransactionOptions | null;
  readTime?: ProtoTimestamp | null;
}

export interface TransactionOptions {
  readOnly?: { readTime?: ProtoTimestamp | null } | null;
  readWrite?: { retryTransaction?: Uint8Array | null } | null;
}

/** Starts a transaction as BeginTransaction or a read's `new_transaction` asks. */
export function beginTransaction(
  backend: Backend,
  db: Database,
  options: TransactionOptions | null | undefined,
) {
  if (options?.readOnly) {
    const readTime = options.readOnly.readTime
      ? checkedReadTime(backend, db, options.readOnly.readTime)
      : backend.clock.next();
    return backend.transactions.begin(db.ref.name, 'readOnly', readTime);
  }
  const retry = options?.readWrite?.retryTransaction;
  return backend.transactions.begin(
    db.ref.name,
    'readWrite',
    null,
    retry?.length ? Buffer.from(retry) : undefined,
  );
}

export function openReadView(backend: Backend, db: Database, selector: ConsistencySelector): ReadView {
  if (selector.transaction?.length) {
    const tx = backend.transactions.use(Buffer.from(selector.transaction), db.ref.name);
    return tx.mode === 'readOnly'
      ? { at: tx.readTime!, lockingTx: null, started: null }
      : { at: undefined, lockingTx: tx, started: null };
  }
  if (selector.newTransaction) {
    const tx = beginTransaction(backend, db, selector.newTransaction);
    return tx.mode === 'readOnly'
      ? { at: tx.readTime!, lockingTx: null, started: tx }
      : { at: undefined, lockingTx: tx, started: tx };
  }
  if (selector.readTime)
    return { at: checkedReadTime(backend, db, selector.readTime), lockingTx: null, started: null };
  return { at: undefined, lockingTx: null, started: null };
}

/** A read time ahead of the clock (beyond a second of skew) names a state that does not exist yet. */
export function refuseFutureReadTime(backend: Backend, at: Micros): void {
  if (at > backend.clock.wallMicros() + 1_000_000)
    throw invalidArgument('The read time must not be in the future.');
}

function checkedReadTime(backend: Backend, db: Database, ts: ProtoTimestamp): Micros {
  const at = microsFromTimestamp(ts);
  refuseFutureReadTime(backend, at);
  db.store.checkReadTime(at, backend.clock.wallMicros());
  // Later commits must get later times, or a read at this time would not be repeatable.
  backend.clock.observe(at);
  return at;
}

/** The read time to report for a view, taken after any locks were granted. */
export function reportedReadTime(backend: Backend, view: ReadView): Micros {
  return view.at ?? backend.clock.next();
}

/** Locks `names` for a read-write transaction; a failure ends the transaction (the SDK retries it). */
export async function lockForRead(backend: Backend, tx: Transaction, names: Iterable<string>): Promise<void> {
  try {
    await backend.locks.acquire(tx, names);
  } catch (error) {
    if (error instanceof RpcError) backend.transactions.finish(tx, error);
    throw error;
  }
  if (tx.ended) {
    const reason = tx.ended;
    backend.transactions.finish(tx, reason);
    throw reason;
  }
  // Time spent queued for a lock is not idleness.
  tx.lastActive = Date.now();
}

export async function getDocuments(
  backend: Backend,
  db: Database,
  caller: Caller,
  names: string[],
  view: ReadView,
): Promise<Array<StoredDocument | null>> {
  const reader = (name: string) => db.store.get(name, view.at);
  const policy = backend.access.policyFor(caller, db.ref.projectId);
  const check = () =>
    names.map((name) => {
      const doc = reader(name);
      policy.checkGet(caller, db.ref.projectId, db.ref.databaseId, name, doc, reader);
      return doc;
    });
  if (!view.lockingTx) return check();
  // Checked before locking too: a read the rules refuse must not hold a lock (and block writers).
  check();
  await lockForRead(backend, view.lockingTx, names);
  return check();
}

/** The names a filter allows at most, when it pins `__name__` to values (== or in, alone or in an AND). */
function namesPinnedBy(where: any): string[] | null {
  const f = where?.fieldFilter;
  if (f?.field?.fieldPath === '__name__') {
    if (f.op === 'EQUAL' && typeof f.value?.referenceValue === 'string') return [f.value.referenceValue];
    if (f.op === 'IN') {
      const values: any[] = f.value?.arrayValue?.values ?? [];
      if (values.every((v) => typeof v?.referenceValue === 'string'))
        return values.map((v) => v.referenceValue);
    }
    return null;
  }
  const c = where?.compositeFilter;
  if (c?.op !== 'AND') return null;
  for (const filter of c.filters ?? []) {
    const names = namesPinnedBy(filter);
    if (names) return names;
  }
  return null;
}

/** The documents a query may return, before filtering: its collection or collection group. */
export function* queryCandidates(
  store: VersionedStore,
  parent: string,
  query: StructuredQuery,
  at?: Micros,
): Iterable<StoredDocument> {
  const from = query.from?.[0] ?? {};
  const collectionId: string = from.collectionId ?? '';
  if (!from.allDescendants) {
    const collection = `${parent}/${collectionId}`;
    const pinned = namesPinnedBy(query.where);
    if (!pinned) {
      yield* store.collection(collection, at);
      return;
    }
    // A filter on the document name (== or in) names its candidates: look them up instead of
    // scanning the collection. The query's filters still run on them.
    for (const name of new Set(pinned)) {
      if (name.slice(0, name.lastIndexOf('/')) !== collection) continue;
      const doc = store.get(name, at);
      if (doc) yield doc;
    }
    return;
  }
  const collections = collectionId
    ? store.groupCollections(collectionId, parent)
    : store.collectionsBelow(parent);
  for (const collection of collections) yield* store.collection(collection, at);
}

export function executeQuery(store: VersionedStore, parent: string, query: StructuredQuery, at?: Micros) {
  return runStructuredQuery(queryCandidates(store, parent, query, at), parent, query);
}

/** Names and versions of a result set: equal signatures mean a query saw the same documents. */
export function resultSignature(results: StoredDocument[]): string {
  return results.map((d) => `${d.name}@${d.updateTime}`).join('\n');
}

/**
 * Runs a query at the view. In a read-write transaction the results are locked and the query is
 * recorded, so a commit can detect documents that entered its range meanwhile (phantoms).
 */
export async function queryDocuments(
  backend: Backend,
  db: Database,
  caller: Caller,
  parent: string,
  query: StructuredQuery,
  view: ReadView,
): Promise<StoredDocument[]> {
  const reader = (name: string) => db.store.get(name, view.at);
  const policy = backend.access.policyFor(caller, db.ref.projectId);
  const check = (results: StoredDocument[]) =>
    policy.checkList(caller, db.ref.projectId, db.ref.databaseId, parent, query, results, reader);
  let results = executeQuery(db.store, parent, query, view.at);
  const tx = view.lockingTx;
  if (tx) {
    // Checked before locking too: a query the rules refuse must not hold locks.
    check(results);
    await lockForRead(
      backend,
      tx,
      results.map((d) => d.name),
    );
    results = executeQuery(db.store, parent, query);
    tx.queries.push({ parent, query, signature: resultSignature(results) });
  }
  check(results);
  return results;
}

/** Keeps only the fields a DocumentMask names (an empty mask keeps none). */
export function applyMask(
  doc: StoredDocument,
  mask: { fieldPaths?: string[] } | null | undefined,
): StoredDocument {
  if (!mask) return doc;
  let fields: Fields = {};
  for (const path of mask.fieldPaths ?? []) {
    const segments = parseFieldPath(path);
    const value = getField(doc.fields, segments);
    if (value !== undefined) fields = setField(fields, segments, value);
  }
  return { ...doc, fields };
}
