/**
 * Putting units into, and taking units out of, one location of one SKU when the caller does not
 * care which shard: staff operations. Sharded locations are read whole (these operations are rare,
 * so locking every shard is fine); new units go to the emptiest shard, units leave from the fullest.
 */
import type { LedgerKind } from '@hearth/contracts';
import { outOfStock } from './errors';
import type { Movement } from './movements';
import type { OpContext, StockTx } from './stock-tx';

type Move = Pick<Movement, 'kind' | 'sku' | 'locationId' | 'toLocationId' | 'reason'>;

async function shardsByAvailable(st: StockTx, sku: string, locationId: string) {
  const count = st.inventory(sku).shards[locationId] ?? 0;
  const keys = Array.from({ length: count }, (_, index) => ({ sku, locationId, index }));
  await st.loadShards(keys);
  return keys
    .map((k) => ({ index: k.index, available: st.shard(k)?.available ?? 0 }))
    .sort((a, b) => a.available - b.available);
}

/** Adds `qty` units to a location (the SKU's availability document must be loaded). Returns ledger ids. */
export async function putUnits(
  st: StockTx,
  move: Move & { kind: LedgerKind },
  qty: number,
  ctx?: OpContext,
): Promise<string[]> {
  const shards = await shardsByAvailable(st, move.sku, move.locationId);
  return [st.apply({ ...move, qty, shard: shards[0]?.index ?? null }, ctx)];
}

/** Removes `qty` available units from a location, or fails saying how many are available. */
export async function takeUnits(
  st: StockTx,
  move: Move,
  qty: number,
  signed: (n: number) => number = (n) => n,
  /** The operation the movements belong to, when one StockTx carries several (an import's rows). */
  ctx?: OpContext,
): Promise<string[]> {
  const shards = await shardsByAvailable(st, move.sku, move.locationId);
  if (shards.length === 0) {
    const available = st.inventory(move.sku).locations[move.locationId]?.available ?? 0;
    if (available < qty) throw outOfStock(move.sku, qty, available);
    return [st.apply({ ...move, qty: signed(qty), shard: null }, ctx)];
  }
  const total = shards.reduce((sum, s) => sum + s.available, 0);
  if (total < qty) throw outOfStock(move.sku, qty, total);
  const ids: string[] = [];
  let left = qty;
  for (const s of shards.reverse()) {
    if (left === 0) break;
    const take = Math.min(left, s.available);
    if (take === 0) continue;
    ids.push(st.apply({ ...move, qty: signed(take), shard: s.index }, ctx));
    left -= take;
  }
  return ids;
}
