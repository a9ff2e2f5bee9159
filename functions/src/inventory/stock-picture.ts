/**
 * What a batch of reservations reads before its transaction, without locks: the availability
 * documents of its SKUs, the shards with stock of the hot ones, and the idempotency records of its
 * calls. Every read starts after every call of the batch arrived, so "not enough stock" answered
 * from it is answered from a state the store was in during the call; the transaction re-reads
 * whatever it takes from.
 */
import { FieldPath } from 'firebase-admin/firestore';
import { InventoryDoc, type LocationDoc, ShardDoc } from '@hearth/contracts';
import { countReads } from '../platform/deps';
import type { Deps } from './deps';
import { loadLocations } from './locations';
import { idempotencyRef, inventoryRef, shardsOf } from './paths';
import { sellableOnShard } from './safety-stock';

/** Per location: available units by shard index (only shards with stock). */
export type ShardStock = Map<string, Map<number, number>>;

export interface Picture {
  locations: Map<string, LocationDoc>;
  /** Availability documents by SKU; a SKU without one is absent. */
  docs: Map<string, InventoryDoc>;
  /** Shards with stock, of the SKUs whose document lists shards. */
  shards: Map<string, ShardStock>;
  /**
   * Hot SKUs whose shards moved under the document between the two reads (a location sharded in
   * between): planned on, but never refused from, this picture.
   */
  changing: Set<string>;
  /** Stored idempotency records by record id. */
  records: Map<string, unknown>;
}

/** Firestore's limit on the values of one `in` filter. */
const IN_LIMIT = 30;

export const isHot = (doc: InventoryDoc) => Object.keys(doc.shards).length > 0;

export async function readPicture(deps: Deps, skus: string[], recordIds: string[]): Promise<Picture> {
  const [locations, docs, records] = await Promise.all([
    loadLocations(deps),
    readDocs(deps, skus),
    readRecords(deps, recordIds),
  ]);
  const hot = [...docs.values()].filter(isHot);
  const shardStocks = await Promise.all(hot.map((doc) => readShardStock(deps, doc.sku)));
  const shards = new Map(hot.map((doc, i) => [doc.sku, shardStocks[i]!]));
  const changing = new Set(
    hot
      .filter((doc) => [...shards.get(doc.sku)!.keys()].some((locationId) => !doc.shards[locationId]))
      .map((doc) => doc.sku),
  );
  return { locations, docs, shards, changing, records };
}

/**
 * What the picture says a location of `doc` holds: its counters, or at a sharded location what its
 * shards have for sale, each net of its part of the safety stock.
 */
export function availableAt(picture: Picture, doc: InventoryDoc, locationId: string): number {
  const shards = picture.shards.get(doc.sku)?.get(locationId);
  if (doc.shards[locationId] || shards)
    return [...(shards ?? [])].reduce(
      (sum, [index, n]) => sum + sellableOnShard(doc, locationId, index, n),
      0,
    );
  return doc.locations[locationId]?.available ?? 0;
}

async function readDocs(deps: Deps, skus: string[]): Promise<Map<string, InventoryDoc>> {
  const snaps = await deps.db.getAll(...skus.map((sku) => inventoryRef(deps.db, sku)));
  countReads(deps, snaps.length);
  const docs = new Map<string, InventoryDoc>();
  snaps.forEach((snap, i) => {
    if (snap.exists) docs.set(skus[i]!, InventoryDoc.parse(snap.data()));
  });
  return docs;
}

/** Only the shards with stock: in a sell-out this is one read (a query's minimum), not one per shard. */
async function readShardStock(deps: Deps, sku: string): Promise<ShardStock> {
  const snap = await shardsOf(deps.db, sku).where('available', '>', 0).get();
  countReads(deps, Math.max(1, snap.size));
  const stock: ShardStock = new Map();
  for (const d of snap.docs) {
    const s = ShardDoc.parse(d.data());
    if (!stock.has(s.locationId)) stock.set(s.locationId, new Map());
    stock.get(s.locationId)!.set(s.index, s.available);
  }
  return stock;
}

/** The records that exist among `ids`, by id: one query per 30 ids, not one read per call. */
async function readRecords(deps: Deps, ids: string[]): Promise<Map<string, unknown>> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += IN_LIMIT) chunks.push(ids.slice(i, i + IN_LIMIT));
  const snaps = await Promise.all(
    chunks.map((chunk) =>
      idempotencyRef(deps.db, chunk[0]!)
        .parent.where(
          FieldPath.documentId(),
          'in',
          chunk.map((id) => idempotencyRef(deps.db, id)),
        )
        .get(),
    ),
  );
  const records = new Map<string, unknown>();
  for (const snap of snaps) {
    countReads(deps, Math.max(1, snap.size));
    for (const d of snap.docs) records.set(d.id, d.data());
  }
  return records;
}
