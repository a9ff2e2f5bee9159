/**
 * Lists are written nightly without what each customer owned then; what they buy afterwards is
 * added here, by a trigger on their purchase events, to `bought` on recommendations/{uid}, the
 * document serving reads anyway. At-least-once delivery is harmless: arrayUnion is idempotent.
 * The array is not trimmed: at ~25 bytes an id, a customer would need some 40,000 distinct
 * products to approach Firestore's 1 MiB document limit.
 */
import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import { CustomerEvent } from '@hearth/contracts';
import { recommendationsRef } from '../platform/paths';

/** The trigger on customers/{uid}/events/{id}: only valid purchase events change anything. */
export async function onCustomerEvent(db: Firestore, uid: string, data: unknown): Promise<boolean> {
  const event = CustomerEvent.safeParse(data);
  if (!event.success || event.data.kind !== 'purchase') return false;
  await recommendationsRef(db, uid).set(
    { bought: FieldValue.arrayUnion(event.data.productId) },
    { merge: true },
  );
  return true;
}
