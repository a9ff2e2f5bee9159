/**
 * Bringing SKUs and locations into existence (seed scripts, staff tools, tests). Stock itself only
 * ever arrives through the ledger (restock), so replaying the ledger always gives the counters.
 */
import { InventoryDoc, type LocationDoc } from '@hearth/contracts';
import { emptyLocationStock, newInventoryDoc, withTotals } from './availability';
import type { Deps } from './deps';
import { forgetLocations } from './locations';
import { inventoryRef, locationsCol } from './paths';
import { runInTransaction } from '../platform/transaction';

export async function upsertLocation(deps: Deps, location: LocationDoc): Promise<void> {
  await locationsCol(deps.db).doc(location.id).set(location);
  forgetLocations(deps.db);
}

export interface SkuSetup {
  sku: string;
  productId: string;
  madeToOrder?: boolean;
  backorderable?: boolean;
  /**
   * Planning figures per location (not stock: stock comes by restock, and what is on its way by a
   * purchase order, so `incoming` is not set here).
   */
  locations?: Record<string, { safetyStock?: number }>;
}

/** Creates `inventory/{sku}` if missing and sets its planning figures; never touches stock counters. */
export async function defineSku(deps: Deps, setup: SkuSetup): Promise<void> {
  await runInTransaction(deps, `define ${setup.sku}`, async (tx) => {
    const ref = inventoryRef(deps.db, setup.sku);
    const snap = await tx.get(ref);
    const now = deps.clock.now();
    const doc = snap.exists ? InventoryDoc.parse(snap.data()) : newInventoryDoc(setup, now);
    const locations = { ...doc.locations };
    for (const [id, plan] of Object.entries(setup.locations ?? {})) {
      const cur = locations[id] ?? emptyLocationStock();
      locations[id] = { ...cur, safetyStock: plan.safetyStock ?? cur.safetyStock };
    }
    tx.set(
      ref,
      withTotals(
        {
          ...doc,
          madeToOrder: setup.madeToOrder ?? doc.madeToOrder,
          backorderable: setup.backorderable ?? doc.backorderable,
          locations,
        },
        now,
      ),
    );
  });
}
