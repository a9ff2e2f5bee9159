/**
 * Firestore's 500 writes per commit against the reservation batch: carts queue by an estimate of
 * their writes (3 + a line each), but an owed line writes a ledger entry and a queue entry, and a
 * customer under a cap writes an allowance. Whatever the cart's shape, a batch must stop short of the
 * limit and send the rest round again, so that every cart is held and none is refused by the commit.
 * Each shape fills more than one commit.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { inventoryCallables } from '../../src/inventory/callables';
import type { Deps } from '../../src/inventory/deps';
import { reserveStock } from '../../src/inventory/reserve';
import { as, user } from './support/calls';
import { assertInvariants } from './support/invariants';
import { FakeClock, key, seedStore } from './support/store';

const staff = user('kim', { staff: true });

describe('the reservation batch under the commit limit', () => {
  let fs: TestFirestore;
  let deps: Deps;
  let api: ReturnType<typeof inventoryCallables>;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    deps = { db: fs.adminDb, clock: new FakeClock() };
    api = inventoryCallables(() => deps);
  });

  for (const shape of [
    { lines: 3, carts: 90, capped: false },
    { lines: 5, carts: 70, capped: false },
    { lines: 7, carts: 60, capped: false },
    { lines: 2, carts: 110, capped: true },
  ])
    test(`${shape.carts} carts of ${shape.lines} owed lines${shape.capped ? ', every customer under a cap' : ''}: all held`, async () => {
      const skus = Array.from({ length: shape.lines }, (_, i) => `sku-${i}`);
      await seedStore(
        deps,
        skus.map((sku) => ({ sku, stock: {} })),
      );
      for (const sku of skus)
        await api.setStockPolicy(
          as(staff, {
            idempotencyKey: key(),
            sku,
            backorder: { limit: 1_000, locationId: 'wh-north', leadTimeDays: 30 },
          }),
        );
      if (shape.capped)
        for (const sku of skus)
          await api.setPurchaseLimit(
            as(staff, { idempotencyKey: key(), sku, limit: { units: 5, periodHours: 24 } }),
          );
      const results = await Promise.allSettled(
        Array.from({ length: shape.carts }, (_, i) =>
          reserveStock(
            deps,
            { uid: `c${i}` },
            {
              idempotencyKey: key(),
              lines: skus.map((sku) => ({ sku, qty: 1 })),
              allowSplit: false,
              allowBackorder: true,
            },
          ),
        ),
      );
      assert.deepEqual(
        results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : [])),
        [],
        'every cart is held',
      );
      for (const sku of skus)
        assert.equal((await fs.adminDb.doc(`inventory/${sku}`).get()).get('backordered'), shape.carts);
      // Holds of one commit share its time and number its carts from 0: more than one commit ran.
      const queue = await fs.adminDb.collection('backorders').where('sku', '==', 'sku-0').get();
      const firsts = queue.docs.filter((d) => (d.get('seq') as number) % 1000 === 0).length;
      assert.ok(firsts >= 2, `${firsts} commits`);
      await assertInvariants(fs.adminDb);
    });
});
