/**
 * Weekly units sold per SKU, from the ledger's `sale` entries (written at checkout, one per SKU,
 * location and shard of an order: see inventory/movements.ts). Returns are not subtracted: a
 * returned item was still demand, and returns are recorded as their own kind.
 */
import type { Firestore, QueryDocumentSnapshot, Timestamp } from 'firebase-admin/firestore';
import { ledgerCol } from '../platform/paths';
import { WeeklySeries } from './weeks';

export interface SalesHistory {
  bySku: WeeklySeries;
  /** Keyed by `atLocation(sku, locationId)`: the location the sold units left from. */
  byLocation: WeeklySeries;
  /** Each SKU's locations in `byLocation`, sorted. */
  locationsOf(sku: string): string[];
}

export const atLocation = (sku: string, locationId: string) => `${sku}\u0000${locationId}`;

/** Reads the sales of the `weeks` weeks before `end` a page at a time (the `kind, at` index serves it). */
export async function weeklySales(
  db: Firestore,
  end: Date,
  weeks: number,
  pageSize = 1000,
): Promise<SalesHistory> {
  const bySku = new WeeklySeries(end, weeks);
  const byLocation = new WeeklySeries(end, weeks);
  const locations = new Map<string, Set<string>>();
  const history: SalesHistory = {
    bySku,
    byLocation,
    locationsOf: (sku) => [...(locations.get(sku) ?? [])].sort(),
  };
  const query = ledgerCol(db)
    .where('kind', '==', 'sale')
    .where('at', '>=', new Date(end.getTime() - weeks * 7 * 86_400_000))
    .where('at', '<', end)
    .orderBy('at')
    .select('sku', 'locationId', 'qty', 'at')
    .limit(pageSize);
  let last: QueryDocumentSnapshot | undefined;
  for (;;) {
    const page = await (last ? query.startAfter(last) : query).get();
    for (const d of page.docs) {
      const sku = d.get('sku') as string;
      const at = (d.get('at') as Timestamp).toMillis();
      const qty = d.get('qty') as number;
      const locationId = d.get('locationId') as string;
      bySku.add(sku, at, qty);
      byLocation.add(atLocation(sku, locationId), at, qty);
      const seen = locations.get(sku);
      if (seen) seen.add(locationId);
      else locations.set(sku, new Set([locationId]));
    }
    if (page.size < pageSize) return history;
    last = page.docs.at(-1);
  }
}
