/**
 * Keeps serving/stock, the set of products that cannot be sold now, so that serving filters stock
 * from one cached document instead of reading inventory/{sku} per candidate.
 *
 * A product is sellable when any of its SKUs has status in_stock, low or made_to_order; out and
 * backorder do not count (a backorder can be ordered, but a recommendation should not send a shopper
 * to a wait). A product with no inventory documents at all is never listed (it counts as sellable).
 *
 * The trigger on inventory/{sku} costs nothing for the many writes that keep a SKU on the same side
 * of that line; when one crosses it, the product's entry is recomputed in a transaction from the
 * product's current inventory documents, not from the event, so retried and out-of-order trigger
 * deliveries converge. The summary is then seconds behind inventory (trigger latency), plus the
 * serving instances' cache time (serving-state.ts).
 */
import { FieldPath, FieldValue, Timestamp, type DocumentData } from 'firebase-admin/firestore';
import type { StockStatus } from '@hearth/contracts';
import type { Deps } from '../platform/deps';
import { inventoryCol } from '../platform/paths';
import { runInTransaction } from '../platform/transaction';
import { forEachPage } from './read-interactions';
import { stockSummaryRef } from './serving-state';

const sellableStatuses: ReadonlySet<string> = new Set<StockStatus>(['in_stock', 'low', 'made_to_order']);

/** The fields of inventory/{sku} this module reads (a trigger's before/after data, or a query's). */
type StockFields = DocumentData | undefined;

const sellable = (inv: StockFields) => sellableStatuses.has(inv?.status as string);

/**
 * Firestore's cap on the values of one `in` filter: the most products one repair transaction
 * re-reads with a single query.
 */
const PRODUCTS_PER_REPAIR = 30;

/**
 * Recomputes the entries of some products (at most PRODUCTS_PER_REPAIR) from their inventory
 * documents, in one transaction with one query; returns those now listed as unavailable.
 */
async function refreshProductsStock(deps: Deps, productIds: string[]): Promise<Set<string>> {
  const { db } = deps;
  const summary = stockSummaryRef(db);
  return runInTransaction(deps, 'update the stock summary', async (tx) => {
    const [skus, summarySnap] = await Promise.all([
      tx.raw.get(inventoryCol(db).where('productId', 'in', productIds).select('productId', 'status')),
      tx.get(summary),
    ]);
    const hasSkus = new Set<string>();
    const anySellable = new Set<string>();
    for (const d of skus.docs) {
      hasSkus.add(d.get('productId'));
      if (sellable(d.data())) anySellable.add(d.get('productId'));
    }
    const unavailable = new Set(productIds.filter((id) => hasSkus.has(id) && !anySellable.has(id)));
    const changes = productIds.filter(
      (id) => unavailable.has(id) !== (summarySnap.get(new FieldPath('unavailable', id)) === true),
    );
    if (changes.length === 0) return unavailable;
    const updatedAt = Timestamp.fromDate(deps.clock.now());
    if (!summarySnap.exists) {
      tx.set(summary, {
        unavailable: Object.fromEntries([...unavailable].map((id) => [id, true])),
        updatedAt,
      });
    } else {
      const fields = changes.flatMap((id) => [
        new FieldPath('unavailable', id),
        unavailable.has(id) ? true : FieldValue.delete(),
      ]);
      tx.raw.update(summary, 'updatedAt', updatedAt, ...fields);
    }
    return unavailable;
  });
}

/** Recomputes one product's entry from its inventory documents; returns whether it is unavailable. */
export async function refreshProductStock(deps: Deps, productId: string): Promise<boolean> {
  return (await refreshProductsStock(deps, [productId])).has(productId);
}

/** The inventory/{sku} trigger: acts only when a SKU crosses between sellable and not. */
export async function onInventoryWritten(deps: Deps, before: StockFields, after: StockFields): Promise<void> {
  const products = new Set(
    [before, after].map((inv) => inv?.productId).filter((id): id is string => typeof id === 'string'),
  );
  if (products.size === 1 && sellable(before) === sellable(after) && before && after) return;
  for (const productId of products) await refreshProductStock(deps, productId);
}

/**
 * Pages through every inventory document and repairs the products whose entry disagrees (a lost
 * or failed trigger). Repairs go through `refreshProductStock`, so a change racing the rebuild is
 * never overwritten by what the pages said. Returns the products repaired.
 */
export async function rebuildStockSummary(deps: Deps, pageSize = 1000): Promise<string[]> {
  const { db } = deps;
  const anySellable = new Map<string, boolean>();
  await forEachPage(inventoryCol(db).select('productId', 'status'), pageSize, (docs) => {
    for (const d of docs) {
      const productId = d.get('productId');
      if (typeof productId !== 'string') continue;
      anySellable.set(productId, (anySellable.get(productId) ?? false) || sellable(d.data()));
    }
  });
  const listed = (await stockSummaryRef(db).get()).get('unavailable') ?? {};
  const suspects = [
    ...[...anySellable].filter(([id, ok]) => ok === (listed[id] === true)).map(([id]) => id),
    ...Object.keys(listed).filter((id) => !anySellable.has(id)),
  ];
  // A batch of products per transaction: every repair writes the same summary document, so one at
  // a time was a transaction per product after a seed (hundreds, seconds of start-up).
  const repaired: string[] = [];
  for (let i = 0; i < suspects.length; i += PRODUCTS_PER_REPAIR) {
    const batch = suspects.slice(i, i + PRODUCTS_PER_REPAIR);
    const unavailable = await refreshProductsStock(deps, batch);
    repaired.push(...batch.filter((id) => unavailable.has(id) !== (listed[id] === true)));
  }
  return repaired;
}
