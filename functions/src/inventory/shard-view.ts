/**
 * What this process knows about a hot SKU's shards: consistent snapshots of them, and which shards
 * were recently seen empty (by a snapshot or by a transaction here). Only used to choose where to
 * probe: the transaction re-reads whatever it takes from.
 */
import type { Firestore } from 'firebase-admin/firestore';
import { ShardDoc } from '@hearth/contracts';
import { countReads } from '../platform/deps';
import type { Deps } from './deps';
import { shardsOf } from './paths';
import { sharedRead } from './shared-read';

/** Per location: available units by shard index. */
export type ShardAvailability = Map<string, Map<number, number>>;

/** A shard seen empty is skipped this long; stock can come back (releases, restocks, rebalancing). */
const EMPTY_TTL_MS = 1_000;
const seenEmpty = new WeakMap<Firestore, Map<string, Map<number, number>>>();

function emptiesOf(deps: Deps, sku: string, locationId: string): Map<number, number> {
  let forDb = seenEmpty.get(deps.db);
  if (!forDb) seenEmpty.set(deps.db, (forDb = new Map()));
  const key = `${sku}/${locationId}`;
  let empties = forDb.get(key);
  if (!empties) forDb.set(key, (empties = new Map()));
  return empties;
}

/** Records what a read or a commit here saw of one shard. */
export function noteShard(
  deps: Deps,
  sku: string,
  locationId: string,
  index: number,
  available: number,
): void {
  const empties = emptiesOf(deps, sku, locationId);
  if (available === 0) empties.set(index, Date.now());
  else empties.delete(index);
}

/**
 * Every shard of `sku` as one consistent snapshot (no locks taken), read after `since` (see
 * shared-read.ts): concurrent calls share one read.
 */
export function readShards(deps: Deps, sku: string, since: number): Promise<ShardAvailability> {
  return sharedRead(deps.db, `shards/${sku}`, since, async () => {
    const snap = await shardsOf(deps.db, sku).get();
    countReads(deps, Math.max(1, snap.size));
    const shards: ShardAvailability = new Map();
    for (const d of snap.docs) {
      const s = ShardDoc.parse(d.data());
      if (!shards.has(s.locationId)) shards.set(s.locationId, new Map());
      shards.get(s.locationId)!.set(s.index, s.available);
      noteShard(deps, sku, s.locationId, s.index, s.available);
    }
    return shards;
  });
}

export function sumAvailable(byIndex: Map<number, number> | undefined): number {
  let sum = 0;
  for (const n of byIndex?.values() ?? []) sum += n;
  return sum;
}

/**
 * Shard indexes of one location worth probing, in random order: those `snapshot` shows with stock,
 * or, without one, those not recently seen empty.
 */
export function probeOrder(
  deps: Deps,
  sku: string,
  locationId: string,
  count: number,
  snapshot?: Map<number, number>,
): number[] {
  const empties = emptiesOf(deps, sku, locationId);
  const now = Date.now();
  const candidates = snapshot
    ? [...snapshot].filter(([, available]) => available > 0).map(([index]) => index)
    : Array.from({ length: count }, (_, i) => i).filter(
        (i) => !(now - (empties.get(i) ?? -Infinity) < EMPTY_TTL_MS),
      );
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  return candidates;
}
