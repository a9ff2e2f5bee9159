/**
 * Everywhere the store keeps something about one customer. Export reads these and erasure clears
 * them, from this one list, so the two cannot drift apart: what erasure leaves, export would find.
 */
import type { DocumentSnapshot, Firestore, Query } from 'firebase-admin/firestore';
import { idempotencyRef, ledgerCol, reservationsCol } from '../platform/paths';
import { customerRef, eventsOf, recommendationsRef } from './profile';

const PAGE = 300;
const idempotencyCol = (db: Firestore) => idempotencyRef(db, 'any').parent;

/** Documents the customer owns outright: erased whole. */
export const ownedDocs = (db: Firestore, uid: string) => ({
  profile: customerRef(db, uid),
  recommendations: recommendationsRef(db, uid),
});

/** Queries for the customer's documents; `collection` names each set in the export. */
export const queries = (db: Firestore, uid: string) => ({
  events: eventsOf(db, uid).orderBy('__name__'),
  /** Under the profile: erased with it (its recursive delete). */
  exposures: customerRef(db, uid).collection('exposures').orderBy('__name__'),
  orders: db.collection('orders').where('customerId', '==', uid).orderBy('__name__'),
  reservations: reservationsCol(db).where('customerId', '==', uid).orderBy('__name__'),
  /** Stock movements the customer caused: kept for the accounts, with the actor replaced. */
  ledger: ledgerCol(db).where('actor.uid', '==', uid).orderBy('__name__'),
  /** Stored answers of the customer's calls: operational, short-lived, erased. */
  idempotency: idempotencyCol(db).where('uid', '==', uid).orderBy('__name__'),
});

/** Every document of a query, a page at a time (so a long history never loads in one read). */
export async function* pages(query: Query): AsyncGenerator<DocumentSnapshot[]> {
  let last: DocumentSnapshot | undefined;
  while (true) {
    const snap = await (last ? query.startAfter(last) : query).limit(PAGE).get();
    if (snap.empty) return;
    yield snap.docs;
    if (snap.size < PAGE) return;
    last = snap.docs[snap.docs.length - 1];
  }
}

export async function all(query: Query): Promise<DocumentSnapshot[]> {
  const out: DocumentSnapshot[] = [];
  for await (const page of pages(query)) out.push(...page);
  return out;
}
