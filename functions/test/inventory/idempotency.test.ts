/** The same idempotency key, sent many times at once and later: one effect, the first answer every time. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import type { CallRequest } from '../../src/platform/callable';
import { inventoryCallables } from '../../src/inventory/callables';
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

  test('checkout, restock and transfer: 20 at once, one effect each', async () => {
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

  test('release, adjust, receive, return and shard count: 20 at once, one effect each', async () => {
    await seedStore(deps, [{ sku: 'chest', stock: { 'wh-north': 10 } }]);
    const api = inventoryCallables(() => deps);
    const staff = (data: unknown) => as('sam', data, { staff: true });
    const twenty = async <T>(call: () => Promise<T>) => {
      const answers = await Promise.all(Array.from({ length: 20 }, call));
      for (const a of answers) assert.deepEqual(a, answers[0]);
      return answers[0]!;
    };
    const hold = (qty: number) =>
      api.reserveStock(as('liv', { idempotencyKey: key(), lines: [{ sku: 'chest', qty }] }));
    const released = await hold(2);
    const release = { idempotencyKey: key(), reservationId: released.reservationId };
    await twenty(() => api.releaseReservation(as('liv', release)));
    const adjust = { idempotencyKey: key(), sku: 'chest', locationId: 'wh-north', delta: -1, reason: 'lost' };
    await twenty(() => api.adjustStock(staff(adjust)));
    const shipped = await api.transferStock(
      staff({
        idempotencyKey: key(),
        sku: 'chest',
        fromLocationId: 'wh-north',
        toLocationId: 'wh-south',
        qty: 2,
      }),
    );
    const receive = { idempotencyKey: key(), transferId: shipped.transferId };
    await twenty(() => api.receiveTransfer(staff(receive)));
    const bought = await hold(3);
    await api.checkout(as('liv', { idempotencyKey: key(), reservationId: bought.reservationId }));
    const giveBack = {
      idempotencyKey: key(),
      orderId: bought.reservationId,
      sku: 'chest',
      qty: 1,
      locationId: 'wh-south',
      condition: 'resellable',
    };
    await twenty(() => api.recordReturn(staff(giveBack)));
    const raise = { idempotencyKey: key(), sku: 'chest', locationId: 'wh-south', count: 4 };
    await twenty(() => api.setShardCount(as('ada', raise, { admin: true })));

    const count = async (kind: string) =>
      (await fs.adminDb.collection('ledger').where('kind', '==', kind).get()).size;
    assert.deepEqual(
      await Promise.all(['release', 'adjust', 'transfer_in', 'return'].map(count)),
      [1, 1, 1, 1],
    );
    assert.equal((await fs.adminDb.collection('inventory/chest/shards').get()).size, 4);
    const inv = (await fs.adminDb.doc('inventory/chest').get()).data()!;
    assert.deepEqual([inv.onHand, inv.reserved], [10 - 1 - 3 + 1, 0]);
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

  test('a key is scoped to its callable and its caller; another user never gets my answer', async () => {
    await seedStore(deps, [{ sku: 'bench', stock: { 'wh-north': 5 } }]);
    const api = inventoryCallables(() => deps);
    const idempotencyKey = key('shared');
    const mine = await api.reserveStock(as('hal', { idempotencyKey, lines: [{ sku: 'bench', qty: 1 }] }));
    // The same key on another callable is another call.
    const order = await api.checkout(as('hal', { idempotencyKey, reservationId: mine.reservationId }));
    assert.equal(order.orderId, mine.reservationId);
    // The same key and request from another user: a hold of their own, not a replay of mine.
    const theirs = await api.reserveStock(as('ida', { idempotencyKey, lines: [{ sku: 'bench', qty: 1 }] }));
    assert.notEqual(theirs.reservationId, mine.reservationId);
    const held = (await fs.adminDb.doc(`reservations/${theirs.reservationId}`).get()).data()!;
    assert.equal(held.customerId, 'ida');
    // Nor can they use my reservation id under their key.
    await assert.rejects(api.checkout(as('ida', { idempotencyKey, reservationId: mine.reservationId })), {
      code: 'permission-denied',
    });
    await assertInvariants(fs.adminDb);
  });

  test('concurrent first calls with one key and different requests: one effect, the rest replay or are refused', async () => {
    await seedStore(deps, [{ sku: 'lamp', stock: { 'wh-north': 10 } }]);
    const api = inventoryCallables(() => deps);
    const idempotencyKey = key('race');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        api.reserveStock(as('jo', { idempotencyKey, lines: [{ sku: 'lamp', qty: 1 + (i % 2) }] })),
      ),
    );
    const won = results.find((r) => r.status === 'fulfilled')!;
    assert.ok(won);
    const qty = (won as PromiseFulfilledResult<{ lines: { qty: number }[] }>).value.lines[0]!.qty;
    results.forEach((r, i) => {
      if (1 + (i % 2) === qty) assert.deepEqual(r, won, 'the same request gets the first answer');
      else
        assert.equal(
          r.status === 'rejected' && (r.reason as { details: { field: string } }).details.field,
          'idempotencyKey',
        );
    });
    assert.equal((await fs.adminDb.collection('reservations').get()).size, 1);
    await assertInvariants(fs.adminDb);
  });

  test('a refused call stores nothing: its retry runs again, then replays its own answer', async () => {
    await seedStore(deps, [{ sku: 'rug', stock: { 'wh-north': 1 } }]);
    const api = inventoryCallables(() => deps);
    const data = { idempotencyKey: key('retry'), lines: [{ sku: 'rug', qty: 2 }] };
    await assert.rejects(api.reserveStock(as('kai', data)), { code: 'resource-exhausted' });
    await api.restock(
      as('sam', { idempotencyKey: key(), sku: 'rug', locationId: 'wh-north', qty: 1 }, { staff: true }),
    );
    const held = await api.reserveStock(as('kai', data));
    assert.deepEqual(await api.reserveStock(as('kai', data)), held);
    assert.equal((await fs.adminDb.collection('reservations').get()).size, 1);
    await assertInvariants(fs.adminDb);
  });
});
