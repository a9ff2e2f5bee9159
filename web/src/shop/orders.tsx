/** The shopper's orders, live: a checkout elsewhere, or a return staff record, shows up without a reload. */
import type { OrderDoc } from '@hearth/contracts';
import { watchMyOrders } from '@hearth/client';
import { dateTime, money } from '../format';
import { useClient, useSession } from '../session';
import { Alert } from '../ui/field';
import { useLive } from '../ui/hooks';

export function OrdersPage() {
  const client = useClient();
  const { user } = useSession();
  const orders = useLive<Array<OrderDoc & { id: string }>>(
    (set, fail) => (user ? watchMyOrders(client, user.uid, set, { onError: fail }) : () => undefined),
    [user?.uid],
  );
  if (!user) return <p>Sign in to see your orders.</p>;
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">Your orders</h1>
      {orders.error && <Alert>Could not load your orders: {orders.error.message}</Alert>}
      {orders.value?.length === 0 && <p>No orders yet.</p>}
      <ol class="orders" aria-label="Orders, newest first">
        {orders.value?.map((o) => (
          <li data-order={o.id}>
            <h2>
              Order {o.id} <span class={`badge ${o.status}`}>{o.status.replace('_', ' ')}</span>
            </h2>
            <p class="muted">
              {dateTime(o.createdAt.toMillis())} · {money(o.totalMinor)}
            </p>
            <ul>
              {o.lines.map((l) => (
                <li>
                  {l.qty} × {l.sku} at {money(l.unitPriceMinor)}
                  {l.returned > 0 && ` (${l.returned} returned)`}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
