/**
 * Where the store keeps stock, and how much of each SKU it holds: two weeks of the item's sales
 * rate over the data's year, spread over the locations; items not sold in the last months of the
 * data are out (some with stock on its way). The best sellers are the hot SKUs: their warehouse
 * stock is split over shards, as a flash sale needs.
 */
import { Timestamp } from 'firebase-admin/firestore';
import {
  MAX_PO_LINES,
  type InventoryDoc,
  type LedgerEntry,
  type LocationDoc,
  type LocationStock,
  type PurchaseOrderDoc,
  type ShardDoc,
} from '@hearth/contracts';
import {
  emptyLocationStock,
  newInventoryDoc,
  withTotals,
} from '../../../functions/src/inventory/availability';
import { shardId } from '../../../functions/src/inventory/paths';
import type { Catalog, SeedVariant } from './catalog';
import { SEED_SUPPLIER_NAMES } from './suppliers';

export const locations: LocationDoc[] = [
  {
    id: 'wh-london',
    name: 'London warehouse',
    kind: 'warehouse',
    region: 'uk-south',
    leadTimeDays: 2,
    priority: 1,
    active: true,
  },
  {
    id: 'wh-manchester',
    name: 'Manchester warehouse',
    kind: 'warehouse',
    region: 'uk-north',
    leadTimeDays: 2,
    priority: 1,
    active: true,
  },
  {
    id: 'store-bristol',
    name: 'Bristol store',
    kind: 'store',
    region: 'uk-south',
    leadTimeDays: 1,
    priority: 2,
    active: true,
  },
  {
    id: 'store-edinburgh',
    name: 'Edinburgh store',
    kind: 'store',
    region: 'uk-north',
    leadTimeDays: 1,
    priority: 2,
    active: true,
  },
  {
    id: 'dropship-nordhus',
    name: 'Nordhus (dropship vendor)',
    kind: 'dropship',
    region: 'eu',
    leadTimeDays: 10,
    priority: 3,
    active: true,
  },
];

/** Share of a SKU's stock each location holds; the dropship vendor only carries the big categories. */
const shares: Record<string, number> = {
  'wh-london': 0.4,
  'wh-manchester': 0.3,
  'store-bristol': 0.1,
  'store-edinburgh': 0.1,
  'dropship-nordhus': 0.1,
};
const dropshipCategories = new Set(['furniture', 'lighting', 'textiles', 'mirrors', 'clocks']);
const backorderableCategories = new Set(['furniture', 'lighting']);
const WEEKS_OF_COVER = 2;
const MAX_UNITS = 500;
/** Items whose last sale is before this (in the data's own calendar) are out of stock. */
const DISCONTINUED_BEFORE = '2011-09-01';

export const HOT_SKU_COUNT = 3;
export const HOT_LOCATION = 'wh-london';
export const HOT_SHARDS = 8;
export const HOT_UNITS = 400;

export interface StockPlan {
  inventory: { sku: string; doc: InventoryDoc }[];
  shards: { sku: string; id: string; doc: ShardDoc }[];
  ledger: { id: string; doc: LedgerEntry }[];
  /** The stock on its way: open purchase orders, whose lines are the SKUs' incoming. */
  purchaseOrders: { id: string; doc: PurchaseOrderDoc }[];
  hotSkus: string[];
}

/** Recently sold but out: this many are on order to the main warehouse. */
const ON_ORDER_UNITS = 24;
/**
 * The scarcest furniture and lamps in stock take backorders in the demo: this many SKUs, up to this
 * many units owed each at the main warehouse, promised this far out past what is on order.
 */
const BACKORDER_SKUS = 20;
const BACKORDER_LIMIT = 10;
const BACKORDER_LEAD_DAYS = 28;

/** The SKUs on order, as open purchase orders (MAX_PO_LINES lines each) with their ledger entries. */
function planPurchaseOrders(plan: StockPlan, skus: string[], now: Date): void {
  const at = Timestamp.fromDate(now);
  for (let n = 0; n * MAX_PO_LINES < skus.length; n++) {
    const id = `seed-po-${n}`;
    const lines = skus.slice(n * MAX_PO_LINES, (n + 1) * MAX_PO_LINES);
    const supplier = SEED_SUPPLIER_NAMES[n % SEED_SUPPLIER_NAMES.length]!;
    plan.purchaseOrders.push({
      id,
      doc: {
        supplier,
        locationId: 'wh-london',
        status: 'open',
        lines: lines.map((sku) => ({ sku, qty: ON_ORDER_UNITS, received: 0 })),
        expectedAt: Timestamp.fromMillis(now.getTime() + (7 + 7 * (n % 3)) * 24 * 3600 * 1000),
        fromSuggestion: null,
        createdBy: 'seed',
        createdAt: at,
        updatedAt: at,
        closedAt: null,
      },
    });
    lines.forEach((sku, i) =>
      plan.ledger.push({
        id: `${id}-${i}`,
        doc: {
          kind: 'po_ordered',
          sku,
          locationId: 'wh-london',
          toLocationId: null,
          shard: null,
          qty: ON_ORDER_UNITS,
          reason: `purchase order ${id} from ${supplier} (seed)`,
          actor: { uid: 'seed', role: 'system' },
          correlationId: id,
          idempotencyKey: null,
          at,
        },
      }),
    );
  }
}

/** Not sold in the last months of the data: out of stock, and not bought again. */
export const isDiscontinued = (v: SeedVariant) => v.lastSale === '' || v.lastSale < DISCONTINUED_BEFORE;

function unitsFor(v: SeedVariant): number {
  if (isDiscontinued(v)) return 0;
  return Math.min(MAX_UNITS, Math.ceil((v.unitsSold / 52) * WEEKS_OF_COVER));
}

/** Splits `units` by the shares, the rounding remainder going to the first location. */
function split(units: number, ids: string[]): Record<string, number> {
  const total = ids.reduce((s, id) => s + shares[id]!, 0);
  const out: Record<string, number> = {};
  let given = 0;
  for (const id of ids) {
    out[id] = Math.floor((units * shares[id]!) / total);
    given += out[id]!;
  }
  out[ids[0]!]! += units - given;
  return out;
}

export function planStock(catalog: Catalog, now: Date): StockPlan {
  const at = Timestamp.fromDate(now);
  const categoryOf = new Map(catalog.products.map((p) => [p.id, p.doc.category]));
  const hotSkus = [...catalog.variants]
    .filter((v) => unitsFor(v) > 0)
    .sort((a, b) => b.orders - a.orders)
    .slice(0, HOT_SKU_COUNT)
    .map((v) => v.doc.sku);
  const plan: StockPlan = { inventory: [], shards: [], ledger: [], purchaseOrders: [], hotSkus };
  const backordered = new Set(
    catalog.variants
      .filter(
        (v) =>
          unitsFor(v) > 0 &&
          !hotSkus.includes(v.doc.sku) &&
          backorderableCategories.has(categoryOf.get(v.doc.productId) ?? ''),
      )
      .sort((a, b) => unitsFor(a) - unitsFor(b) || (a.doc.sku < b.doc.sku ? -1 : 1))
      .slice(0, BACKORDER_SKUS)
      .map((v) => v.doc.sku),
  );
  const onOrder: string[] = [];
  const restock = (sku: string, locationId: string, qty: number, shard: number | null) => {
    const suffix = shard === null ? locationId : shardId(locationId, shard);
    plan.ledger.push({
      id: `seed-${sku}-${suffix}`,
      doc: {
        kind: 'restock',
        sku,
        locationId,
        toLocationId: null,
        shard,
        qty,
        reason: 'initial stock (seed)',
        actor: { uid: 'seed', role: 'system' },
        correlationId: 'seed',
        idempotencyKey: null,
        at,
      },
    });
  };

  for (const v of catalog.variants) {
    const sku = v.doc.sku;
    const category = categoryOf.get(v.doc.productId) ?? 'home';
    const hot = hotSkus.includes(sku);
    const ids = locations
      .map((l) => l.id)
      .filter((id) => id !== 'dropship-nordhus' || dropshipCategories.has(category));
    const units = hot ? HOT_UNITS : unitsFor(v);
    const perLocation = hot ? { [HOT_LOCATION]: units } : split(units, ids);
    const stock: Record<string, LocationStock> = {};
    for (const id of ids) stock[id] = { ...emptyLocationStock(), onHand: perLocation[id] ?? 0 };
    // Recently sold but out: more is on its way to the main warehouse (an open purchase order).
    if (units === 0 && v.lastSale >= DISCONTINUED_BEFORE) {
      stock['wh-london']!.incoming = ON_ORDER_UNITS;
      onOrder.push(sku);
    }

    const base = newInventoryDoc(
      { sku, productId: v.doc.productId, backorderable: backorderableCategories.has(category) },
      now,
    );
    const doc = withTotals(
      {
        ...base,
        locations: stock,
        shards: hot ? { [HOT_LOCATION]: HOT_SHARDS } : {},
        aggregatedAt: hot ? at : null,
        // Pieces people wait for: a cart wanting more than is left may hold the rest (backorders.ts).
        ...(backordered.has(sku)
          ? {
              backorder: {
                limit: BACKORDER_LIMIT,
                locationId: 'wh-london',
                leadTimeDays: BACKORDER_LEAD_DAYS,
              },
            }
          : {}),
      },
      now,
    );
    plan.inventory.push({ sku, doc });

    for (const id of ids) {
      const qty = perLocation[id] ?? 0;
      if (qty === 0) continue;
      if (!hot || id !== HOT_LOCATION) {
        restock(sku, id, qty, null);
        continue;
      }
      for (let n = 0; n < HOT_SHARDS; n++) {
        const shardUnits = Math.floor(qty / HOT_SHARDS) + (n < qty % HOT_SHARDS ? 1 : 0);
        plan.shards.push({
          sku,
          id: shardId(id, n),
          doc: {
            sku,
            locationId: id,
            index: n,
            onHand: shardUnits,
            reserved: 0,
            available: shardUnits,
            version: 0,
          },
        });
        restock(sku, id, shardUnits, n);
      }
    }
  }
  planPurchaseOrders(plan, onOrder, now);
  return plan;
}
