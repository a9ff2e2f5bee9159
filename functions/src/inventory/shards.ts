/**
 * Raising a hot SKU's shard count at one location, live. The new shards are created empty in the
 * same transaction that publishes the new count (a location without shards moves its counters
 * into shard 0 there), then available units are spread evenly by moving onHand between shards in
 * one transaction. Units only ever move between shards of the same location, so none is lost or
 * made up, and the location's counters (what the ledger records) never change.
 */
import {
  InventoryDoc,
  type SetShardCountRequest,
  type SetShardCountResponse,
  type ShardDoc,
} from '@hearth/contracts';
import { emptyLocationStock, withTotals } from './availability';
import type { Deps } from './deps';
import { notFound, precondition } from './errors';
import { once } from './idempotency';
import { loadLocations } from './locations';
import { inventoryRef, shardRef } from './paths';
import type { Staff } from './staff';
import { runInTransaction } from '../platform/transaction';

export async function setShardCount(
  deps: Deps,
  admin: Staff,
  req: SetShardCountRequest,
): Promise<SetShardCountResponse> {
  if (!(await loadLocations(deps)).has(req.locationId)) throw notFound('location', req.locationId);
  const answer = await once(
    deps,
    { scope: 'setShardCount', uid: admin.uid, key: req.idempotencyKey, request: req },
    'change the shard count',
    async (tx) => {
      const ref = inventoryRef(deps.db, req.sku);
      const snap = await tx.get(ref);
      if (!snap.exists) throw notFound('sku', req.sku);
      const doc = InventoryDoc.parse(snap.data());
      const current = doc.shards[req.locationId] ?? 0;
      if (req.count < current)
        throw precondition(
          'shard_count_lowered',
          `${req.sku} has ${current} shards at ${req.locationId}; shard counts only go up`,
        );
      const result = { sku: req.sku, locationId: req.locationId, count: req.count };
      if (req.count === current) return result;
      if (doc.backorder || doc.backordered > 0)
        throw precondition(
          'backorders_open',
          `${req.sku} takes backorders (${doc.backordered} units owed); turn them off with setStockPolicy and let the owed units fill or expire before sharding it`,
        );
      const stock = doc.locations[req.locationId] ?? emptyLocationStock();
      for (let index = current; index < req.count; index++) {
        const moved = current === 0 && index === 0;
        const shard: ShardDoc = {
          sku: req.sku,
          locationId: req.locationId,
          index,
          onHand: moved ? stock.onHand : 0,
          reserved: moved ? stock.reserved : 0,
          available: moved ? stock.onHand - stock.reserved : 0,
          version: 0,
        };
        tx.create(shardRef(deps.db, req.sku, req.locationId, index), shard);
      }
      tx.set(
        ref,
        withTotals(
          {
            ...doc,
            locations: { ...doc.locations, [req.locationId]: stock },
            shards: { ...doc.shards, [req.locationId]: req.count },
          },
          deps.clock.now(),
        ),
      );
      return result;
    },
  );
  deps.checkpoint?.('setShardCount:before-rebalance');
  await rebalanceShards(deps, req.sku, req.locationId);
  return answer;
}

/** Spreads the available units of one location evenly over its shards; reserved units stay put. */
export async function rebalanceShards(deps: Deps, sku: string, locationId: string): Promise<void> {
  await runInTransaction(deps, `rebalance the shards of ${sku}`, async (tx) => {
    const doc = InventoryDoc.parse((await tx.get(inventoryRef(deps.db, sku))).data());
    const count = doc.shards[locationId] ?? 0;
    const refs = Array.from({ length: count }, (_, i) => shardRef(deps.db, sku, locationId, i));
    const snaps = await tx.getAll(refs);
    const shards = refs.map((r) => snaps.get(r.path)!.data() as ShardDoc);
    const total = shards.reduce((sum, s) => sum + s.available, 0);
    shards.forEach((s, i) => {
      const target = Math.floor(total / count) + (i < total % count ? 1 : 0);
      if (target === s.available) return;
      tx.set(refs[i]!, { ...s, onHand: s.reserved + target, available: target, version: s.version + 1 });
    });
  });
}
