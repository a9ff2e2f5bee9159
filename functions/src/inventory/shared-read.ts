/**
 * Single-flight reads. Under a burst, many calls need the same consistent read (is there stock
 * left?). A call may use any read that *started after the call arrived*: its answer is then a
 * state the store was in during the call, which is all linearizability asks. So concurrent calls
 * share one in-flight read instead of each issuing its own.
 */
import { performance } from 'node:perf_hooks';
import type { Firestore } from 'firebase-admin/firestore';

interface Flight {
  started: number;
  result: Promise<unknown>;
}

const flights = new WeakMap<Firestore, Map<string, Flight>>();
/** Only calls in flight can use a read, so reads older than any call's lifetime are dropped. */
const KEEP_MS = 120_000;

function table(db: Firestore): Map<string, Flight> {
  let forDb = flights.get(db);
  if (!forDb) flights.set(db, (forDb = new Map()));
  return forDb;
}

function remember(forDb: Map<string, Flight>, key: string, flight: Flight): void {
  forDb.delete(key);
  forDb.set(key, flight);
  // Insertion order is age order: drop from the front what no call can use any more.
  const horizon = performance.now() - KEEP_MS;
  for (const [k, f] of forDb) {
    if (f.started >= horizon) break;
    forDb.delete(k);
  }
}

/** A monotonic timestamp for `since`: take it when the call arrives. */
export const arrival = () => performance.now();

export function sharedRead<T>(db: Firestore, key: string, since: number, read: () => Promise<T>): Promise<T> {
  const forDb = table(db);
  const current = forDb.get(key);
  if (current && current.started >= since) return current.result as Promise<T>;
  const flight: Flight = { started: performance.now(), result: read() };
  remember(forDb, key, flight);
  flight.result.catch(() => {
    if (forDb.get(key) === flight) forDb.delete(key);
  });
  return flight.result as Promise<T>;
}

/**
 * Offers a state this process just committed as a read that started at `committedAfter` (taken
 * before the commit was sent, so the state held at some instant after it).
 */
export function publish<T>(db: Firestore, key: string, committedAfter: number, value: T): void {
  const forDb = table(db);
  const current = forDb.get(key);
  if (current && current.started > committedAfter) return;
  remember(forDb, key, { started: committedAfter, result: Promise.resolve(value) });
}
