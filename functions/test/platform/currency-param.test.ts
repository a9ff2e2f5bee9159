/** STORE_CURRENCY: what an order records, and a price in another currency refused at checkout. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { checkout } from '../../src/inventory/checkout';
import type { Deps } from '../../src/inventory/deps';
import { variantRef } from '../../src/inventory/paths';
import { reserveStock } from '../../src/inventory/reserve';
import { defaultSettings } from '../../src/platform/settings';
import { assertInvariants } from '../inventory/support/invariants';
import { FakeClock, key, seedStore } from '../inventory/support/store';

const alice = { uid: 'alice', staff: false };

describe('the store currency', () => {
  let fs: TestFirestore;
  let deps: Deps;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    deps = { db: fs.adminDb, clock: new FakeClock() };
    await seedStore(deps, [{ sku: 'rug-wool', stock: { 'wh-north': 4 } }]);
  });

  const hold = () =>
    reserveStock(deps, alice, {
      idempotencyKey: key(),
      lines: [{ sku: 'rug-wool', qty: 1 }],
      region: 'north',
      allowSplit: false,
    });

  test('an order records the currency of the store its prices are in', async () => {
    await variantRef(fs.adminDb, 'p-rug-wool', 'rug-wool').update({ currency: 'EUR' });
    const euroStore = { ...deps, settings: { ...defaultSettings, currency: 'EUR' } };
    const held = await hold();
    const order = await checkout(euroStore, alice, {
      idempotencyKey: key(),
      reservationId: held.reservationId,
    });
    assert.equal(order.currency, 'EUR');
    const stored = (await fs.adminDb.doc(`orders/${order.orderId}`).get()).data()!;
    assert.equal(stored.currency, 'EUR');
    await assertInvariants(fs.adminDb);
  });

  test('a price in another currency is refused at checkout, naming both, and nothing changes', async () => {
    await variantRef(fs.adminDb, 'p-rug-wool', 'rug-wool').update({ currency: 'USD' });
    const held = await hold();
    const before = (await fs.adminDb.doc('inventory/rug-wool').get()).data()!;
    await assert.rejects(
      checkout(deps, alice, { idempotencyKey: key(), reservationId: held.reservationId }),
      (err: Error & { code?: string; details?: { reason?: string } }) =>
        err.code === 'failed-precondition' &&
        err.details?.reason === 'price_currency' &&
        /priced in USD but this store sells in GBP/.test(err.message),
    );
    assert.equal((await fs.adminDb.collection('orders').get()).size, 0);
    const reservation = (await fs.adminDb.doc(`reservations/${held.reservationId}`).get()).data()!;
    assert.equal(reservation.status, 'held');
    assert.deepEqual((await fs.adminDb.doc('inventory/rug-wool').get()).data(), before);
    await assertInvariants(fs.adminDb);
  });
});
