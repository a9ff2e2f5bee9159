/**
 * The scheduled forecasting job: for every SKU sold in the last year, the next 8 weeks' demand
 * from its weekly sales, and a replenishment suggestion from that forecast, its error, the stock
 * it has and has coming and its supplier's lead time, written to forecasts/{sku}; the same per
 * location that has the history for it. A SKU with no sale in the history gets
 * no forecast, and an earlier one is removed, so the collection is exactly the current run.
 */
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { ForecastDoc, Replenishment, SupplierDoc } from '@hearth/contracts';
import { loadSuppliers } from '../inventory/suppliers';
import type { Deps } from '../platform/deps';
import { inventoryRef, variantRef } from '../platform/paths';
import { chosenMethod, chosenMethodName } from './chosen';
import { oneWeekErrorSd } from './forecast-error';
import { defaultPolicy, replenishment, type ReplenishmentPolicy } from './replenishment';
import { atLocation, weeklySales, type SalesHistory } from './sales-history';
import { mondayOf, weekMs } from './weeks';

export interface ForecastOptions {
  historyWeeks: number;
  horizonWeeks: number;
  policy: ReplenishmentPolicy;
  /** A location gets its own forecast once the SKU sold from it in this many history weeks. */
  minLocationWeeks: number;
  pageSize: number;
}

export const defaultForecastOptions: ForecastOptions = {
  historyWeeks: 52,
  horizonWeeks: 8,
  policy: defaultPolicy,
  minLocationWeeks: 8,
  pageSize: 1000,
};

export const forecastsCol = (db: Firestore) => db.collection('forecasts');

export interface ForecastRun {
  skus: number;
  toReorder: number;
  removed: number;
}

export async function refreshForecasts(
  deps: Deps,
  options: Partial<ForecastOptions> = {},
): Promise<ForecastRun> {
  const o = { ...defaultForecastOptions, ...options };
  const { db } = deps;
  const now = deps.clock.now();
  // Whole weeks only: the week under way is forecast, not learned from half of it.
  const thisWeek = mondayOf(now);
  const sales = await weeklySales(db, thisWeek, o.historyWeeks, o.pageSize);
  const skus = sales.bySku.skus();
  const [stock, suppliers] = await Promise.all([stockOf(db, skus), loadSuppliers(db)]);
  const supplierOf = await variantSuppliers(db, stock);
  const writer = db.bulkWriter();
  let toReorder = 0;
  for (const sku of skus) {
    const supplier = supplierFor(supplierOf.get(sku), suppliers);
    const policy = supplier ? { ...o.policy, leadTimeWeeks: leadTimeWeeks(supplier.leadTimeDays) } : o.policy;
    const plan = planFor(sales.bySku.series(sku), stock.get(sku)?.position ?? 0, policy, o);
    if (plan.replenishment.reorder) toReorder++;
    const doc: ForecastDoc = {
      sku,
      method: chosenMethodName,
      generatedAt: Timestamp.fromDate(now),
      historyFrom: Timestamp.fromMillis(thisWeek.getTime() - o.historyWeeks * weekMs),
      history: plan.history,
      weeks: plan.units.map((units, i) => ({
        weekStart: Timestamp.fromMillis(thisWeek.getTime() + i * weekMs),
        units,
      })),
      locations: locationPlans(sales, sku, stock.get(sku)?.byLocation ?? {}, policy, o),
      errorSd: plan.errorSd,
      replenishment: plan.replenishment,
      supplier,
    };
    void writer.set(forecastsCol(db).doc(sku), doc);
  }
  const current = new Set(skus);
  const stale = (await forecastsCol(db).select().get()).docs.filter((d) => !current.has(d.id));
  for (const d of stale) void writer.delete(d.ref);
  await writer.close();
  return { skus: skus.length, toReorder, removed: stale.length };
}

/** A supplier quotes days; the plan reviews weekly, so a part week counts whole (never short). */
export const leadTimeWeeks = (days: number) => Math.max(1, Math.ceil(days / 7));

interface Plan {
  history: number[];
  /** The horizon's weeks, rounded to hundredths. */
  units: number[];
  errorSd: number;
  replenishment: Replenishment;
}

/**
 * One series' forecast and replenishment. The forecast runs at least as far as the lead time and
 * the review week, however long the supplier's lead time; the document keeps the horizon's weeks.
 */
function planFor(history: number[], position: number, policy: ReplenishmentPolicy, o: ForecastOptions): Plan {
  const ahead = chosenMethod(history, Math.max(o.horizonWeeks, policy.leadTimeWeeks + policy.reviewWeeks));
  const errorSd = oneWeekErrorSd(chosenMethod, history);
  return {
    history,
    units: ahead.slice(0, o.horizonWeeks).map((u) => Math.round(u * 100) / 100),
    errorSd: Math.round(errorSd * 100) / 100,
    replenishment: replenishment(ahead, errorSd, position, policy),
  };
}

type LocationPlans = ForecastDoc['locations'];

/**
 * The SKU's locations with enough history, each forecast by the same method as the SKU and
 * replenished from its own stock, with the SKU's supplier's lead time.
 */
function locationPlans(
  sales: SalesHistory,
  sku: string,
  positions: Record<string, number>,
  policy: ReplenishmentPolicy,
  o: ForecastOptions,
): LocationPlans {
  const out: LocationPlans = {};
  for (const locationId of sales.locationsOf(sku)) {
    const history = sales.byLocation.series(atLocation(sku, locationId));
    if (history.filter((u) => u > 0).length < o.minLocationWeeks) continue;
    const { units, replenishment } = planFor(history, positions[locationId] ?? 0, policy, o);
    out[locationId] = { history, units, replenishment };
  }
  return out;
}

function supplierFor(id: string | undefined, suppliers: Map<string, SupplierDoc>): ForecastDoc['supplier'] {
  const doc = id === undefined ? undefined : suppliers.get(id);
  return doc && id ? { id, name: doc.name, leadTimeDays: doc.leadTimeDays } : null;
}

interface Stock {
  productId: string | undefined;
  /** Available + incoming + in transit, store-wide. */
  position: number;
  byLocation: Record<string, number>;
}

/**
 * What a SKU has and has coming, store-wide and per location: available (on hand less held),
 * incoming from suppliers, and in transit between locations (moved, not gone; counted where it is
 * going). A hot SKU's figures are its shards' sum as of their last refresh, close enough for a
 * weekly plan. A SKU without an inventory document has none.
 */
async function stockOf(db: Firestore, skus: string[]): Promise<Map<string, Stock>> {
  const out = new Map<string, Stock>();
  for (let i = 0; i < skus.length; i += 300) {
    const refs = skus.slice(i, i + 300).map((s) => inventoryRef(db, s));
    if (refs.length === 0) continue;
    for (const d of await db.getAll(...refs)) {
      if (!d.exists) continue;
      const n = (f: string) => (d.get(f) as number | undefined) ?? 0;
      const locations = (d.get('locations') ?? {}) as Record<string, Record<string, number | undefined>>;
      const byLocation: Record<string, number> = {};
      for (const [id, l] of Object.entries(locations))
        byLocation[id] = (l.available ?? 0) + (l.incoming ?? 0) + (l.inTransit ?? 0);
      out.set(d.id, {
        productId: d.get('productId') as string | undefined,
        position: n('available') + n('incoming') + n('inTransit'),
        byLocation,
      });
    }
  }
  return out;
}

/** The supplier each SKU's variant names, read through the product the inventory document names. */
async function variantSuppliers(db: Firestore, stock: Map<string, Stock>): Promise<Map<string, string>> {
  const refs = [...stock].flatMap(([sku, s]) => (s.productId ? [variantRef(db, s.productId, sku)] : []));
  const out = new Map<string, string>();
  for (let i = 0; i < refs.length; i += 300)
    for (const d of await db.getAll(...refs.slice(i, i + 300))) {
      const id = d.get('supplierId') as unknown;
      if (typeof id === 'string') out.set(d.id, id);
    }
  return out;
}
