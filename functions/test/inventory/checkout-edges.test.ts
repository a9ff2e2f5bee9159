/**
 * Checkout's refusals and records that the flow tests do not look at: a SKU without a price, a
 * staff member checking out a customer's hold, and what the order, the ledger and the idempotency
 * record say of the sale.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { checkout } from '../../src/inventory/checkout';
import type { Deps } from '../../src/inventory/deps';
import { variantRef } from '../../src/inventory/paths';
import { reserveStock } from '../../src/inventory/reserve';
import { refusal } from './support/calls';
import { assertInvariants } from './support/invariants';
import { FakeClock, key, seedStore } from './support/store';

const alice = { uid: 'alice', staff: false };

describe('checkout edges', () => {
  let fs: TestFirestore;
  let deps: Deps;
  let clock: FakeClock;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    clock = new FakeClock();
    deps = { db: fs.adminDb, clock };
    await seedStore(deps, [
      { sku: 'vase', stock: { 'wh-north': 4 } },
      { sku: 'bowl', stock: { 'wh-north': 4 } },
    ]);
  });

  const hold = async () =>
    (
      await reserveStock(deps, alice, {
        idempotencyKey: key(),
        lines: [
          { sku: 'vase', qty: 1 },
          { sku: 'bowl', qty: 2 },
        ],
        region: 'north',
        allowSplit: false,
      })
    ).reservationId;
  const data = async (path: string) => (await fs.adminDb.doc(path).get()).data()!;

  test('a SKU whose price is gone is refused price_missing, and the hold stays as it was', async () => {
    const id = await hold();
    await variantRef(fs.adminDb, 'p-bowl', 'bowl').delete();
    const before = { res: await data(`reservations/${id}`), bowl: await data('inventory/bowl') };
    const err = await refusal(checkout(deps, alice, { idempotencyKey: key(), reservationId: id }));
    assert.equal(err.code, 'failed-precondition');
    assert.equal(err.details?.reason, 'price_missing');
    assert.equal(err.message, 'bowl has no price; it cannot be sold yet');
    assert.deepEqual(await data(`reservations/${id}`), before.res);
    assert.deepEqual(await data('inventory/bowl'), before.bowl);
    assert.equal((await fs.adminDb.doc(`orders/${id}`).get()).exists, false);
    await assertInvariants(fs.adminDb);
  });

  test("staff cannot check out a customer's hold in their own name", async () => {
    const id = await hold();
    const err = await refusal(
      checkout(deps, { uid: 'sam', staff: true }, { idempotencyKey: key(), reservationId: id }),
    );
    assert.equal(err.code, 'permission-denied');
    assert.equal((await data(`reservations/${id}`)).status, 'held');
    assert.equal((await fs.adminDb.doc(`orders/${id}`).get()).exists, false);
  });

  test('the order, its ledger entries and its idempotency record say what was sold, when, and why', async () => {
    const id = await hold();
    clock.advance(5_000);
    const idempotencyKey = key();
    await checkout(deps, alice, { idempotencyKey, reservationId: id });
    const order = await data(`orders/${id}`);
    assert.deepEqual(
      order.statusHistory.map((s: { status: string; at: FirebaseFirestore.Timestamp }) => [
        s.status,
        s.at.toMillis(),
      ]),
      [['placed', clock.now().getTime()]],
    );
    const sales = await fs.adminDb.collection('ledger').where('kind', '==', 'sale').get();
    assert.deepEqual(
      sales.docs.map((d) => [d.get('sku'), d.get('qty'), d.get('reason'), d.get('correlationId')]).sort(),
      [
        ['bowl', 2, `order ${id}`, id],
        ['vase', 1, `order ${id}`, id],
      ],
    );
    const records = await fs.adminDb.collection('idempotency').where('uid', '==', 'alice').get();
    assert.deepEqual(
      records.docs.map((d) => d.get('scope')).sort(),
      ['checkout', 'reserveStock'],
      'the checkout is recorded under its own scope',
    );
    await assertInvariants(fs.adminDb);
  });
});
