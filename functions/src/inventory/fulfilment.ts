/**
 * advanceFulfilment (staff): moves one order line a step: allocated -> picked -> shipped ->
 * delivered, or, for click and collect, picked -> ready_for_pickup -> collected. Any other move is
 * refused naming both states. Units leaving the location (shipped, collected) get a `ship` ledger
 * entry per location and shard they leave from; the counters already dropped at checkout's sale.
 */
import { Timestamp } from 'firebase-admin/firestore';
import {
  type AdvanceFulfilmentRequest,
  type AdvanceFulfilmentResponse,
  FULFILMENT_MOVES,
  type FulfilmentState,
} from '@hearth/contracts';
import { settingsOf } from '../platform/deps';
import type { Deps } from './deps';
import { InventoryError } from './errors';
import { once } from './idempotency';
import {
  historyEntry,
  lineAt,
  liveAllocations,
  type Order,
  type OrderActor,
  type OrderLine,
  orderStatusOf,
  readOrder,
} from './order-lines';
import { orderEvent } from './outbox-events';
import { orderRef } from './paths';
import { StockTx } from './stock-tx';

const say = (s: FulfilmentState) => s.replace(/_/g, ' ');

function illegal(
  orderId: string,
  lineIndex: number,
  from: FulfilmentState,
  to: FulfilmentState,
  why: string,
) {
  return new InventoryError(
    'failed-precondition',
    `Order ${orderId} line ${lineIndex} is ${say(from)}; it cannot become ${say(to)} (${why})`,
    { reason: 'illegal_transition', from, to },
  );
}

/** Refuses a move the table does not allow, or that does not fit how the order is delivered. */
function checkMove(
  order: Order,
  orderId: string,
  lineIndex: number,
  from: FulfilmentState,
  to: FulfilmentState,
) {
  const next = FULFILMENT_MOVES[from];
  if (!next.includes(to))
    throw illegal(
      orderId,
      lineIndex,
      from,
      to,
      next.length
        ? `from ${say(from)} it can only become ${next.map(say).join(' or ')}`
        : `${say(from)} is final`,
    );
  if (to === 'shipped' && order.pickup)
    throw illegal(orderId, lineIndex, from, to, `the customer collects it at ${order.pickup.locationId}`);
  if (to === 'ready_for_pickup' && !order.pickup)
    throw illegal(orderId, lineIndex, from, to, 'the order is delivered, not collected');
}

/** The line's units leaving their locations (shipped, collected): a `ship` entry each, no counter moves. */
function recordLeaving(st: StockTx, line: OrderLine, orderId: string, to: FulfilmentState, note: string) {
  if (to !== 'shipped' && to !== 'collected') return [];
  return liveAllocations(line).map((a) =>
    st.apply({
      kind: 'ship',
      sku: line.sku,
      locationId: a.locationId,
      shard: a.shard,
      qty: a.qty,
      reason: `${to} for order ${orderId}${note ? `: ${note}` : ''}`,
    }),
  );
}

/** The goods wait at the store from the first line ready; past the hold, expirePickups cancels. */
function pickupAfter(deps: Deps, order: Order, to: FulfilmentState, now: Date): Order['pickup'] {
  if (to !== 'ready_for_pickup' || !order.pickup || order.pickup.expiresAt) return order.pickup;
  return { ...order.pickup, expiresAt: Timestamp.fromMillis(now.getTime() + settingsOf(deps).pickupHoldMs) };
}

export async function advanceFulfilment(
  deps: Deps,
  actor: OrderActor,
  req: AdvanceFulfilmentRequest,
): Promise<AdvanceFulfilmentResponse> {
  const { orderId, lineIndex, to } = req;
  return once(
    deps,
    { scope: 'advanceFulfilment', uid: actor.uid, key: req.idempotencyKey, request: req },
    'advance fulfilment',
    async (tx, opId) => {
      const ref = orderRef(deps.db, orderId);
      const order = readOrder(await tx.get(ref), actor);
      const line = lineAt(order, orderId, lineIndex);
      const from = line.fulfilment;
      checkMove(order, orderId, lineIndex, from, to);
      const st = new StockTx(tx, deps, {
        actor,
        correlationId: orderId,
        idempotencyKey: req.idempotencyKey,
        opId,
      });
      const ledgerEntryIds = recordLeaving(st, line, orderId, to, req.note);
      deps.checkpoint?.('advanceFulfilment:before-write');
      const now = deps.clock.now();
      const at = Timestamp.fromDate(now);
      const lines = order.lines.map((l, i) => (i === lineIndex ? { ...l, fulfilment: to } : l));
      const status = orderStatusOf(lines);
      const qty = line.qty - line.cancelled;
      // Shipped is what the outside hears about (a carrier, a mail); the other steps are the store's.
      if (to === 'shipped')
        st.emit(
          orderEvent('order.shipped', orderId, {
            customerId: order.customerId,
            lineIndex,
            sku: line.sku,
            qty,
            status,
          }),
        );
      st.write();
      const by = { uid: actor.uid, role: actor.role };
      tx.update(ref, {
        lines,
        status,
        pickup: pickupAfter(deps, order, to, now),
        statusHistory:
          status === order.status ? order.statusHistory : [...order.statusHistory, { status, at }],
        history: [
          ...order.history,
          historyEntry({ at, by, action: 'fulfilment', lineIndex, from, to, qty, note: req.note }),
        ],
      });
      return { orderId, lineIndex, from, to, status, ledgerEntryIds };
    },
  );
}
