/** The same idempotency key, sent many times at once and later: one effect, the first answer every time. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { type CallRequest, inventoryCallables } from '../../src/inventory/callables';
import type { Deps } from '../../src/inventory/deps';
import { assertInvariants } from './support/invariants';
import { FakeClock, key, seedStore } from './support/store';

const as = (uid: string, data: unknown, token: Record<string, unknown> = {}): CallRequest => ({
  data,
  auth: { uid, token: { uid, ...token } as never, rawToken: 'test' },
});

describe('idempotency keys', () => {
  let fs: TestFirestore;
  let deps: Deps;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    deps = { db: fs.adminDb, clock: new FakeClock() };
  });

  for (const shards of [0, 4]) {
    test(`reserveStock 20 times at once with one key (${shards ? 'sharded' : 'one document'}): one hold, 20 identical answers`, async () => {
      await seedStore(deps, [
        { sku: 'table', stock: { 'wh-north': 10 }, shards: shards ? { 'wh-north': shards } : {} },
      ]);
      const api = inventoryCallables(() => deps);
      const data = { idempotencyKey: key('same'), lines: [{ sku: 'table', qty: 3 }] };
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => api.reserveStock(as('carol', data))),
      );
      for (const a of answers) assert.deepEqual(a, answers[0]);
      assert.equal((await fs.adminDb.collection('reservations').get()).size, 1);
      const reserved = (
        await fs.adminDb.collection('ledger').where('kind', '==', 'reserve').get()
      ).docs.reduce((sum, d) => sum + d.data().qty, 0);
      assert.equal(reserved, 3);
      // Later retries get the first answer too, even once the stock it held is gone.
      await api.reserveStock(as('dave', { idempotencyKey: key(), lines: [{ sku: 'table', qty: 7 }] }));
      assert.deepEqual(await api.reserveStock(as('carol', data)), answers[0]);
      await assertInvariants(fs.adminDb);
    });
  }

  test('checkout, release and staff calls: 20 at once, one effect each', async () => {
    await seedStore(deps, [{ sku: 'shelf', stock: { 'wh-south': 10 } }]);
    const api = inventoryCallables(() => deps);
    const staff = (data: unknown) => as('sam', data, { staff: true });
    const held = await api.reserveStock(
      as('erin', { idempotencyKey: key(), lines: [{ sku: 'shelf', qty: 2 }] }),
    );
    const checkoutData = { idempotencyKey: key('co'), reservationId: held.reservationId };
    const orders = await Promise.all(
      Array.from({ length: 20 }, () => api.checkout(as('erin', checkoutData))),
    );
    for (const o of orders) assert.deepEqual(o, orders[0]);
    const restockData = { idempotencyKey: key('rs'), sku: 'shelf', locationId: 'wh-south', qty: 5 };
    const restocks = await Promise.all(Array.from({ length: 20 }, () => api.restock(staff(restockData))));
    for (const r of restocks) assert.deepEqual(r, restocks[0]);
    const transferData = {
      idempotencyKey: key('tr'),
      sku: 'shelf',
      fromLocationId: 'wh-south',
      toLocationId: 'store-bath',
      qty: 4,
    };
    const transfers = await Promise.all(
      Array.from({ length: 20 }, () => api.transferStock(staff(transferData))),
    );
    for (const t of transfers) assert.deepEqual(t, transfers[0]);
    const inv = (await fs.adminDb.doc('inventory/shelf').get()).data()!;
    assert.deepEqual([inv.onHand, inv.inTransit], [10 - 2 + 5 - 4, 4]);
    await assertInvariants(fs.adminDb);
  });

  test('a key reused for a different request is refused, naming the field', async () => {
    await seedStore(deps, [{ sku: 'stool', stock: { 'wh-north': 5 } }]);
    const api = inventoryCallables(() => deps);
    const idempotencyKey = key('reuse');
    await api.reserveStock(as('fred', { idempotencyKey, lines: [{ sku: 'stool', qty: 1 }] }));
    await assert.rejects(
      api.reserveStock(as('fred', { idempotencyKey, lines: [{ sku: 'stool', qty: 2 }] })),
      (err: { code: string; details: { field: string } }) =>
        err.code === 'invalid-argument' && err.details.field === 'idempotencyKey',
    );
    // The same key from another customer is another call.
    await api.reserveStock(as('gina', { idempotencyKey, lines: [{ sku: 'stool', qty: 2 }] }));
    assert.equal((await fs.adminDb.collection('reservations').get()).size, 2);
    await assertInvariants(fs.adminDb);
  });
});
