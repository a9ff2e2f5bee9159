/**
 * The right to erasure. What is the customer's alone (profile, events, recommendations, stored call
 * answers, the sign-in account) is deleted; what the accounts must keep (orders, reservations,
 * ledger entries) stays with the customer's id replaced by a pseudonym that leads nowhere.
 *
 * Safe to retry: every step looks for what is still there, so a second run after a crash finishes
 * the job and a run after a finished one does nothing. The account goes last, so a failure before it
 * leaves the customer signed in to try again. Held reservations keep their hold until they expire
 * (the expiry job finds them by status, not by customer), then their stock returns as usual.
 */
import { randomUUID } from 'node:crypto';
import type { DocumentSnapshot, Firestore } from 'firebase-admin/firestore';
import type { DeleteMyDataResponse } from '@hearth/contracts';
import type { CustomerDeps } from './deps';
import { ownedDocs, pages, queries } from './personal-data';

/** One batch stays well inside the 500-write commit limit. */
async function forEachPage(
  db: Firestore,
  source: AsyncGenerator<DocumentSnapshot[]>,
  write: (batch: FirebaseFirestore.WriteBatch, doc: DocumentSnapshot) => void,
): Promise<number> {
  let n = 0;
  for await (const page of source) {
    const batch = db.batch();
    for (const doc of page) write(batch, doc);
    await batch.commit();
    n += page.length;
  }
  return n;
}

export async function deleteMyData(deps: CustomerDeps, uid: string): Promise<DeleteMyDataResponse> {
  const { db } = deps;
  const q = queries(db, uid);
  const owned = ownedDocs(db, uid);
  const pseudonym = `erased-${randomUUID()}`;

  const orders = await forEachPage(db, pages(q.orders), (b, d) => b.update(d.ref, { customerId: pseudonym }));
  const reservations = await forEachPage(db, pages(q.reservations), (b, d) =>
    b.update(d.ref, { customerId: pseudonym }),
  );
  const ledgerEntries = await forEachPage(db, pages(q.ledger), (b, d) =>
    b.update(d.ref, { 'actor.uid': pseudonym }),
  );
  await forEachPage(db, pages(q.idempotency), (b, d) => b.delete(d.ref));
  const events = await forEachPage(db, pages(q.events), (b, d) => b.delete(d.ref));

  const [profile, recommendations] = await Promise.all([owned.profile.get(), owned.recommendations.get()]);
  // Anything else filed under the profile (future subcollections) goes with it.
  await db.recursiveDelete(owned.profile);
  await owned.recommendations.delete();

  const account = await deps.auth.deleteUser(uid).then(
    () => true,
    (err: { code?: string }) => {
      if (err.code === 'auth/user-not-found') return false;
      throw err;
    },
  );
  return {
    deleted: { profile: profile.exists, events, recommendations: recommendations.exists, account },
    anonymised: { orders, reservations, ledgerEntries },
  };
}
