/**
 * The shopper's orders, live: a checkout elsewhere, a shipment or a return staff record shows up
 * without a reload. Lines that have not left the store can be cancelled here, all at once or one
 * line at a time; the refund shows on the order.
 */
import { useState } from 'preact/hooks';
import { LEFT_THE_STORE, type OrderDoc } from '@hearth/contracts';
import { cancelOrder, type HearthError, watchMyOrders } from '@hearth/client';
import { dateTime, money } from '../format';
import { useClient, useSession } from '../session';
import { Alert } from '../ui/field';
import { useLive } from '../ui/hooks';

const say = (s: string) => s.replace(/_/g, ' ');

/** Units of a line the customer may still cancel (orders from before fulfilment read as allocated). */
function cancellable(l: OrderDoc['lines'][number]): number {
  const state = l.fulfilment ?? 'allocated';
  if (state === 'cancelled' || LEFT_THE_STORE.includes(state)) return 0;
  return l.qty - (l.cancelled ?? 0) - l.returned;
}

function OrderItem({ o }: { o: OrderDoc & { id: string } }) {
  const client = useClient();
  const [error, setError] = useState<HearthError | null>(null);
  const [busy, setBusy] = useState(false);
  const cancel = async (lines?: { lineIndex: number; qty: number }[]) => {
    setBusy(true);
    const res = await cancelOrder(client, { orderId: o.id, ...(lines ? { lines } : {}) });
    setBusy(false);
    setError(res.ok ? null : res.error);
  };
  const open = o.lines.map(cancellable);
  return (
    <li data-order={o.id}>
      <h2>
        Order {o.id} <span class={`badge ${o.status}`}>{say(o.status)}</span>
      </h2>
      <p class="muted">
        {dateTime(o.createdAt.toMillis())} · {money(o.totalMinor)}
        {(o.refundedMinor ?? 0) > 0 && <> · {money(o.refundedMinor)} refunded</>}
      </p>
      {error && <Alert>{error.message}</Alert>}
      <ul>
        {o.lines.map((l, i) => (
          <li>
            {l.qty} × {l.sku} at {money(l.unitPriceMinor)} · {say(l.fulfilment ?? 'allocated')}
            {(l.cancelled ?? 0) > 0 && ` (${l.cancelled} cancelled)`}
            {l.returned > 0 && ` (${l.returned} returned)`}{' '}
            {open[i]! > 0 && o.lines.length > 1 && (
              <button
                type="button"
                disabled={busy}
                onClick={() => void cancel([{ lineIndex: i, qty: open[i]! }])}
              >
                Cancel {l.sku}
              </button>
            )}
          </li>
        ))}
      </ul>
      {open.some((n) => n > 0) && (
        <button type="button" disabled={busy} onClick={() => void cancel()}>
          Cancel order {o.id}
        </button>
      )}
    </li>
  );
}

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
          <OrderItem o={o} />
        ))}
      </ol>
    </section>
  );
}
