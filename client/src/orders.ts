/** The signed-in customer's orders, newest first, as they change (a return updates one live). */
import { collection, limit, onSnapshot, orderBy, query, where, type Unsubscribe } from 'firebase/firestore';
import type { OrderDoc } from '@hearth/contracts';
import type { HearthClient } from './client';
import { toHearthError, type HearthError } from './errors';

/**
 * The query filters on the customer because the rules allow a customer only queries that can
 * return nothing but their own orders.
 */
export function watchMyOrders(
  client: Pick<HearthClient, 'db'>,
  uid: string,
  onChange: (orders: Array<OrderDoc & { id: string }>) => void,
  opts: { limit?: number; onError?: (e: HearthError) => void } = {},
): Unsubscribe {
  return onSnapshot(
    query(
      collection(client.db, 'orders'),
      where('customerId', '==', uid),
      orderBy('createdAt', 'desc'),
      limit(opts.limit ?? 20),
    ),
    (snap) => onChange(snap.docs.map((d) => ({ ...(d.data() as OrderDoc), id: d.id }))),
    (err) => (opts.onError ?? ((e) => console.error(`watchMyOrders: ${e.message}`)))(toHearthError(err)),
  );
}
