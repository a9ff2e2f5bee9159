/**
 * A year of past sales in the ledger, so the forecasting job has history to learn from on a fresh
 * store: the retail data's own demand (RetailDemand) of the best-selling SKUs on sale, one `sale`
 * per SKU, warehouse and week, moved in time as the customers' histories are (the data's last
 * invoice is now). A sale leaves from the warehouse of the customer's region, as allocation ships
 * one, so each warehouse gets its own history.
 *
 * The entries must leave today's counters as the seed sets them (reconciliation replays the whole
 * ledger): each week's sale follows its reservation, as a checkout's does (reserved up, then
 * reserved and on hand down), and the units sold over the year came in before it, as one receipt
 * at the history's start. So each SKU and warehouse nets to zero, and the seed's initial stock is
 * what is on hand today.
 *
 * Entry ids come from the data's own weeks, not from today's date, so seeding again on another
 * day plans the same entries, and finds them there.
 */
import { Timestamp } from 'firebase-admin/firestore';
import type { LedgerEntry, LedgerKind } from '@hearth/contracts';
import type { RetailTransaction } from '../data/online-retail';
import type { Catalog } from './catalog';
import { regionOf } from './customers';
import { HOT_LOCATION, isDiscontinued, locations } from './stock';

/** How many SKUs get a history: enough for a console full of forecasts, few enough to seed in seconds. */
export const HISTORY_SKUS = 100;
export const HISTORY_CORRELATION = 'seed-sales-history';

const WEEK_MS = 7 * 24 * 3600 * 1000;

export interface SalesHistoryPlan {
  skus: string[];
  entries: { id: string; doc: LedgerEntry }[];
  units: number;
}

/** The SKUs to follow: the most ordered of those still on sale. */
export function historySkus(catalog: Catalog): Set<string> {
  return new Set(
    catalog.variants
      .filter((v) => !isDiscontinued(v))
      .sort((a, b) => b.orders - a.orders || (a.doc.sku < b.doc.sku ? -1 : 1))
      .slice(0, HISTORY_SKUS)
      .map((v) => v.doc.sku),
  );
}

const warehouses = locations.filter((l) => l.kind === 'warehouse');

/** The warehouse of the buyer's region (lines without a customer by their invoice), else the main one. */
function shipsFrom(line: RetailTransaction): string {
  const region = regionOf(line.country, line.customerId || line.invoice);
  return (warehouses.find((w) => w.region === region) ?? warehouses[0]!).id;
}

export function planSalesHistory(
  demand: RetailTransaction[],
  lastDate: string,
  hotSkus: string[],
  now: Date,
): SalesHistoryPlan {
  // The data's weeks, counted back from its last invoice: week 0 holds the last 7 days.
  const end = Date.parse(`${lastDate}:00Z`) + 60_000;
  const weekly = new Map<string, Map<number, number>>();
  for (const line of demand) {
    const key = `${line.stockCode}\u0000${shipsFrom(line)}`;
    const week = Math.floor((end - Date.parse(`${line.date}:00Z`) - 1) / WEEK_MS);
    let weeks = weekly.get(key);
    if (!weeks) weekly.set(key, (weeks = new Map()));
    weeks.set(week, (weeks.get(week) ?? 0) + line.quantity);
  }
  const oldest = Math.max(0, ...[...weekly.values()].flatMap((w) => [...w.keys()]));
  const entries: SalesHistoryPlan['entries'] = [];
  const skus = new Set<string>();
  let units = 0;
  for (const [key, weeks] of [...weekly].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [sku, locationId] = key.split('\u0000') as [string, string];
    // A hot SKU's main warehouse is sharded: its history moves one shard, as a checkout would.
    const shard = hotSkus.includes(sku) && locationId === HOT_LOCATION ? 0 : null;
    const entry = (id: string, kind: LedgerKind, qty: number, atMs: number, reason: string) =>
      entries.push({
        id: `seed-hist-${sku}-${locationId}-${id}`,
        doc: {
          kind,
          sku,
          locationId,
          toLocationId: null,
          shard,
          qty,
          reason,
          actor: { uid: 'seed', role: 'system' },
          correlationId: HISTORY_CORRELATION,
          idempotencyKey: null,
          at: Timestamp.fromMillis(atMs),
        },
      });
    const total = [...weeks.values()].reduce((s, q) => s + q, 0);
    entry(
      'received',
      'restock',
      total,
      now.getTime() - (oldest + 1) * WEEK_MS,
      'stock for the sales history (seed)',
    );
    for (const [week, qty] of [...weeks].sort(([a], [b]) => b - a)) {
      // Mid-week, so each data week lands in one of the forecast's Monday weeks whatever today is.
      const at = now.getTime() - week * WEEK_MS - WEEK_MS / 2;
      entry(`w${week}-reserve`, 'reserve', qty, at - 3_600_000, "the week's carts (seed history)");
      entry(`w${week}-sale`, 'sale', qty, at, "the week's sales from the retail data (seed history)");
    }
    skus.add(sku);
    units += total;
  }
  return { skus: [...skus].sort(), entries, units };
}
