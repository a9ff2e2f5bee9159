/**
 * Safety stock is withheld from sale: a cart may take a location's available units less its safety
 * stock, never the last ones (they cover demand during a late delivery, or a miscount). Staff moves
 * (transfers, adjustments) still reach them. Units owed to backordered holds are withheld too: what
 * arrives while any are owed is theirs first (backorders.ts). The status shoppers see counts the
 * same way (stockStatus in @hearth/contracts).
 */
import type { InventoryDoc } from '@hearth/contracts';

/**
 * What carts may take at an unsharded `locationId` of what is `available` there. At a sharded one
 * the shards hold the safety stock back themselves (sellableOnShard), and `available` is already net.
 */
export const sellable = (doc: InventoryDoc, locationId: string, available: number): number =>
  doc.shards[locationId]
    ? Math.max(0, available)
    : Math.max(
        0,
        available -
          (doc.locations[locationId]?.safetyStock ?? 0) -
          (doc.locations[locationId]?.backordered ?? 0),
      );

/**
 * The part of a sharded location's safety stock that shard `index` holds back: spread evenly over
 * its shards, the first ones one unit more, so together they hold back exactly the location's.
 * Carts on different instances plan on different pictures of the shards, so a limit checked on a
 * picture would let them take it between them; a shard's own part is checked in the transaction
 * that reads that shard.
 */
export function shardSafety(doc: InventoryDoc, locationId: string, index: number): number {
  const units = doc.locations[locationId]?.safetyStock ?? 0;
  const count = doc.shards[locationId] ?? 1;
  return Math.floor(units / count) + (index < units % count ? 1 : 0);
}

/** What carts may take from one shard of what is `available` in it. */
export const sellableOnShard = (doc: InventoryDoc, locationId: string, index: number, available: number) =>
  Math.max(0, available - shardSafety(doc, locationId, index));
