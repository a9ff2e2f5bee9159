/** Staff stock changes: restock, adjustStock and recordReturn. */
import { Timestamp } from 'firebase-admin/firestore';
import {
  type AdjustStockRequest,
  type CustomerEvent,
  OrderDoc,
  type RecordReturnRequest,
  type RestockRequest,
  type StockChangeResponse,
} from '@hearth/contracts';
import { eventsOf } from '../platform/paths';
import type { Deps } from './deps';
import { InventoryError, notFound } from './errors';
import { once } from './idempotency';
import { loadLocations } from './locations';
import { historyEntry, orderStatusOf } from './order-lines';
import { orderRef } from './paths';
import { putUnits, takeUnits } from './placement';
import { StockTx } from './stock-tx';
import { orderEvent } from './outbox-events';
import { returnBundle } from './bundle-return';
import type { Tx } from '../platform/transaction';
import type { Staff } from './staff';

/** The frame every staff change shares: idempotency, a known location, one StockTx, a refresh after. */
async function staffChange<Req extends { idempotencyKey: string; sku: string; locationId: string }>(
  deps: Deps,
  staff: Staff,
  scope: string,
  req: Req,
  change: (st: StockTx, tx: Tx) => Promise<Omit<StockChangeResponse, 'sku' | 'locationId'>>,
): Promise<StockChangeResponse> {
  const locations = await loadLocations(deps);
  if (!locations.has(req.locationId)) throw notFound('location', req.locationId);
  const answer = await once(
    deps,
    { scope, uid: staff.uid, key: req.idempotencyKey, request: req },
    scope,
    async (tx, opId) => {
      const st = new StockTx(tx, deps, {
        actor: staff,
        correlationId: opId,
        idempotencyKey: req.idempotencyKey,
        opId,
      });
      await st.loadInventory([req.sku]);
      const result = await change(st, tx);
      deps.checkpoint?.(`${scope}:before-write`);
      st.write();
      return { sku: req.sku, locationId: req.locationId, ...result };
    },
  );
  deps.refresher?.request(req.sku);
  return answer;
}

export function restock(deps: Deps, staff: Staff, req: RestockRequest): Promise<StockChangeResponse> {
  return staffChange(deps, staff, 'restock', req, async (st) => {
    const ids = await putUnits(
      st,
      { kind: 'restock', sku: req.sku, locationId: req.locationId, reason: req.reason },
      req.qty,
    );
    return { kind: 'restock', qty: req.qty, ledgerEntryIds: ids };
  });
}

export function adjustStock(deps: Deps, staff: Staff, req: AdjustStockRequest): Promise<StockChangeResponse> {
  return staffChange(deps, staff, 'adjustStock', req, async (st) => {
    const move = {
      kind: 'adjust' as const,
      sku: req.sku,
      locationId: req.locationId,
      reason: req.note ? `${req.reason}: ${req.note}` : req.reason,
    };
    const ids =
      req.delta > 0 ? await putUnits(st, move, req.delta) : await takeUnits(st, move, -req.delta, (n) => -n);
    return { kind: 'adjust', qty: req.delta, ledgerEntryIds: ids };
  });
}

/**
 * A customer's goods come back: resellable ones go on sale at the chosen location, damaged ones are
 * recorded there and never sold. Never more than was bought and not yet returned.
 */
export function recordReturn(
  deps: Deps,
  staff: Staff,
  req: RecordReturnRequest,
): Promise<StockChangeResponse> {
  return staffChange(deps, staff, 'recordReturn', req, async (st, tx) => {
    const ref = orderRef(deps.db, req.orderId);
    const snap = await tx.get(ref);
    if (!snap.exists) throw notFound('order', req.orderId);
    const order = OrderDoc.parse(snap.data());
    const lineIndex = order.lines.findIndex((l) => l.sku === req.sku);
    const line = order.lines[lineIndex];
    if (!line) throw notFound('order line', `${req.orderId}/${req.sku}`);
    // A line of a bundle returns the whole bundle (bundle-return.ts).
    if (line.bundleId) return returnBundle(deps, staff, st, tx, ref, order, lineIndex, req);
    // Units cancelled before they left went back on sale already (order-cancel.ts): never twice.
    const returnable = line.qty - line.cancelled - line.returned;
    if (req.qty > returnable)
      throw new InventoryError(
        'failed-precondition',
        `Order ${req.orderId} has ${returnable} × ${req.sku} left to return; ${req.qty} were brought back`,
        { reason: 'return_exceeds_order', returnable },
      );
    const move = { sku: req.sku, locationId: req.locationId, reason: `return of order ${req.orderId}` };
    const ids =
      req.condition === 'resellable'
        ? await putUnits(st, { ...move, kind: 'return' }, req.qty)
        : [st.apply({ ...move, kind: 'damaged', qty: req.qty, shard: null })];
    const lines = order.lines.map((l, i) => (i === lineIndex ? { ...l, returned: l.returned + req.qty } : l));
    const status = orderStatusOf(lines);
    const at = Timestamp.fromDate(deps.clock.now());
    tx.update(ref, {
      lines,
      status,
      statusHistory: [...order.statusHistory, { status, at }],
      history: [
        ...order.history,
        historyEntry({ at, by: staff, action: 'returned', lineIndex, qty: req.qty, note: req.condition }),
      ],
    });
    st.emit(
      orderEvent('order.returned', req.orderId, {
        sku: req.sku,
        qty: req.qty,
        condition: req.condition,
        locationId: req.locationId,
        status,
      }),
    );
    // A return counts against the item for the customer's recommendations; the id follows the
    // ledger entry's, so a retried commit writes the same event.
    const event: CustomerEvent = {
      kind: 'return',
      productId: st.inventory(req.sku).productId,
      sku: req.sku,
      quantity: req.qty,
      at,
    };
    tx.set(eventsOf(deps.db, order.customerId).doc(`return-${ids[0]}`), event);
    return { kind: req.condition === 'resellable' ? 'return' : 'damaged', qty: req.qty, ledgerEntryIds: ids };
  });
}
