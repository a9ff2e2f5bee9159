/**
 * Stock levels and the ledger as CSV, for staff: a page of documents at a time, each page handed to
 * `write` as it is read, so an export of any size holds one page in memory. Stock is one row per
 * SKU and location; a hot SKU's sharded location is the exact sum of its shards, not the aggregate
 * on its availability document (which may be a minute old).
 */
import type {
  DocumentData,
  Firestore,
  Query,
  QueryDocumentSnapshot,
  Timestamp,
} from 'firebase-admin/firestore';
import { inventoryCol, ledgerCol, shardsOf } from '../platform/paths';
import { csvLine } from './csv';

export type Write = (chunk: string) => void | Promise<void>;

export const stockColumns = [
  'sku',
  'productId',
  'locationId',
  'onHand',
  'reserved',
  'available',
  'incoming',
  'inTransit',
  'damaged',
  'safetyStock',
] as const;

export const ledgerColumns = [
  'entryId',
  'at',
  'kind',
  'sku',
  'locationId',
  'toLocationId',
  'shard',
  'qty',
  'reason',
  'actorUid',
  'actorRole',
  'correlationId',
] as const;

async function forEachPage(
  query: Query,
  pageSize: number,
  each: (docs: QueryDocumentSnapshot[]) => Promise<void>,
) {
  let last: QueryDocumentSnapshot | undefined;
  for (;;) {
    const page = await (last ? query.startAfter(last) : query).limit(pageSize).get();
    await each(page.docs);
    if (page.size < pageSize) return;
    last = page.docs.at(-1);
  }
}

/** Every SKU's stock per location, SKUs in id order; returns the number of rows. */
export async function exportStockCsv(db: Firestore, write: Write, pageSize = 500): Promise<number> {
  await write(csvLine(stockColumns));
  let rows = 0;
  await forEachPage(inventoryCol(db).orderBy('__name__'), pageSize, async (docs) => {
    let chunk = '';
    for (const d of docs) {
      const inv = d.data();
      const exact = await shardSums(db, d.id, inv);
      for (const [locationId, s] of Object.entries<DocumentData>(inv.locations ?? {}).sort(([a], [b]) =>
        a < b ? -1 : 1,
      )) {
        const live = exact.get(locationId) ?? { onHand: s.onHand as number, reserved: s.reserved as number };
        chunk += csvLine([
          d.id,
          inv.productId as string,
          locationId,
          live.onHand,
          live.reserved,
          live.onHand - live.reserved,
          s.incoming as number,
          s.inTransit as number,
          s.damaged as number,
          s.safetyStock as number,
        ]);
        rows++;
      }
    }
    await write(chunk);
  });
  return rows;
}

async function shardSums(
  db: Firestore,
  sku: string,
  inv: DocumentData,
): Promise<Map<string, { onHand: number; reserved: number }>> {
  const sums = new Map<string, { onHand: number; reserved: number }>();
  if (Object.keys(inv.shards ?? {}).length === 0) return sums;
  for (const s of (await shardsOf(db, sku).get()).docs) {
    const loc = s.get('locationId') as string;
    const sum = sums.get(loc) ?? { onHand: 0, reserved: 0 };
    sum.onHand += s.get('onHand') as number;
    sum.reserved += s.get('reserved') as number;
    sums.set(loc, sum);
  }
  return sums;
}

/** The ledger entries with `from <= at < to`, oldest first; returns the number of rows. */
export async function exportLedgerCsv(
  db: Firestore,
  write: Write,
  range: { from?: Date; to?: Date } = {},
  pageSize = 1000,
): Promise<number> {
  await write(csvLine(ledgerColumns));
  let query: Query = ledgerCol(db);
  if (range.from) query = query.where('at', '>=', range.from);
  if (range.to) query = query.where('at', '<', range.to);
  let rows = 0;
  await forEachPage(query.orderBy('at').orderBy('__name__'), pageSize, async (docs) => {
    let chunk = '';
    for (const d of docs) {
      const e = d.data();
      chunk += csvLine([
        d.id,
        (e.at as Timestamp).toDate().toISOString(),
        e.kind as string,
        e.sku as string,
        e.locationId as string,
        (e.toLocationId as string | null) ?? null,
        (e.shard as number | null) ?? null,
        e.qty as number,
        e.reason as string,
        (e.actor?.uid as string | undefined) ?? null,
        (e.actor?.role as string | undefined) ?? null,
        e.correlationId as string,
      ]);
      rows++;
    }
    await write(chunk);
  });
  return rows;
}
