/**
 * The trigger on customers/{uid}/events/{id}: a purchase joins `bought` (bought.ts), and every
 * event folds the customer's vector in again (fold-in.ts), so their list follows what they do
 * within seconds. The fold-in cache lives as long as the instance.
 */
import type { Firestore } from 'firebase-admin/firestore';
import { onCustomerEvent } from './bought';
import { FoldInCache, foldInCustomer, type FoldInOutcome } from './fold-in';

const cache = new FoldInCache();

export async function onCustomerEventCreated(
  deps: { db: Firestore; clock: { now(): Date } },
  uid: string,
  data: unknown,
): Promise<FoldInOutcome> {
  await onCustomerEvent(deps.db, uid, data);
  return foldInCustomer({ ...deps, cache }, uid);
}
