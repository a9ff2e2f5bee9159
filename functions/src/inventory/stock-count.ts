/**
 * setStockCount (staff): a cycle count, with compare-and-set on the on-hand figure the counter saw
 * when they began (as Shopify's `inventorySetQuantities` with `compareQuantity`). Counting takes
 * minutes and sales go on meanwhile; if the figure moved, the count is refused with the figure now,
 * rather than silently undoing the sales (or receipts) made during the count. The difference goes to
 * the ledger as one `adjust` (or one per shard it comes out of).
 */
import type { SetStockCountRequest, SetStockCountResponse } from '@hearth/contracts';
import type { Deps } from './deps';
import { InventoryError, notFound } from './errors';
import { once } from './idempotency';
import { loadLocations } from './locations';
import { putUnits, takeUnits } from './placement';
import type { Staff } from './staff';
import { StockTx } from './stock-tx';

/** onHand and reserved of one location: its shards' sum where it is sharded. */
async function figuresAt(st: StockTx, sku: string, locationId: string) {
  const count = st.inventory(sku).shards[locationId] ?? 0;
  if (count === 0) {
    const loc = st.inventory(sku).locations[locationId];
    return { onHand: loc?.onHand ?? 0, reserved: loc?.reserved ?? 0 };
  }
  const keys = Array.from({ length: count }, (_, index) => ({ sku, locationId, index }));
  await st.loadShards(keys);
  return keys.reduce(
    (sum, k) => ({
      onHand: sum.onHand + (st.shard(k)?.onHand ?? 0),
      reserved: sum.reserved + (st.shard(k)?.reserved ?? 0),
    }),
    { onHand: 0, reserved: 0 },
  );
}

export async function setStockCount(
  deps: Deps,
  staff: Staff,
  req: SetStockCountRequest,
): Promise<SetStockCountResponse> {
  const locations = await loadLocations(deps);
  if (!locations.has(req.locationId)) throw notFound('location', req.locationId);
  const answer = await once(
    deps,
    { scope: 'setStockCount', uid: staff.uid, key: req.idempotencyKey, request: req },
    'record the stock count',
    async (tx, opId) => {
      const st = new StockTx(tx, deps, {
        actor: staff,
        correlationId: opId,
        idempotencyKey: req.idempotencyKey,
        opId,
      });
      await st.loadInventory([req.sku]);
      const { onHand, reserved } = await figuresAt(st, req.sku, req.locationId);
      if (onHand !== req.expectedOnHand)
        throw new InventoryError(
          'failed-precondition',
          `${req.sku} at ${req.locationId} has ${onHand} on hand now, not the ${req.expectedOnHand} the count began from: count again against ${onHand}`,
          { reason: 'count_mismatch', expectedOnHand: req.expectedOnHand, currentOnHand: onHand },
        );
      // Units held for carts are on the shelf until sold or released; fewer counted means some are lost.
      if (req.counted < reserved)
        throw new InventoryError(
          'failed-precondition',
          `${reserved} × ${req.sku} at ${req.locationId} are held for carts; a count of ${req.counted} cannot be recorded until they are sold or released`,
          { reason: 'count_below_reserved', reserved },
        );
      const delta = req.counted - onHand;
      const move = {
        kind: 'adjust' as const,
        sku: req.sku,
        locationId: req.locationId,
        reason: req.note ? `cycle count: ${req.note}` : 'cycle count',
      };
      const ids =
        delta > 0
          ? await putUnits(st, move, delta)
          : delta < 0
            ? await takeUnits(st, move, -delta, (n) => -n)
            : [];
      deps.checkpoint?.('setStockCount:before-write');
      st.write();
      return {
        sku: req.sku,
        locationId: req.locationId,
        previous: onHand,
        counted: req.counted,
        delta,
        ledgerEntryIds: ids,
      };
    },
  );
  deps.refresher?.request(req.sku);
  return answer;
}
