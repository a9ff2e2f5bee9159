/**
 * The order and reservation events inventory's operations put in the outbox (StockTx.emit), one
 * builder per event so every operation that causes one says the same thing. Stock-level events
 * are not here: StockTx derives them from the counters it writes.
 */
import type { OrderDoc, ReservationDoc } from '@hearth/contracts';
import type { EmitInput } from '../platform/outbox';

const linesOf = (lines: { sku: string; qty: number }[]) => lines.map((l) => ({ sku: l.sku, qty: l.qty }));

export const reservationCreated = (
  id: string,
  r: Pick<ReservationDoc, 'customerId' | 'lines' | 'expiresAt'>,
): EmitInput => ({
  type: 'reservation.created',
  correlationId: id,
  orderKey: `order:${id}`,
  data: {
    reservationId: id,
    customerId: r.customerId,
    lines: linesOf(r.lines),
    expiresAt: new Date(r.expiresAt.toMillis()).toISOString(),
  },
});

/** A backordered hold's last owed unit arrived: the same figures, and it can be checked out now. */
export const reservationFilled = (
  id: string,
  r: Pick<ReservationDoc, 'customerId' | 'lines' | 'expiresAt'>,
): EmitInput => ({ ...reservationCreated(id, r), type: 'reservation.filled' });

export const reservationExpired = (
  id: string,
  r: Pick<ReservationDoc, 'customerId' | 'lines'>,
): EmitInput => ({
  type: 'reservation.expired',
  correlationId: id,
  orderKey: `order:${id}`,
  data: { reservationId: id, customerId: r.customerId, lines: linesOf(r.lines) },
});

/** An order's id is its reservation's: both share one order key, so a consumer sees the hold first. */
export const orderPlaced = (id: string, o: OrderDoc): EmitInput => ({
  type: 'order.placed',
  correlationId: id,
  orderKey: `order:${id}`,
  data: {
    orderId: id,
    customerId: o.customerId,
    lines: o.lines.map((l) => ({ sku: l.sku, qty: l.qty, unitPriceMinor: l.unitPriceMinor })),
    totalMinor: o.totalMinor,
    currency: o.currency,
  },
});

/** For the order lifecycle's operations (cancel, ship, return): the order's state after the change. */
export const orderEvent = (
  type: 'order.cancelled' | 'order.shipped' | 'order.returned',
  orderId: string,
  data: Record<string, unknown>,
): EmitInput => ({ type, correlationId: orderId, orderKey: `order:${orderId}`, data: { orderId, ...data } });
