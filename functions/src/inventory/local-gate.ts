/**
 * Per-process admission to contended documents. Calls that would only queue on the same
 * document's lock wait here instead, holding nothing in Firestore; when their turn comes, what the
 * calls before them committed (published through shared-read.ts) usually answers them without a
 * transaction (in a sell-out: "none left"). Permits are taken in key order, so carts over
 * overlapping SKUs cannot deadlock here.
 */
import type { Firestore } from 'firebase-admin/firestore';

interface Slot {
  active: number;
  waiting: (() => void)[];
}

const slots = new WeakMap<Firestore, Map<string, Slot>>();

async function acquireOne(forDb: Map<string, Slot>, key: string, limit: number): Promise<void> {
  let slot = forDb.get(key);
  if (!slot) forDb.set(key, (slot = { active: 0, waiting: [] }));
  if (slot.active < limit) {
    slot.active++;
    return;
  }
  await new Promise<void>((resolve) => slot.waiting.push(resolve));
}

function releaseOne(forDb: Map<string, Slot>, key: string): void {
  const slot = forDb.get(key)!;
  const next = slot.waiting.shift();
  if (next) next();
  else if (--slot.active === 0) forDb.delete(key);
}

/** Waits for a permit on every key (at most `limit` holders each); returns the release. */
export async function admit(db: Firestore, keys: { key: string; limit: number }[]): Promise<() => void> {
  let forDb = slots.get(db);
  if (!forDb) slots.set(db, (forDb = new Map()));
  const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { key, limit } of sorted) await acquireOne(forDb, key, limit);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const { key } of sorted) releaseOne(forDb, key);
  };
}
