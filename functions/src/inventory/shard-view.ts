/**
 * What this process believes about a hot SKU's shards, from its last consistent read of them.
 * Only a hint for choosing where to probe: the transaction re-reads whatever it takes from.
 */
import type { Firestore } from 'firebase-admin/firestore';
import { ShardDoc } from '../api/inventory';
import { countReads, type Deps } from './deps';
import { shardsOf } from './paths';

/** Per location: available units by shard index. */
export type ShardAvailability = Map<string, Map<number, number>>;

const HINT_TTL_MS = 1_000;
const hints = new WeakMap<Firestore, Map<string, { at: number; shards: ShardAvailability }>>();

/** Reads every shard of `sku` as one consistent snapshot (no locks taken). */
export async function readShards(deps: Deps, sku: string): Promise<ShardAvailability> {
  const snap = await shardsOf(deps.db, sku).get();
  countReads(deps, Math.max(1, snap.size));
  const shards: ShardAvailability = new Map();
  for (const d of snap.docs) {
    const s = ShardDoc.parse(d.data());
    if (!shards.has(s.locationId)) shards.set(s.locationId, new Map());
    shards.get(s.locationId)!.set(s.index, s.available);
  }
  let forDb = hints.get(deps.db);
  if (!forDb) hints.set(deps.db, (forDb = new Map()));
  forDb.set(sku, { at: Date.now(), shards });
  return shards;
}

export function sumAvailable(byIndex: Map<number, number> | undefined): number {
  let sum = 0;
  for (const n of byIndex?.values() ?? []) sum += n;
  return sum;
}

/**
 * Shard indexes of one location worth probing, in random order: those a recent snapshot saw with
 * stock, or all `count` shards when there is no recent snapshot.
 */
export function probeOrder(deps: Deps, sku: string, locationId: string, count: number): number[] {
  const hint = hints.get(deps.db)?.get(sku);
  const fresh = hint && Date.now() - hint.at < HINT_TTL_MS ? hint.shards.get(locationId) : undefined;
  const candidates = fresh
    ? [...fresh].filter(([, available]) => available > 0).map(([index]) => index)
    : Array.from({ length: count }, (_, i) => i);
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  return candidates;
}

/** A shard the transaction found empty is not worth probing until the next snapshot. */
export function markEmpty(deps: Deps, sku: string, locationId: string, index: number): void {
  hints.get(deps.db)?.get(sku)?.shards.get(locationId)?.set(index, 0);
}
