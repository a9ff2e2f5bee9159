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

/** A monotonic timestamp for `since`: take it when the call arrives. */
export const arrival = () => performance.now();

export function sharedRead<T>(db: Firestore, key: string, since: number, read: () => Promise<T>): Promise<T> {
  let forDb = flights.get(db);
  if (!forDb) flights.set(db, (forDb = new Map()));
  const current = forDb.get(key);
  if (current && current.started >= since) return current.result as Promise<T>;
  const flight: Flight = { started: performance.now(), result: read() };
  forDb.set(key, flight);
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
  let forDb = flights.get(db);
  if (!forDb) flights.set(db, (forDb = new Map()));
  const current = forDb.get(key);
  if (current && current.started > committedAfter) return;
  forDb.set(key, { started: committedAfter, result: Promise.resolve(value) });
}
