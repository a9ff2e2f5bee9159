/**
 * setStockPolicy (staff): a SKU's own low-stock threshold (over the store's LOW_STOCK_UNITS param),
 * the safety stock of its locations, and its backorders (holds beyond stock: backorders.ts).
 * Planning figures, not stock: no ledger entry, and the availability document's status is
 * recomputed from them at once (withTotals).
 */
import { InventoryDoc, type SetStockPolicyRequest, type SetStockPolicyResponse } from '@hearth/contracts';
import { emptyLocationStock, withTotals } from './availability';
import type { Deps } from './deps';
import { notFound, precondition } from './errors';
import { once } from './idempotency';
import { loadLocations } from './locations';
import { inventoryRef } from './paths';
import type { Staff } from './staff';

export async function setStockPolicy(
  deps: Deps,
  staff: Staff,
  req: SetStockPolicyRequest,
): Promise<SetStockPolicyResponse> {
  const locations = await loadLocations(deps);
  for (const id of Object.keys(req.safetyStock ?? {})) if (!locations.has(id)) throw notFound('location', id);
  if (req.backorder && !locations.has(req.backorder.locationId))
    throw notFound('location', req.backorder.locationId);
  const answer = await once(
    deps,
    { scope: 'setStockPolicy', uid: staff.uid, key: req.idempotencyKey, request: req },
    'set the stock policy',
    async (tx) => {
      const ref = inventoryRef(deps.db, req.sku);
      const snap = await tx.get(ref);
      if (!snap.exists) throw notFound('sku', req.sku);
      const doc = InventoryDoc.parse(snap.data());
      const locs = { ...doc.locations };
      for (const [id, units] of Object.entries(req.safetyStock ?? {}))
        locs[id] = { ...(locs[id] ?? emptyLocationStock()), safetyStock: units };
      const override = req.lowStockUnits === undefined ? (doc.lowStockOverride ?? null) : req.lowStockUnits;
      const backorder = req.backorder === undefined ? (doc.backorder ?? null) : req.backorder;
      // A hot SKU's units live in shards that carts take from without reading the document, so
      // nothing there could keep arriving units for the customers owed them.
      if (req.backorder && Object.keys(doc.shards).length > 0)
        throw precondition(
          'backorder_sharded',
          `${req.sku} is sharded (a hot SKU) at ${Object.keys(doc.shards).join(', ')}; hot SKUs take no backorders`,
        );
      const next = withTotals(
        { ...doc, locations: locs, lowStockOverride: override, backorder },
        deps.clock.now(),
      );
      tx.set(ref, next);
      return {
        sku: req.sku,
        lowStockUnits: next.lowStockUnits ?? 0,
        lowStockOverride: override,
        safetyStock: Object.fromEntries(Object.entries(next.locations).map(([id, l]) => [id, l.safetyStock])),
        backorder,
      };
    },
  );
  deps.refresher?.request(req.sku);
  return answer;
}
