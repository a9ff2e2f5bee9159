/**
 * Weekly units sold per SKU, from the ledger's `sale` entries (written at checkout, one per SKU,
 * location and shard of an order: see inventory/movements.ts). Returns are not subtracted: a
 * returned item was still demand, and returns are recorded as their own kind.
 */
import type { Firestore, QueryDocumentSnapshot, Timestamp } from 'firebase-admin/firestore';
import { ledgerCol } from '../platform/paths';
import { WeeklySeries } from './weeks';

/** Reads the sales of the `weeks` weeks before `end` a page at a time (the `kind, at` index serves it). */
export async function weeklySales(
  db: Firestore,
  end: Date,
  weeks: number,
  pageSize = 1000,
): Promise<WeeklySeries> {
  const series = new WeeklySeries(end, weeks);
  const query = ledgerCol(db)
    .where('kind', '==', 'sale')
    .where('at', '>=', new Date(end.getTime() - weeks * 7 * 86_400_000))
    .where('at', '<', end)
    .orderBy('at')
    .select('sku', 'qty', 'at')
    .limit(pageSize);
  let last: QueryDocumentSnapshot | undefined;
  for (;;) {
    const page = await (last ? query.startAfter(last) : query).get();
    for (const d of page.docs)
      series.add(d.get('sku') as string, (d.get('at') as Timestamp).toMillis(), d.get('qty') as number);
    if (page.size < pageSize) return series;
    last = page.docs.at(-1);
  }
}
