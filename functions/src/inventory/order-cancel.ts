/**
 * cancelOrder: a customer cancels their own order's lines before they leave the store; staff cancel
 * any. Units that have not left go back on sale where they were sold from (ledger kind `cancel`);
 * units that have left are refunded and expected back as a return (recordReturn brings them in).
 * The refund is recorded on the order as a payment provider would be told it. A line of a bundle
 * cancels its whole bundle, or nothing.
 */
import { Timestamp } from 'firebase-admin/firestore';
import type {
  CancelOrderRequest,
  CancelOrderResponse,
  CustomerEvent,
  OrderHistoryEntry,
  OrderRefund,
} from '@hearth/contracts';
import { countReads } from '../platform/deps';
import { eventsOf } from '../platform/paths';
import type { Deps } from './deps';
import { InventoryError, precondition } from './errors';
import { once } from './idempotency';
import {
  cancelledAllocations,
  hasLeft,
  historyEntry,
  lineAt,
  liveUnits,
  type Order,
  type OrderActor,
  orderStatusOf,
  readOrder,
} from './order-lines';
import { orderEvent } from './outbox-events';
import { orderRef, reservationRef } from './paths';
import { giveBackCancelled } from './customer-limits';
import { StockTx } from './stock-tx';
import type { Tx } from '../platform/transaction';

/** One line's share of a cancellation. */
export interface Cut {
  lineIndex: number;
  qty: number;
  outcome: 'restocked' | 'return_requested';
}

/** Units of a line that can still be cancelled: before it leaves, not cancelled or returned; after, not yet refunded. */
export const cancellable = (line: Order['lines'][number]) =>
  hasLeft(line) ? liveUnits(line) - line.returnRequested : liveUnits(line) - line.returned;

/**
 * What the request cancels, line by line, checked against the order: every line exists and holds the
 * units, a customer's lines have not left, and a bundle goes whole. Throws the first refusal.
 */
export function planCuts(order: Order, orderId: string, req: CancelOrderRequest, actor: OrderActor): Cut[] {
  const asked = new Map<number, number>();
  if (req.lines) for (const l of req.lines) asked.set(l.lineIndex, l.qty);
  // The whole order; a job (the pickup expiry) takes back only what is still in the store.
  else
    order.lines.forEach((line, i) => {
      if (cancellable(line) > 0 && !(actor.role === 'system' && hasLeft(line)))
        asked.set(i, cancellable(line));
    });
  if (asked.size === 0) throw precondition('order_cancelled', `Order ${orderId} has nothing left to cancel`);
  for (const i of [...asked.keys()]) {
    const line = lineAt(order, orderId, i);
    if (!line.bundleId || cancellable(line) === 0) continue;
    // All or nothing: every line of the bundle, in full, whatever part of it was named.
    order.lines.forEach((other, j) => {
      if (other.bundleId === line.bundleId && cancellable(other) > 0) asked.set(j, cancellable(other));
    });
  }
  const cuts: Cut[] = [];
  for (const [lineIndex, qty] of [...asked].sort(([a], [b]) => a - b)) {
    const line = lineAt(order, orderId, lineIndex);
    const left = cancellable(line);
    const what = `line ${lineIndex} (${line.sku}${line.bundleId ? `, bundle ${line.bundleId}` : ''})`;
    if (left === 0)
      throw precondition('line_cancelled', `Order ${orderId} ${what} has nothing left to cancel`);
    if (qty > left)
      throw new InventoryError(
        'failed-precondition',
        `Order ${orderId} ${what} has ${left} unit(s) left to cancel; ${qty} asked for`,
        { reason: 'cancel_exceeds_line', cancellable: left },
      );
    if (hasLeft(line) && actor.role === 'customer')
      throw precondition(
        'line_shipped',
        `Order ${orderId} ${what} is ${line.fulfilment.replace(/_/g, ' ')}: it can no longer be cancelled; ask the store for a return`,
      );
    cuts.push({ lineIndex, qty, outcome: hasLeft(line) ? 'return_requested' : 'restocked' });
  }
  return cuts;
}

/** Each SKU's product, from the order's reservation (read outside the transaction's locks). */
async function productsOf(deps: Deps, order: Order): Promise<Map<string, string>> {
  const snap = await reservationRef(deps.db, order.reservationId).get();
  countReads(deps, 1);
  const lines = (snap.data()?.lines ?? []) as { sku: string; productId: string }[];
  return new Map(lines.map((l) => [l.sku, l.productId]));
}

export async function cancelOrder(
  deps: Deps,
  actor: OrderActor,
  req: CancelOrderRequest,
): Promise<CancelOrderResponse> {
  let skus: string[] = [];
  const answer = await once(
    deps,
    { scope: 'cancelOrder', uid: actor.uid, key: req.idempotencyKey, request: req },
    'cancel the order',
    async (tx, opId) => {
      const result = await cancelInTx(deps, tx, actor, req, opId);
      skus = result.skus;
      return result.answer;
    },
  );
  for (const sku of skus) deps.refresher?.request(sku);
  return answer;
}

/** Puts the units of the restocked cuts back where they were sold from; returns the ledger ids and SKUs. */
async function restock(st: StockTx, order: Order, orderId: string, cuts: Cut[], reason: string) {
  const restocks = cuts.flatMap((c) =>
    c.outcome === 'restocked'
      ? cancelledAllocations(order.lines[c.lineIndex]!, c.qty).map((a) => ({
          sku: order.lines[c.lineIndex]!.sku,
          ...a,
        }))
      : [],
  );
  // Only unsharded units need the availability document: a hot SKU's cancellations lock its shards
  // alone, so a storm of them spreads like the sale did. Units sold before their location was
  // sharded sit in shard 0, where sharding put the location's.
  await st.loadInventory([...new Set(restocks.filter((r) => r.shard === null).map((r) => r.sku))]);
  const moves = restocks.map((r) => ({
    ...r,
    shard: r.shard ?? (st.inventory(r.sku).shards[r.locationId] ? 0 : null),
  }));
  await st.loadShards(
    moves.flatMap((m) =>
      m.shard === null ? [] : [{ sku: m.sku, locationId: m.locationId, index: m.shard }],
    ),
  );
  const why = reason ? `: ${reason}` : '';
  const ledgerEntryIds = moves.map((m) =>
    st.apply({
      kind: 'cancel',
      sku: m.sku,
      locationId: m.locationId,
      shard: m.shard,
      qty: m.qty,
      reason: `cancelled from order ${orderId}${why}`,
    }),
  );
  return { ledgerEntryIds, skus: [...new Set(moves.map((m) => m.sku))] };
}

/** The order's lines once the cuts are made. */
function linesAfter(order: Order, cuts: Cut[]): Order['lines'] {
  return order.lines.map((line, i) => {
    const cut = cuts.find((c) => c.lineIndex === i);
    if (!cut) return line;
    if (cut.outcome === 'return_requested')
      return { ...line, returnRequested: line.returnRequested + cut.qty };
    const cancelled = line.cancelled + cut.qty;
    return {
      ...line,
      cancelled,
      fulfilment: cancelled === line.qty ? ('cancelled' as const) : line.fulfilment,
    };
  });
}

/** What the order records of the cancellation: its refund, and a history entry per line. */
function recordsOf(
  order: Order,
  cuts: Cut[],
  lines: Order['lines'],
  actor: OrderActor,
  reason: string,
  at: Timestamp,
  pickupExpired: boolean,
): { refund: OrderRefund; history: OrderHistoryEntry[] } {
  const by = { uid: actor.uid, role: actor.role };
  const refund: OrderRefund = {
    amountMinor: cuts.reduce((sum, c) => sum + c.qty * order.lines[c.lineIndex]!.unitPriceMinor, 0),
    currency: order.currency,
    lines: cuts.map((c) => ({ lineIndex: c.lineIndex, qty: c.qty })),
    reason: reason || (actor.role === 'customer' ? 'cancelled by the customer' : 'cancelled by the store'),
    at,
    by,
  };
  const history = cuts.map((c) =>
    historyEntry({
      at,
      by,
      action: pickupExpired ? 'pickup_expired' : c.outcome === 'restocked' ? 'cancelled' : 'return_requested',
      lineIndex: c.lineIndex,
      from: order.lines[c.lineIndex]!.fulfilment,
      to: lines[c.lineIndex]!.fulfilment,
      qty: c.qty,
      note: refund.reason,
    }),
  );
  return { refund, history };
}

/**
 * A cancellation counts against the item for the customer's recommendations; ids follow the
 * operation, so a retried commit writes the same events. (A refunded line that left the store
 * records its return when the goods come back.)
 */
function recordCancelEvents(
  deps: Deps,
  tx: Tx,
  order: Order,
  ids: { orderId: string; opId: string },
  cuts: Cut[],
  products: Map<string, string>,
  at: Timestamp,
): void {
  for (const c of cuts) {
    if (c.outcome !== 'restocked') continue;
    const line = order.lines[c.lineIndex]!;
    const productId = products.get(line.sku);
    if (!productId) continue;
    const event: CustomerEvent = { kind: 'cancel', productId, sku: line.sku, quantity: c.qty, at };
    tx.set(
      eventsOf(deps.db, order.customerId).doc(`order-${ids.orderId}-cancel-${ids.opId}-${c.lineIndex}`),
      event,
    );
  }
}

/**
 * The cancellation inside a transaction (cancelOrder's, or the pickup expiry's): reads the order and
 * its SKUs' stock, then writes the order, the ledger entries, the outbox event and the customer's
 * events.
 */
export async function cancelInTx(
  deps: Deps,
  tx: Tx,
  actor: OrderActor,
  req: Pick<CancelOrderRequest, 'orderId' | 'lines' | 'reason'> & { idempotencyKey: string | null },
  opId: string,
  /** The pickup expiry's: its history says so, and the order leaves the expiry's query. */
  pickupExpired = false,
): Promise<{ answer: CancelOrderResponse; skus: string[] }> {
  const { orderId } = req;
  const ref = orderRef(deps.db, orderId);
  const order = readOrder(await tx.get(ref), actor);
  const cuts = planCuts(order, orderId, { ...req, idempotencyKey: req.idempotencyKey ?? 'job' }, actor);
  const st = new StockTx(tx, deps, {
    actor,
    correlationId: orderId,
    idempotencyKey: req.idempotencyKey,
    opId,
  });
  // The products, for the customer's events: fixed since the cart, so read without locks.
  const products = await productsOf(deps, order);
  const { ledgerEntryIds, skus } = await restock(st, order, orderId, cuts, req.reason);
  // Cancelled units come back to the customer's caps (customer-limits.ts); shipped ones do not.
  await giveBackCancelled(
    deps,
    tx,
    order.reservationId,
    cuts.flatMap((c) =>
      c.outcome === 'restocked' ? [{ sku: order.lines[c.lineIndex]!.sku, qty: c.qty }] : [],
    ),
  );
  deps.checkpoint?.('cancelOrder:before-write');

  const at = Timestamp.fromDate(deps.clock.now());
  const lines = linesAfter(order, cuts);
  const { refund, history } = recordsOf(order, cuts, lines, actor, req.reason, at, pickupExpired);
  const status = orderStatusOf(lines);
  const cancelled = cuts.map(({ lineIndex, qty, outcome }) => ({
    lineIndex,
    sku: order.lines[lineIndex]!.sku,
    qty,
    outcome,
  }));
  const refundMinor = refund.amountMinor;
  const told = { customerId: order.customerId, status, lines: cancelled, refundMinor, by: actor.role };
  st.emit(orderEvent('order.cancelled', orderId, { ...told, currency: order.currency }));
  st.write();
  tx.update(ref, {
    lines,
    status,
    statusHistory: status === order.status ? order.statusHistory : [...order.statusHistory, { status, at }],
    history: [...order.history, ...history],
    refunds: [...order.refunds, refund],
    refundedMinor: order.refundedMinor + refundMinor,
    ...(pickupExpired && order.pickup ? { pickup: { ...order.pickup, expiresAt: null } } : {}),
  });
  recordCancelEvents(deps, tx, order, { orderId, opId }, cuts, products, at);
  return {
    answer: { orderId, status, lines: cancelled, refundMinor, currency: order.currency, ledgerEntryIds },
    skus,
  };
}
