/** Open holds (soonest to expire first) and the newest orders of every customer, live; one reservation. */
import { doc, onSnapshot } from 'firebase/firestore';
import type { OrderDoc, ReservationDoc } from '@hearth/contracts';
import { toHearthError, watchHeldReservations, watchRecentOrders, type WithId } from '@hearth/client';
import { countdown, dateTime, money } from '../format';
import { href } from '../router';
import { useClient } from '../session';
import { Alert } from '../ui/field';
import { useLive, useNow } from '../ui/hooks';
import { OrderPanel } from './order-panel';

const lineText = (lines: Array<{ sku: string; qty: number }>) =>
  lines.map((l) => `${l.qty} × ${l.sku}`).join(', ');

export function HoldsAndOrders() {
  const client = useClient();
  const now = useNow();
  const holds = useLive<WithId<ReservationDoc>[]>(
    (set, fail) => watchHeldReservations(client, set, { onError: fail }),
    [],
  );
  const orders = useLive<WithId<OrderDoc>[]>(
    (set, fail) => watchRecentOrders(client, set, { onError: fail }),
    [],
  );
  return (
    <section aria-labelledby="holds-page-title">
      <h1 id="holds-page-title">Holds and orders</h1>
      {(holds.error ?? orders.error) && <Alert>{(holds.error ?? orders.error)!.message}</Alert>}
      <h2>Open holds ({holds.value?.length ?? '…'})</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Reservation</th>
            <th scope="col">Customer</th>
            <th scope="col">Lines</th>
            <th scope="col">Expires in</th>
          </tr>
        </thead>
        <tbody>
          {holds.value?.map((r) => (
            <tr>
              <th scope="row">
                <a href={href('console', 'reservation', r.id)}>{r.id}</a>
              </th>
              <td>{r.customerId}</td>
              <td>{lineText(r.lines)}</td>
              <td class="num">{countdown(r.expiresAt.toMillis(), now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Newest orders</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Customer</th>
            <th scope="col">Lines</th>
            <th scope="col">Status</th>
            <th scope="col">Total</th>
            <th scope="col">Placed</th>
          </tr>
        </thead>
        <tbody>
          {orders.value?.map((o) => (
            <tr>
              <th scope="row">
                <a href={href('console', 'reservation', o.id)}>{o.id}</a>
              </th>
              <td>{o.customerId}</td>
              <td>{lineText(o.lines)}</td>
              <td>{o.status.replace(/_/g, ' ')}</td>
              <td class="num">{money(o.totalMinor)}</td>
              <td>{dateTime(o.createdAt.toMillis())}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A reservation and, once checked out, its order (same id): what a ledger entry's correlation id links to. */
export function ReservationPage({ id }: { id: string }) {
  const client = useClient();
  const watch =
    <T,>(path: string) =>
    (set: (v: T | null) => void, fail: (e: ReturnType<typeof toHearthError>) => void) =>
      onSnapshot(
        doc(client.db, path, id),
        (s) => set(s.exists() ? (s.data() as T) : null),
        (err) => fail(toHearthError(err)),
      );
  const hold = useLive<ReservationDoc | null>(watch<ReservationDoc>('reservations'), [id]);
  const order = useLive<OrderDoc | null>(watch<OrderDoc>('orders'), [id]);
  return (
    <article aria-labelledby="reservation-title">
      <h1 id="reservation-title">Reservation {id}</h1>
      {hold.error && <Alert>{hold.error.message}</Alert>}
      {hold.value === null && <p>No reservation {id} (the seed's historical orders have none).</p>}
      {hold.value && (
        <p>
          {hold.value.status.replace('_', ' ')} · customer {hold.value.customerId} ·{' '}
          {lineText(hold.value.lines)} · expires {dateTime(hold.value.expiresAt.toMillis())}
        </p>
      )}
      {order.value && <OrderPanel id={id} order={order.value} />}
    </article>
  );
}
