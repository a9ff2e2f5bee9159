/**
 * What cancellation and fulfilment share about an order: reading it for a caller, which units of a
 * line are still at their location, the order's status from its lines, and its history.
 */
import type { DocumentSnapshot, Timestamp } from 'firebase-admin/firestore';
import {
  type Allocation,
  LEFT_THE_STORE,
  OrderDoc,
  type OrderHistoryEntry,
  type OrderStatus,
  type ReservationDoc,
} from '@hearth/contracts';
import { InventoryError, notFound } from './errors';

export type Order = OrderDoc;
export type OrderLine = OrderDoc['lines'][number];

/** Who acts on an order: its customer, staff, or a job. */
export interface OrderActor {
  uid: string;
  role: 'customer' | 'staff' | 'admin' | 'system';
}

export function readOrder(snap: DocumentSnapshot, actor: OrderActor): Order {
  if (!snap.exists) throw notFound('order', snap.id);
  const order = OrderDoc.parse(snap.data());
  if (actor.role === 'customer' && order.customerId !== actor.uid)
    throw new InventoryError('permission-denied', `Order ${snap.id} belongs to another customer`, {
      orderId: snap.id,
    });
  return order;
}

export function lineAt(order: Order, orderId: string, lineIndex: number): OrderLine {
  const line = order.lines[lineIndex];
  if (!line) throw notFound('order line', `${orderId}/${lineIndex}`);
  return line;
}

/** Units of the line not cancelled (whatever their state). */
export const liveUnits = (line: OrderLine) => line.qty - line.cancelled;

export const hasLeft = (line: OrderLine) => LEFT_THE_STORE.includes(line.fulfilment);

/**
 * Where the line's live units sit. Cancellations take units back from the last allocation first, so
 * this is a function of the line alone: the same on every read, retry and replay.
 */
export function liveAllocations(line: OrderLine): Allocation[] {
  let cancelled = line.cancelled;
  const out: Allocation[] = [];
  for (const a of [...line.allocations].reverse()) {
    const gone = Math.min(cancelled, a.qty);
    cancelled -= gone;
    if (a.qty - gone > 0) out.unshift({ ...a, qty: a.qty - gone });
  }
  return out;
}

/** The units cancelling `qty` more of the line takes back, allocation by allocation. */
export function cancelledAllocations(line: OrderLine, qty: number): Allocation[] {
  const out: Allocation[] = [];
  let left = qty;
  for (const a of [...liveAllocations(line)].reverse()) {
    if (left === 0) break;
    const take = Math.min(left, a.qty);
    out.push({ ...a, qty: take });
    left -= take;
  }
  return out;
}

/** The order's status: a summary of its lines (each line's own state is the truth). */
export function orderStatusOf(lines: OrderLine[]): OrderStatus {
  const live = lines.filter((l) => liveUnits(l) > 0);
  if (live.length === 0) return 'cancelled';
  const returned = live.reduce((n, l) => n + l.returned, 0);
  if (returned > 0) return live.every((l) => l.returned >= liveUnits(l)) ? 'returned' : 'partially_returned';
  const states = live.map((l) => l.fulfilment);
  const all = (ok: string[]) => states.every((s) => ok.includes(s));
  if (all(['delivered', 'collected'])) return 'completed';
  if (all(['shipped', 'delivered', 'collected'])) return 'shipped';
  if (all(['ready_for_pickup', 'collected'])) return 'ready_for_pickup';
  if (states.some((s) => s !== 'allocated')) return 'in_fulfilment';
  return live.length < lines.length || live.some((l) => l.cancelled > 0) ? 'partially_cancelled' : 'placed';
}

/** The history entry of one change. */
export const historyEntry = (
  e: Omit<OrderHistoryEntry, 'lineIndex' | 'from' | 'to' | 'qty' | 'note'> &
    Partial<Pick<OrderHistoryEntry, 'lineIndex' | 'from' | 'to' | 'qty' | 'note'>>,
): OrderHistoryEntry => ({ lineIndex: null, from: null, to: null, qty: null, note: '', ...e });

/** What checkout writes of the lifecycle on a new order's line: nothing moved yet. */
export const newOrderLine = { fulfilment: 'allocated', cancelled: 0, returnRequested: 0 } as const;

/**
 * Click and collect on the order: the store, and whether some units come from elsewhere (the
 * customer allowed a transfer into the store, so the goods are ready later).
 */
export function pickupOf(res: ReservationDoc): Order['pickup'] {
  if (!res.pickup) return null;
  const { locationId, readyFrom } = res.pickup;
  const viaTransfer = res.lines.some((l) => l.allocations.some((a) => a.locationId !== locationId));
  return { locationId, viaTransfer, readyFrom: readyFrom ?? null, expiresAt: null };
}

/** What checkout writes of the lifecycle on a new order: placed by its customer, nothing refunded. */
export const newOrder = (uid: string, at: Timestamp, pickup: Order['pickup']) => ({
  history: [historyEntry({ at, by: { uid, role: 'customer' }, action: 'placed' })],
  refunds: [],
  refundedMinor: 0,
  pickup,
});
