/** The store records purchases and returns as the customer's events, once each, for the recommender. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { checkout } from '../../src/inventory/checkout';
import type { Deps } from '../../src/inventory/deps';
import { reserveStock } from '../../src/inventory/reserve';
import { recordReturn } from '../../src/inventory/stock-changes';
import { assertInvariants } from './support/invariants';
import { FakeClock, key, SEED_STAFF, seedStore } from './support/store';

const alice = { uid: 'alice', staff: false };

describe('purchase and return events', () => {
  let fs: TestFirestore;
  let deps: Deps;
  before(async () => {
    fs = await useEmulator();
    deps = { db: fs.adminDb, clock: new FakeClock() };
    await seedStore(deps, [
      { sku: 'sofa-oak', stock: { 'wh-north': 3 } },
      { sku: 'lamp-brass', stock: { 'wh-south': 10 } },
    ]);
  });
  after(() => fs.stop());

  const events = async () =>
    (await fs.adminDb.collection('customers/alice/events').orderBy('at').get()).docs.map((d) => {
      const { kind, productId, sku, quantity } = d.data();
      return { kind, productId, sku, quantity };
    });

  test('checkout writes one purchase event per line, and its retry writes none more', async () => {
    const held = await reserveStock(deps, alice, {
      idempotencyKey: key(),
      lines: [
        { sku: 'sofa-oak', qty: 1 },
        { sku: 'lamp-brass', qty: 2 },
      ],
      region: 'north',
      allowSplit: true,
    });
    const request = { idempotencyKey: key(), reservationId: held.reservationId };
    const answers = await Promise.all([checkout(deps, alice, request), checkout(deps, alice, request)]);
    assert.deepEqual(answers[0], answers[1]);
    assert.deepEqual(await events(), [
      { kind: 'purchase', productId: 'p-sofa-oak', sku: 'sofa-oak', quantity: 1 },
      { kind: 'purchase', productId: 'p-lamp-brass', sku: 'lamp-brass', quantity: 2 },
    ]);

    const returned = { idempotencyKey: key(), orderId: answers[0].orderId, sku: 'lamp-brass', qty: 1 };
    await recordReturn(deps, SEED_STAFF, { ...returned, locationId: 'wh-south', condition: 'resellable' });
    await recordReturn(deps, SEED_STAFF, { ...returned, locationId: 'wh-south', condition: 'resellable' });
    const after = await events();
    assert.equal(after.length, 3);
    assert.deepEqual(after[2], { kind: 'return', productId: 'p-lamp-brass', sku: 'lamp-brass', quantity: 1 });
    await assertInvariants(fs.adminDb);
  });
});
