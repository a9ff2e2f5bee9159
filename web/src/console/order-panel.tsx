/**
 * One order in the console (issue 14): each line's fulfilment state with the moves it allows, a
 * cancellation by line (staff may cancel shipped lines: they become returns), the refunds recorded
 * and the history (who, when, what). Everything updates from the order's own listener.
 */
import { useState } from 'preact/hooks';
import { FULFILMENT_MOVES, type FulfilmentState, type OrderDoc } from '@hearth/contracts';
import { advanceFulfilment, cancelOrder, type HearthError } from '@hearth/client';
import { dateTime, money } from '../format';
import { useClient } from '../session';
import { Alert } from '../ui/field';
import { ActionForm } from './action-form';

const say = (s: string) => s.replace(/_/g, ' ');

/** Orders written before fulfilment existed lack the lifecycle fields: read them as their defaults. */
function lineOf(l: OrderDoc['lines'][number]) {
  return {
    ...l,
    fulfilment: (l.fulfilment ?? 'allocated') as FulfilmentState,
    cancelled: l.cancelled ?? 0,
    returnRequested: l.returnRequested ?? 0,
  };
}

export function OrderPanel({ id, order }: { id: string; order: OrderDoc }) {
  const client = useClient();
  const [error, setError] = useState<HearthError | null>(null);
  const [busy, setBusy] = useState(false);
  const lines = order.lines.map(lineOf);
  const move = async (lineIndex: number, to: FulfilmentState) => {
    setBusy(true);
    const res = await advanceFulfilment(client, {
      orderId: id,
      lineIndex,
      to: to as Exclude<FulfilmentState, 'allocated' | 'cancelled'>,
    });
    setBusy(false);
    setError(res.ok ? null : res.error);
  };
  const next = (s: FulfilmentState) =>
    FULFILMENT_MOVES[s].filter((to) => (order.pickup ? to !== 'shipped' : to !== 'ready_for_pickup'));
  return (
    <section aria-labelledby="order-title">
      <h2 id="order-title">Order</h2>
      <p>
        {say(order.status)} · {money(order.totalMinor)}
        {order.pickup && <> · collect at {order.pickup.locationId}</>}
        {order.pickup?.viaTransfer && order.pickup.readyFrom && (
          <> (transferred in: ready from {dateTime(order.pickup.readyFrom.toMillis())})</>
        )}
        {(order.refundedMinor ?? 0) > 0 && <> · refunded {money(order.refundedMinor)}</>}
      </p>
      {error && <Alert>{error.message}</Alert>}
      <table aria-label="Order lines">
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">SKU</th>
            <th scope="col">Qty</th>
            <th scope="col">State</th>
            <th scope="col">Cancelled</th>
            <th scope="col">Return requested</th>
            <th scope="col">Returned</th>
            <th scope="col">Fulfilment</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l, i) => (
            <tr>
              <th scope="row">{i}</th>
              <td>
                {l.sku}
                {l.bundleId && <> (bundle {l.bundleId})</>}
              </td>
              <td class="num">{l.qty}</td>
              <td data-line-state={i}>{say(l.fulfilment)}</td>
              <td class="num">{l.cancelled}</td>
              <td class="num">{l.returnRequested}</td>
              <td class="num">{l.returned}</td>
              <td>
                {next(l.fulfilment).map((to) => (
                  <button type="button" disabled={busy} onClick={() => void move(i, to)}>
                    Mark line {i} {say(to)}
                  </button>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ActionForm
        title="Cancel units"
        quantityField="lines.0.qty"
        fields={[
          {
            name: 'lineIndex',
            label: 'Line',
            kind: 'select',
            options: lines.map((l, i) => ({
              value: String(i),
              label: `${i}: ${l.sku} (${say(l.fulfilment)})`,
            })),
          },
          { name: 'qty', label: 'Units', kind: 'number', initial: '1' },
          { name: 'reason', label: 'Reason' },
        ]}
        submit={(v) =>
          cancelOrder(client, {
            orderId: id,
            lines: [{ lineIndex: Number(v.lineIndex), qty: Number(v.qty) }],
            reason: v.reason ?? '',
          })
        }
        done={(r: { refundMinor: number; lines: { qty: number; sku: string; outcome: string }[] }) =>
          `Cancelled ${r.lines.map((l) => `${l.qty} × ${l.sku} (${say(l.outcome)})`).join(', ')}; refund ${money(r.refundMinor)}`
        }
      />
      {(order.refunds ?? []).length > 0 && (
        <>
          <h3>Refunds</h3>
          <ul aria-label="Refunds">
            {order.refunds.map((r) => (
              <li>
                {dateTime(r.at.toMillis())}: {money(r.amountMinor)} to refund ({r.reason}), by {r.by.uid}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>History</h3>
      <ol aria-label="Order history">
        {(order.history ?? []).map((h) => (
          <li>
            {dateTime(h.at.toMillis())} · {h.by.uid} ({h.by.role}) · {say(h.action)}
            {h.lineIndex !== null && <> line {h.lineIndex}</>}
            {h.from && h.to && h.from !== h.to && (
              <>
                {' '}
                {say(h.from)} → {say(h.to)}
              </>
            )}
            {h.qty !== null && <> · {h.qty} unit(s)</>}
            {h.note && <> · {h.note}</>}
          </li>
        ))}
        {(order.history ?? []).length === 0 &&
          order.statusHistory.map((h) => (
            <li>
              {dateTime(h.at.toMillis())}: {say(h.status)}
            </li>
          ))}
      </ol>
    </section>
  );
}
