/**
 * The one SKU a sale benchmark fights over: a warehouse, a product variant with a price, the
 * availability document, its starting units (a restock, so the ledger agrees) and, when asked,
 * shards. Shared by the flash sale, the cancellation storm and the webhooks benchmark.
 */
import { defineSku, upsertLocation } from '../../../functions/src/inventory/setup';
import { setShardCount } from '../../../functions/src/inventory/shards';
import { restock } from '../../../functions/src/inventory/stock-changes';

type SetupDeps = Parameters<typeof restock>[0];

export interface HotSku {
  sku: string;
  locationId: string;
  locationName: string;
  priceMinor: number;
  units: number;
  /** 0 leaves the location unsharded. */
  shards: number;
}

const admin = { uid: 'bench', role: 'admin' as const };

export async function seedHotSku(deps: SetupDeps, hot: HotSku): Promise<void> {
  const { sku, locationId } = hot;
  await upsertLocation(deps, {
    id: locationId,
    name: hot.locationName,
    kind: 'warehouse',
    region: 'south',
    leadTimeDays: 2,
    priority: 1,
    active: true,
  });
  await deps.db
    .doc(`products/p-${sku}/variants/${sku}`)
    .set({ sku, productId: `p-${sku}`, options: {}, priceMinor: hot.priceMinor, currency: 'GBP' });
  await defineSku(deps, { sku, productId: `p-${sku}` });
  await restock(deps, admin, {
    idempotencyKey: 'bench-restock',
    sku,
    locationId,
    qty: hot.units,
    reason: 'bench',
  });
  if (hot.shards > 0)
    await setShardCount(deps, admin, {
      idempotencyKey: 'bench-shards',
      sku,
      locationId,
      count: hot.shards,
    });
}
