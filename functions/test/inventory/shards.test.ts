/** Raising a hot SKU's shard count while a sale goes on: no unit lost or made up. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { Arrivals, within } from '../../../test/support/within';
import type { Deps } from '../../src/inventory/deps';
import { reconcileInventory } from '../../src/inventory/reconcile';
import { AvailabilityRefresher, refreshAvailability } from '../../src/inventory/refresh';
import { releaseReservation } from '../../src/inventory/release';
import { reserveStock } from '../../src/inventory/reserve';
import { setShardCount } from '../../src/inventory/shards';
import { assertInvariants } from './support/invariants';
import { FakeClock, key, SEED_STAFF, seedStore } from './support/store';

async function buyers(deps: Deps, sku: string, n: number) {
  const results = await Promise.allSettled(
    Array.from({ length: n }, (_, i) =>
      reserveStock(
        deps,
        { uid: `b${i}` },
        { idempotencyKey: key(), lines: [{ sku, qty: 1 }], allowSplit: false },
      ),
    ),
  );
  const codes: Record<string, number> = {};
  for (const r of results) {
    const code = r.status === 'fulfilled' ? 'ok' : String((r.reason as { code?: string }).code ?? r.reason);
    codes[code] = (codes[code] ?? 0) + 1;
  }
  return codes;
}

describe('raising shard counts live', () => {
  let fs: TestFirestore;
  let deps: Deps;
  let refresher: AvailabilityRefresher;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    const base = { db: fs.adminDb, clock: new FakeClock() };
    refresher = new AvailabilityRefresher(base);
    deps = { ...base, refresher };
  });

  test('a hold taken from several shards shows the customer each location once', async () => {
    await seedStore(deps, [
      { sku: 'stool', stock: { 'wh-north': 20, 'wh-south': 5 }, shards: { 'wh-north': 4, 'wh-south': 2 } },
    ]);
    const held = await reserveStock(
      deps,
      { uid: 'ola' },
      { idempotencyKey: key(), lines: [{ sku: 'stool', qty: 22 }], region: 'north', allowSplit: true },
    );
    assert.deepEqual(held.lines[0]!.allocations, [
      { locationId: 'wh-north', qty: 20 },
      { locationId: 'wh-south', qty: 2 },
    ]);
    const stored = (await fs.adminDb.doc(`reservations/${held.reservationId}`).get()).data()!;
    assert.equal(stored.lines[0].allocations.length, 5, 'the hold itself records each shard');
    await refresher.idle();
    await assertInvariants(fs.adminDb, { aggregates: true });
  });

  test('4 -> 16 shards in the middle of a sale', async () => {
    await seedStore(deps, [{ sku: 'pendant', stock: { 'wh-north': 300 }, shards: { 'wh-north': 4 } }]);
    const sale = Promise.all([
      buyers(deps, 'pendant', 400),
      setShardCount(deps, SEED_STAFF, {
        idempotencyKey: key(),
        sku: 'pendant',
        locationId: 'wh-north',
        count: 16,
      }),
    ]);
    // Reconciling mid-sale, over and over: each run reads one consistent snapshot, in which counters
    // never drift; the aggregate lags the shards by design, and each run refolds it, leaving nothing
    // for a person.
    let selling = true;
    void sale.finally(() => (selling = false));
    const reports = [];
    do reports.push(await reconcileInventory(deps));
    while (selling);
    const [codes] = await sale;
    assert.deepEqual(codes, { ok: 300, 'resource-exhausted': 100 });
    for (const report of reports)
      assert.deepEqual(
        report.drift.filter((d) => !(d.field.startsWith('availability') && d.repaired)),
        [],
      );
    assert.equal((await fs.adminDb.collection('inventory/pendant/shards').get()).size, 16);
    await refresher.idle();
    await assertInvariants(fs.adminDb, { aggregates: true });
  });

  test('another location of a hot SKU becomes sharded under load: no buyer sees an error', async () => {
    // Hot at wh-north (nearly empty), so buyers plan on reads outside their transactions and get
    // their units from store-bath, which is sharded while they queue.
    await seedStore(deps, [
      { sku: 'cup', stock: { 'wh-north': 1, 'store-bath': 200 }, shards: { 'wh-north': 2 } },
    ]);
    const calls = Array.from({ length: 150 }, (_, i) =>
      reserveStock(
        deps,
        { uid: `b${i}` },
        { idempotencyKey: key(), lines: [{ sku: 'cup', qty: 1 }], allowSplit: false },
      ),
    );
    // Once the first buyer is served, the others are queued on what they read before.
    await Promise.race(calls);
    await setShardCount(deps, SEED_STAFF, {
      idempotencyKey: key(),
      sku: 'cup',
      locationId: 'store-bath',
      count: 4,
    });
    const failures = (await Promise.allSettled(calls)).filter((r) => r.status === 'rejected');
    assert.deepEqual(failures, []);
    await refresher.idle();
    await assertInvariants(fs.adminDb, { aggregates: true });
  });

  test("sharding a location of a hot SKU mid-sale: listeners never see that location's units vanish", async () => {
    await seedStore(deps, [
      { sku: 'pendant', stock: { 'wh-north': 300, 'store-bath': 50 }, shards: { 'wh-north': 8 } },
    ]);
    // Buyers are served from wh-north (higher priority): store-bath's 50 units never move.
    const seen = new Arrivals<{ version: number; bath: number }>();
    const unsubscribe = fs.adminDb.doc('inventory/pendant').onSnapshot((snap) => {
      const doc = snap.data()!;
      seen.push({ version: doc.version, bath: doc.locations['store-bath'].onHand });
    });
    const calls = Array.from({ length: 200 }, (_, i) =>
      reserveStock(
        deps,
        { uid: `b${i}` },
        { idempotencyKey: key(), lines: [{ sku: 'pendant', qty: 1 }], allowSplit: false },
      ),
    );
    // Shard once the sale has been folded into the document at least once, while refreshes run,
    // some of them from shard snapshots taken before the sharding.
    await within(Promise.race(calls), 'the first hold');
    await refresher.idle();
    const folded = (await fs.adminDb.doc('inventory/pendant').get()).data()!.version;
    await seen.until((s) => s.version >= folded, 'a snapshot with the sale folded in');
    const refreshes = Array.from({ length: 10 }, () => refreshAvailability(deps, 'pendant'));
    await setShardCount(deps, SEED_STAFF, {
      idempotencyKey: key(),
      sku: 'pendant',
      locationId: 'store-bath',
      count: 4,
    });
    await within(Promise.all([...calls, ...refreshes]), 'the sale and the refreshes', 60_000);
    await refresher.idle();
    const final = (await fs.adminDb.doc('inventory/pendant').get()).data()!.version;
    await seen.until((s) => s.version >= final, 'the final snapshot');
    unsubscribe();
    assert.deepEqual(
      seen.seen.filter((s) => s.bath !== 50),
      [],
    );
    await assertInvariants(fs.adminDb, { aggregates: true });
  });

  test('an unsharded location becomes sharded under load, with holds taken before', async () => {
    await seedStore(deps, [{ sku: 'vase', stock: { 'store-bath': 100 } }]);
    const early = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        reserveStock(
          deps,
          { uid: `early${i}` },
          { idempotencyKey: key(), lines: [{ sku: 'vase', qty: 1 }], allowSplit: false },
        ),
      ),
    );
    const [codes] = await Promise.all([
      buyers(deps, 'vase', 150),
      setShardCount(deps, SEED_STAFF, {
        idempotencyKey: key(),
        sku: 'vase',
        locationId: 'store-bath',
        count: 8,
      }),
    ]);
    assert.deepEqual(codes, { ok: 90, 'resource-exhausted': 60 });
    // Holds from before sharding go back where sharding put them.
    await Promise.all(
      early.map((r, i) =>
        releaseReservation(
          deps,
          { uid: `early${i}`, staff: false },
          { idempotencyKey: key(), reservationId: r.reservationId },
        ),
      ),
    );
    await refresher.idle();
    await assertInvariants(fs.adminDb, { aggregates: true });
    const vase = (await fs.adminDb.doc('inventory/vase').get()).data()!;
    assert.deepEqual([vase.onHand, vase.reserved, vase.available], [100, 90, 10]);
  });
});
