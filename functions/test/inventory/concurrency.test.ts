/**
 * Contention: a flash sale on one SKU (single document and sharded), and carts over overlapping
 * SKUs across locations. Through the callable handlers, as the deployed functions run them.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import type { CallRequest } from '../../src/platform/callable';
import { inventoryCallables } from '../../src/inventory/callables';
import type { Deps } from '../../src/inventory/deps';
import { AvailabilityRefresher } from '../../src/inventory/refresh';
import { assertInvariants } from './support/invariants';
import { FakeClock, instance, key, seedStore } from './support/store';

const as = (uid: string, data: unknown): CallRequest => ({
  data,
  auth: { uid, token: { uid } as never, rawToken: 'test' },
});

async function settle<T>(calls: Promise<T>[]) {
  const results = await Promise.allSettled(calls);
  const codes = new Map<string, number>();
  for (const r of results) {
    const code = r.status === 'fulfilled' ? 'ok' : String((r.reason as { code?: string }).code ?? r.reason);
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  return { results, codes: Object.fromEntries(codes) };
}

describe('inventory under contention', () => {
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

  for (const shards of [0, 16]) {
    test(`1,000 buyers on 4 instances for 200 units, ${shards ? `${shards} shards` : 'one document'}: exactly 200 sold`, async () => {
      await seedStore(deps, [
        { sku: 'chair-flash', stock: { 'wh-north': 200 }, shards: shards ? { 'wh-north': shards } : {} },
      ]);
      // Four function instances serve the buyers: they only share Firestore.
      const others = [1, 2, 3].map(() => instance(fs.host, fs.projectId, deps.clock));
      const apis = [deps, ...others.map((o) => o.deps)].map((d) => inventoryCallables(() => d));
      const { results, codes } = await settle(
        Array.from({ length: 1000 }, (_, i) =>
          apis[i % apis.length]!.reserveStock(
            as(`buyer-${i}`, { idempotencyKey: key(), lines: [{ sku: 'chair-flash', qty: 1 }] }),
          ),
        ),
      );
      await Promise.all(others.map((o) => o.close()));
      assert.deepEqual(codes, { ok: 200, 'resource-exhausted': 800 });
      for (const r of results)
        if (r.status === 'rejected')
          assert.deepEqual((r.reason as { details: unknown }).details, {
            sku: 'chair-flash',
            requested: 1,
            available: 0,
          });
      await refresher.idle();
      const inv = (await fs.adminDb.doc('inventory/chair-flash').get()).data()!;
      assert.deepEqual([inv.onHand, inv.reserved, inv.available, inv.status], [200, 200, 0, 'out']);
      await assertInvariants(fs.adminDb, { aggregates: true });
    });
  }

  test('carts over overlapping SKUs across locations: all or nothing, no deadlock', async () => {
    const skus = ['bed', 'desk', 'rug', 'vase', 'mirror'];
    await seedStore(
      deps,
      skus.map((sku, i) => ({
        sku,
        stock: { 'wh-north': 6, 'wh-south': 6, 'store-bath': 3 },
        shards: i === 0 ? { 'wh-north': 4 } : undefined,
      })),
    );
    const others = [1, 2].map(() => instance(fs.host, fs.projectId, deps.clock));
    const apis = [deps, ...others.map((o) => o.deps)].map((d) => inventoryCallables(() => d));
    // Every cart takes 2 units of three SKUs in rotating order; 15 units per SKU, 60 carts.
    const carts = Array.from({ length: 60 }, (_, i) => ({
      uid: `shopper-${i}`,
      lines: [0, 1, 2].map((j) => ({ sku: skus[(i + j) % skus.length]!, qty: 2 })).reverse(),
      allowSplit: i % 2 === 0,
      region: i % 3 === 0 ? 'north' : 'south',
    }));
    const { results, codes } = await settle(
      carts.map((c, i) =>
        apis[i % apis.length]!.reserveStock(
          as(c.uid, { idempotencyKey: key(), lines: c.lines, allowSplit: c.allowSplit, region: c.region }),
        ),
      ),
    );
    assert.deepEqual(
      Object.keys(codes).sort(),
      ['ok', 'resource-exhausted'].filter((c) => c in codes),
    );
    assert.ok(codes.ok! > 0, 'some carts succeed');
    await Promise.all(others.map((o) => o.close()));
    // All or nothing: a cart that failed holds nothing; every cart that succeeded holds every line in full.
    const held = await fs.adminDb.collection('reservations').get();
    assert.equal(held.size, codes.ok);
    for (const r of results) {
      if (r.status !== 'fulfilled') continue;
      for (const line of r.value.lines)
        assert.equal(
          line.allocations.reduce((s, a) => s + a.qty, 0),
          line.qty,
        );
    }
    await refresher.idle();
    await assertInvariants(fs.adminDb, { aggregates: true });
    // No cart was refused while it could be served: stock only went down, so a refused cart must
    // still have a line that the final stock cannot cover under its split policy.
    const stock = new Map<string, number[]>();
    for (const sku of skus) {
      const inv = (await fs.adminDb.doc(`inventory/${sku}`).get()).data()!;
      stock.set(
        sku,
        Object.values<{ available: number }>(inv.locations).map((l) => l.available),
      );
    }
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      const cart = carts[i]!;
      const short = cart.lines.some((line) => {
        const here = stock.get(line.sku)!;
        const servable = cart.allowSplit ? here.reduce((a, b) => a + b, 0) : Math.max(...here);
        return servable < line.qty;
      });
      assert.ok(short, `${cart.uid} was refused but could be served`);
    });
  });
});
