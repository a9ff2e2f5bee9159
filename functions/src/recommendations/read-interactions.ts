/**
 * Reads what training needs from Firestore a page at a time (cursor on the document name), so no
 * query ever loads a whole collection: the customers who allow personalisation, then every
 * behaviour event under customers/{uid}/events.
 */
import { FieldPath, type Firestore, type Query, type QueryDocumentSnapshot } from 'firebase-admin/firestore';
import { CustomerEvent } from '@hearth/contracts';
import type { InteractionEvent } from './interactions';
import { EventGate } from './trusted-events';

export async function forEachPage(
  query: Query,
  pageSize: number,
  onPage: (docs: QueryDocumentSnapshot[]) => void,
): Promise<void> {
  let last: QueryDocumentSnapshot | undefined;
  while (true) {
    const page = query.orderBy(FieldPath.documentId()).limit(pageSize);
    const snap = await (last ? page.startAfter(last) : page).get();
    if (snap.empty) return;
    onPage(snap.docs);
    if (snap.size < pageSize) return;
    last = snap.docs[snap.size - 1];
  }
}

/** Uids of the customers whose profile allows personalisation (opt-in: no profile, no consent). */
export async function consentingCustomers(db: Firestore, pageSize: number): Promise<Set<string>> {
  const uids = new Set<string>();
  const query = db.collection('customers').where('consent.personalisation', '==', true).select();
  await forEachPage(query, pageSize, (docs) => docs.forEach((d) => uids.add(d.id)));
  return uids;
}

export interface EventPage {
  events: InteractionEvent[];
  /** Events in the page that fail the CustomerEvent schema (skipped). */
  invalid: number;
  /** Events that parse but fail the trust checks of trusted-events.ts (skipped). */
  untrusted: number;
}

/** Every trusted customers/{uid}/events document, a page at a time, as interaction events. */
export async function forEachEventPage(
  db: Firestore,
  pageSize: number,
  onPage: (page: EventPage) => void,
): Promise<void> {
  const gate = new EventGate();
  await forEachPage(db.collectionGroup('events'), pageSize, (docs) => {
    const page: EventPage = { events: [], invalid: 0, untrusted: 0 };
    for (const doc of docs) {
      const owner = doc.ref.parent.parent;
      const parsed = CustomerEvent.safeParse(doc.data());
      if (!owner || owner.parent.id !== 'customers' || !parsed.success) {
        page.invalid++;
        continue;
      }
      const e = parsed.data;
      if (!gate.admit(owner.id, doc.id, e)) {
        page.untrusted++;
        continue;
      }
      page.events.push({
        userId: owner.id,
        itemId: e.productId,
        kind: e.kind,
        quantity: e.quantity,
        at: e.at.toMillis(),
      });
    }
    onPage(page);
  });
}

/** Ids of every product document (names only, a page at a time). */
export async function productIds(db: Firestore, pageSize: number): Promise<Set<string>> {
  const ids = new Set<string>();
  await forEachPage(db.collection('products').select(), pageSize, (docs) =>
    docs.forEach((d) => ids.add(d.id)),
  );
  return ids;
}
