/** Everything the inventory domain writes, as plain data: compare before and after to prove nothing changed. */
import type { Firestore } from 'firebase-admin/firestore';

const COLLECTIONS = [
  'inventory',
  'ledger',
  'reservations',
  'orders',
  'idempotency',
  'transfers',
  'reconciliations',
  'backorders',
];

export async function everything(db: Firestore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const name of COLLECTIONS) {
    const snap = await db.collection(name).get();
    for (const d of snap.docs) out[d.ref.path] = d.data();
  }
  for (const d of (await db.collectionGroup('shards').get()).docs) out[d.ref.path] = d.data();
  return out;
}
