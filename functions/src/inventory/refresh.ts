/**
 * Keeps the availability document of a hot SKU right, off the hot path: reservations write shards
 * only, and this folds a consistent snapshot of the shards into `inventory/{sku}`. A refresh only
 * ever moves the document forward in time (`aggregatedAt` is the snapshot's read time), so late or
 * concurrent refreshes cannot bring back an older picture.
 */
import { Timestamp } from 'firebase-admin/firestore';
import { InventoryDoc, ShardDoc } from '@hearth/contracts';
import { withTotals } from './availability';
import { countReads, type Deps } from '../platform/deps';
import { allShards, inventoryRef, shardsOf } from './paths';
import { runInTransaction } from '../platform/transaction';
import { stockEventsOf, writeOutbox } from '../platform/outbox';

/**
 * Folds the shards of `sku` into its availability document; returns whether it wrote it. `rewrite`
 * rewrites the derived figures even when the shard sums have not moved (reconciliation's repair).
 */
export async function refreshAvailability(deps: Deps, sku: string, rewrite = false): Promise<boolean> {
  const snap = await shardsOf(deps.db, sku).get();
  countReads(deps, Math.max(1, snap.size));
  if (snap.empty && !rewrite) return false;
  const sums = new Map<string, { onHand: number; reserved: number }>();
  for (const d of snap.docs) {
    const s = ShardDoc.parse(d.data());
    const sum = sums.get(s.locationId) ?? { onHand: 0, reserved: 0 };
    sum.onHand += s.onHand;
    sum.reserved += s.reserved;
    sums.set(s.locationId, sum);
  }
  return runInTransaction(deps, `refresh the availability of ${sku}`, async (tx) => {
    const cur = await tx.get(inventoryRef(deps.db, sku));
    if (!cur.exists) return false;
    const doc = InventoryDoc.parse(cur.data());
    if (doc.aggregatedAt && doc.aggregatedAt.toMillis() >= snap.readTime.toMillis()) return false;
    const locations = { ...doc.locations };
    let changed = false;
    for (const locationId of Object.keys(doc.shards)) {
      // Sharding creates a location's shards and writes its figures in one commit: a snapshot
      // without them predates it, and the figures here are the newer ones.
      const sum = sums.get(locationId);
      if (!sum) continue;
      const loc = locations[locationId]!;
      if (loc.onHand !== sum.onHand || loc.reserved !== sum.reserved) changed = true;
      locations[locationId] = { ...loc, ...sum, available: sum.onHand - sum.reserved };
    }
    if (!changed && !rewrite) return false;
    const now = deps.clock.now();
    const after = withTotals({ ...doc, locations }, now);
    tx.set(inventoryRef(deps.db, sku), {
      ...after,
      aggregatedAt: Timestamp.fromMillis(snap.readTime.toMillis()),
    });
    // Sharded locations' stock events: the hot path writes shards only, so they are told here, once
    // per refresh (a flash sale's many holds become one event per refresh, not one per cart).
    writeOutbox(
      tx,
      deps.db,
      now,
      stockEventsOf(doc.locations, after, () => [], `refresh-${sku}`),
    );
    return true;
  });
}

/**
 * Refreshes every sharded SKU. The scheduled sweep runs it each minute, so an availability document
 * is never more than about a minute behind its shards even when the instance that served a
 * reservation was frozen before its own refresh ran.
 */
export async function refreshAllSharded(deps: Deps): Promise<number> {
  const shards = await allShards(deps.db).select('sku').get();
  countReads(deps, Math.max(1, shards.size));
  const skus = new Set(
    shards.docs
      .filter((d) => d.ref.parent.parent?.parent.id === 'inventory')
      .map((d) => String(d.get('sku'))),
  );
  let changed = 0;
  for (const sku of skus) if (await refreshAvailability(deps, sku)) changed++;
  return changed;
}

/**
 * Coalesces refresh requests per SKU: at most one refresh runs per SKU in this process, and any
 * number of requests that arrive meanwhile become a single follow-up. A flash sale thus writes the
 * availability document about as often as one refresh takes, not once per reservation.
 */
export class AvailabilityRefresher {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(
    private readonly deps: Deps,
    private readonly onError: (sku: string, err: unknown) => void = (sku, err) =>
      console.error(`refreshing inventory/${sku} failed`, err),
  ) {}

  request(sku: string): void {
    if (this.running.has(sku)) {
      this.again.add(sku);
      return;
    }
    const run = (async () => {
      do {
        this.again.delete(sku);
        try {
          await refreshAvailability(this.deps, sku);
        } catch (err) {
          this.onError(sku, err);
        }
      } while (this.again.has(sku));
      this.running.delete(sku);
    })();
    this.running.set(sku, run);
  }

  /** Resolves once no refresh is running or pending. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }
}
