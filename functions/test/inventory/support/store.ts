/** A small store to test against: three locations, a few SKUs, stock that arrived through restock. */
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import type { LocationDoc } from '@hearth/contracts';
import { type Clock, type Deps } from '../../../src/inventory/deps';
import { AvailabilityRefresher } from '../../../src/inventory/refresh';
import { setShardCount } from '../../../src/inventory/shards';
import { defineSku, upsertLocation } from '../../../src/inventory/setup';
import { restock } from '../../../src/inventory/stock-changes';
import { variantRef } from '../../../src/inventory/paths';

export class FakeClock implements Clock {
  constructor(private ms = Date.parse('2026-11-21T09:00:00Z')) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const LOCATIONS: LocationDoc[] = [
  {
    id: 'wh-north',
    name: 'Leeds warehouse',
    kind: 'warehouse',
    region: 'north',
    leadTimeDays: 2,
    priority: 1,
    active: true,
  },
  {
    id: 'wh-south',
    name: 'Reading warehouse',
    kind: 'warehouse',
    region: 'south',
    leadTimeDays: 2,
    priority: 1,
    active: true,
  },
  {
    id: 'store-bath',
    name: 'Bath store',
    kind: 'store',
    region: 'south',
    leadTimeDays: 1,
    priority: 2,
    active: true,
  },
  {
    id: 'drop-oak',
    name: 'Oak & Co (dropship)',
    kind: 'dropship',
    region: 'north',
    leadTimeDays: 10,
    priority: 3,
    active: true,
  },
];

export const SEED_STAFF = { uid: 'seed', role: 'admin' as const };
let seq = 0;
export const key = (what = 'k') =>
  `${what}-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Another function instance on the same project: its own Firestore client, so its own shared reads,
 * shard knowledge and local admission. Concurrency tests spread callers over several of them.
 */
export function instance(
  host: string,
  projectId: string,
  clock: Clock,
): { deps: Deps; close(): Promise<void> } {
  const app = initializeApp({ projectId }, `instance-${projectId}-${++seq}`);
  const db = getFirestore(app);
  db.settings({ host, ssl: false });
  const base = { db, clock };
  const refresher = new AvailabilityRefresher(base);
  return {
    deps: { ...base, refresher },
    close: async () => {
      await refresher.idle();
      await deleteApp(app);
    },
  };
}

export interface SkuStock {
  sku: string;
  priceMinor?: number;
  /** Units per location. */
  stock: Record<string, number>;
  /** Shard count per location, for hot SKUs. */
  shards?: Record<string, number>;
}

/** Locations, then each SKU: its variant, its availability document, its stock (by restock), its shards. */
export async function seedStore(deps: Deps, skus: SkuStock[]): Promise<void> {
  for (const location of LOCATIONS) await upsertLocation(deps, location);
  for (const s of skus) {
    const productId = `p-${s.sku}`;
    await variantRef(deps.db, productId, s.sku).set({
      sku: s.sku,
      productId,
      options: { material: 'oak' },
      priceMinor: s.priceMinor ?? 12_500,
      currency: 'GBP',
      madeToOrder: false,
    });
    await defineSku(deps, { sku: s.sku, productId });
    for (const [locationId, qty] of Object.entries(s.stock))
      if (qty > 0)
        await restock(deps, SEED_STAFF, {
          idempotencyKey: key('seed'),
          sku: s.sku,
          locationId,
          qty,
          reason: 'seed',
        });
    for (const [locationId, count] of Object.entries(s.shards ?? {}))
      await setShardCount(deps, SEED_STAFF, { idempotencyKey: key('shards'), sku: s.sku, locationId, count });
  }
}
