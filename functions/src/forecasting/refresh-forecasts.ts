/**
 * The scheduled forecasting job: for every SKU sold in the last year, the next 8 weeks' demand
 * from its weekly sales, and a replenishment suggestion from that forecast, its error and the
 * stock it has and has coming, written to forecasts/{sku}. A SKU with no sale in the history gets
 * no forecast, and an earlier one is removed, so the collection is exactly the current run.
 */
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { ForecastDoc } from '@hearth/contracts';
import type { Deps } from '../platform/deps';
import { inventoryRef } from '../platform/paths';
import { chosenMethod, chosenMethodName } from './chosen';
import { oneWeekErrorSd } from './forecast-error';
import { defaultPolicy, replenishment, type ReplenishmentPolicy } from './replenishment';
import { ofLocationKey, weeklySales, type SalesHistory } from './sales-history';
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
  const locations = locationForecasts(sales, o);
  const positions = await inventoryPositions(db, skus);
  const writer = db.bulkWriter();
  let toReorder = 0;
  for (const sku of skus) {
    const history = sales.bySku.series(sku);
    const units = chosenMethod(history, o.horizonWeeks);
    const errorSd = oneWeekErrorSd(chosenMethod, history);
    const plan = replenishment(units, errorSd, positions.get(sku) ?? 0, o.policy);
    if (plan.reorder) toReorder++;
    const doc: ForecastDoc = {
      sku,
      method: chosenMethodName,
      generatedAt: Timestamp.fromDate(now),
      historyFrom: Timestamp.fromMillis(thisWeek.getTime() - o.historyWeeks * weekMs),
      history,
      weeks: units.map((u, i) => ({
        weekStart: Timestamp.fromMillis(thisWeek.getTime() + i * weekMs),
        units: Math.round(u * 100) / 100,
      })),
      locations: locations.get(sku) ?? {},
      errorSd: Math.round(errorSd * 100) / 100,
      replenishment: plan,
    };
    void writer.set(forecastsCol(db).doc(sku), doc);
  }
  const current = new Set(skus);
  const stale = (await forecastsCol(db).select().get()).docs.filter((d) => !current.has(d.id));
  for (const d of stale) void writer.delete(d.ref);
  await writer.close();
  return { skus: skus.length, toReorder, removed: stale.length };
}

type LocationForecasts = ForecastDoc['locations'];

/** Each SKU's locations with enough history, forecast by the same method as the SKU. */
function locationForecasts(sales: SalesHistory, o: ForecastOptions): Map<string, LocationForecasts> {
  const out = new Map<string, LocationForecasts>();
  for (const key of sales.byLocation.skus()) {
    const history = sales.byLocation.series(key);
    if (history.filter((u) => u > 0).length < o.minLocationWeeks) continue;
    const [sku, locationId] = ofLocationKey(key);
    const units = chosenMethod(history, o.horizonWeeks).map((u) => Math.round(u * 100) / 100);
    out.set(sku, { ...out.get(sku), [locationId]: { history, units } });
  }
  return out;
}

/**
 * What a SKU has and has coming, store-wide: available (on hand less held), incoming from
 * suppliers, and in transit between locations (moved, not gone). A hot SKU's figures are its
 * shards' sum as of their last refresh, close enough for a weekly plan. A SKU without an inventory
 * document has none.
 */
async function inventoryPositions(db: Firestore, skus: string[]): Promise<Map<string, number>> {
  const positions = new Map<string, number>();
  for (let i = 0; i < skus.length; i += 300) {
    const refs = skus.slice(i, i + 300).map((s) => inventoryRef(db, s));
    if (refs.length === 0) continue;
    for (const d of await db.getAll(...refs)) {
      if (!d.exists) continue;
      const n = (f: string) => (d.get(f) as number | undefined) ?? 0;
      positions.set(d.id, n('available') + n('incoming') + n('inTransit'));
    }
  }
  return positions;
}
