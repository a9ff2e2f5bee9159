/** The everyday flows, end to end through the domain functions, with the invariants after each. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { checkout } from '../../src/inventory/checkout';
import type { Deps } from '../../src/inventory/deps';
import { reconcileInventory } from '../../src/inventory/reconcile';
import { expireReservations, releaseReservation } from '../../src/inventory/release';
import { reserveStock } from '../../src/inventory/reserve';
import { defaultSettings } from '../../src/platform/settings';
import { adjustStock, recordReturn } from '../../src/inventory/stock-changes';
import { receiveTransfer, transferStock } from '../../src/inventory/transfer';
import { assertInvariants } from './support/invariants';
import { FakeClock, key, SEED_STAFF, seedStore } from './support/store';

const alice = { uid: 'alice', staff: false };

describe('inventory flows', () => {
  let fs: TestFirestore;
  let clock: FakeClock;
  let deps: Deps;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    clock = new FakeClock();
    deps = { db: fs.adminDb, clock };
    await seedStore(deps, [
      { sku: 'sofa-oak', stock: { 'wh-north': 3, 'wh-south': 2, 'store-bath': 1 } },
      { sku: 'lamp-brass', stock: { 'wh-south': 10 } },
    ]);
  });

  test('reserve allocates by priority then region, checkout sells exactly what was held', async () => {
    const held = await reserveStock(deps, alice, {
      idempotencyKey: key(),
      lines: [
        { sku: 'sofa-oak', qty: 2 },
        { sku: 'lamp-brass', qty: 1 },
      ],
      region: 'south',
      allowSplit: false,
    });
    assert.deepEqual(held.lines[0]!.allocations, [{ locationId: 'wh-south', qty: 2 }]);
    assert.equal(held.expiresAt, new Date(clock.now().getTime() + defaultSettings.holdMs).toISOString());
    const inv = (await fs.adminDb.doc('inventory/sofa-oak').get()).data()!;
    assert.equal(inv.available, 4);
    assert.equal(inv.locations['wh-south'].reserved, 2);
    await assertInvariants(fs.adminDb);

    const order = await checkout(deps, alice, { idempotencyKey: key(), reservationId: held.reservationId });
    assert.equal(order.totalMinor, 3 * 12_500);
    const after = (await fs.adminDb.doc('inventory/sofa-oak').get()).data()!;
    assert.deepEqual([after.onHand, after.reserved, after.available], [4, 0, 4]);
    await assertInvariants(fs.adminDb);

    await recordReturn(deps, SEED_STAFF, {
      idempotencyKey: key(),
      orderId: order.orderId,
      sku: 'sofa-oak',
      qty: 1,
      locationId: 'store-bath',
      condition: 'resellable',
    });
    await recordReturn(deps, SEED_STAFF, {
      idempotencyKey: key(),
      orderId: order.orderId,
      sku: 'sofa-oak',
      qty: 1,
      locationId: 'wh-north',
      condition: 'damaged',
    });
    const returned = (await fs.adminDb.doc('inventory/sofa-oak').get()).data()!;
    assert.equal(returned.locations['store-bath'].onHand, 2);
    assert.equal(returned.locations['wh-north'].damaged, 1);
    assert.equal(returned.available, 5);
    await assert.rejects(
      recordReturn(deps, SEED_STAFF, {
        idempotencyKey: key(),
        orderId: order.orderId,
        sku: 'sofa-oak',
        qty: 1,
        locationId: 'wh-north',
        condition: 'resellable',
      }),
      { code: 'failed-precondition' },
    );
    await assertInvariants(fs.adminDb);
  });

  test('a line no single location covers is split only when the customer allows it', async () => {
    const lines = [{ sku: 'sofa-oak', qty: 5 }];
    await assert.rejects(reserveStock(deps, alice, { idempotencyKey: key(), lines, allowSplit: false }), {
      code: 'resource-exhausted',
      details: { sku: 'sofa-oak', requested: 5, available: 3, availableIfSplit: 6 },
    });
    const held = await reserveStock(deps, alice, {
      idempotencyKey: key(),
      lines,
      region: 'north',
      allowSplit: true,
    });
    assert.deepEqual(held.lines[0]!.allocations, [
      { locationId: 'wh-north', qty: 3 },
      { locationId: 'wh-south', qty: 2 },
    ]);
    await assertInvariants(fs.adminDb);
  });

  test('release and expiry return held stock; an expired hold cannot be checked out', async () => {
    const a = await reserveStock(deps, alice, {
      idempotencyKey: key(),
      lines: [{ sku: 'lamp-brass', qty: 4 }],
      allowSplit: false,
    });
    const b = await reserveStock(deps, alice, {
      idempotencyKey: key(),
      lines: [{ sku: 'lamp-brass', qty: 5 }],
      allowSplit: false,
    });
    await releaseReservation(deps, alice, { idempotencyKey: key(), reservationId: a.reservationId });
    await assert.rejects(
      releaseReservation(deps, alice, { idempotencyKey: key(), reservationId: a.reservationId }),
      {
        code: 'failed-precondition',
      },
    );
    clock.advance(defaultSettings.holdMs + 1);
    await assert.rejects(checkout(deps, alice, { idempotencyKey: key(), reservationId: b.reservationId }), {
      code: 'failed-precondition',
      details: { reason: 'reservation_expired' },
    });
    // Two sweeps at once, late: each reservation is expired exactly once.
    const [x, y] = await Promise.all([expireReservations(deps), expireReservations(deps)]);
    assert.equal(x.expired + y.expired, 1);
    const lamp = (await fs.adminDb.doc('inventory/lamp-brass').get()).data()!;
    assert.deepEqual([lamp.onHand, lamp.reserved], [10, 0]);
    await assertInvariants(fs.adminDb);
  });

  test('a hold that cannot be expired is reported and does not block the ones due after it', async () => {
    const stuck = await reserveStock(deps, alice, {
      idempotencyKey: key(),
      lines: [{ sku: 'lamp-brass', qty: 3 }],
      allowSplit: false,
    });
    clock.advance(1);
    const due = await reserveStock(deps, alice, {
      idempotencyKey: key(),
      lines: [{ sku: 'sofa-oak', qty: 1 }],
      allowSplit: false,
    });
    // Drift behind the functions' back: the counter no longer shows the first hold's units.
    await fs.adminDb
      .doc('inventory/lamp-brass')
      .update({ 'locations.wh-south.reserved': 1, 'locations.wh-south.available': 9 });
    clock.advance(defaultSettings.holdMs);
    for (let run = 0; run < 2; run++) {
      const sweep = await expireReservations(deps);
      assert.deepEqual(
        sweep.failed.map((f) => f.reservationId),
        [stuck.reservationId],
      );
      assert.match(sweep.failed[0]!.error, /lamp-brass/);
      assert.equal(sweep.expired, 1 - run);
    }
    const status = async (id: string) => (await fs.adminDb.doc(`reservations/${id}`).get()).data()!.status;
    assert.equal(await status(due.reservationId), 'expired');
    assert.equal(await status(stuck.reservationId), 'held');
    const report = await reconcileInventory(deps);
    assert.ok(report.drift.some((d) => d.sku === 'lamp-brass' && d.field === 'reserved'));
  });

  test('a checkout racing the expiry sweep: exactly one of them settles the hold', async () => {
    for (let round = 0; round < 5; round++) {
      const held = await reserveStock(deps, alice, {
        idempotencyKey: key(),
        lines: [{ sku: 'lamp-brass', qty: 1 }],
        allowSplit: false,
      });
      // The shopper's instance still sees the hold valid; the sweeper's clock is already past it.
      const late = new FakeClock(clock.now().getTime() + defaultSettings.holdMs + 1);
      const [paid, swept] = await Promise.allSettled([
        checkout(deps, alice, { idempotencyKey: key(), reservationId: held.reservationId }),
        expireReservations({ db: fs.adminDb, clock: late }),
      ]);
      const status = (await fs.adminDb.doc(`reservations/${held.reservationId}`).get()).data()!.status;
      if (paid.status === 'fulfilled') assert.equal(status, 'checked_out');
      else {
        assert.equal(status, 'expired');
        assert.equal((paid.reason as { code: string }).code, 'failed-precondition');
      }
      assert.equal(swept.status, 'fulfilled');
      await assertInvariants(fs.adminDb);
    }
  });

  test('a hold ends at expiresAt exactly, for checkout and sweep alike', async () => {
    const held = await reserveStock(deps, alice, {
      idempotencyKey: key(),
      lines: [{ sku: 'lamp-brass', qty: 1 }],
      allowSplit: false,
    });
    clock.advance(defaultSettings.holdMs - 1);
    assert.equal((await expireReservations(deps)).expired, 0, 'still held a millisecond before');
    clock.advance(1);
    await assert.rejects(
      checkout(deps, alice, { idempotencyKey: key(), reservationId: held.reservationId }),
      {
        code: 'failed-precondition',
        details: { reason: 'reservation_expired' },
      },
    );
    assert.equal((await expireReservations(deps)).expired, 1);
    await assertInvariants(fs.adminDb);
  });

  test('two checkouts and a release racing for one hold: exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const held = await reserveStock(deps, alice, {
        idempotencyKey: key(),
        lines: [{ sku: 'lamp-brass', qty: 1 }],
        allowSplit: false,
      });
      const req = () => ({ idempotencyKey: key(), reservationId: held.reservationId });
      const outcomes = await Promise.allSettled([
        checkout(deps, alice, req()),
        releaseReservation(deps, alice, req()),
        checkout(deps, alice, req()),
      ]);
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
      for (const o of outcomes)
        if (o.status === 'rejected') assert.equal((o.reason as { code: string }).code, 'failed-precondition');
      const status = (await fs.adminDb.doc(`reservations/${held.reservationId}`).get()).data()!.status;
      assert.equal(status, outcomes[1]!.status === 'fulfilled' ? 'released' : 'checked_out');
      await assertInvariants(fs.adminDb);
    }
    const released = await fs.adminDb.collection('reservations').where('status', '==', 'released').get();
    assert.equal((await fs.adminDb.collection('orders').get()).size + released.size, 5);
  });

  test('stock in transit is sellable at neither end until received', async () => {
    const t = await transferStock(deps, SEED_STAFF, {
      idempotencyKey: key(),
      sku: 'lamp-brass',
      fromLocationId: 'wh-south',
      toLocationId: 'store-bath',
      qty: 4,
    });
    let lamp = (await fs.adminDb.doc('inventory/lamp-brass').get()).data()!;
    assert.equal(lamp.available, 6);
    assert.equal(lamp.locations['store-bath'].inTransit, 4);
    assert.equal(lamp.locations['store-bath'].available, 0);
    await assertInvariants(fs.adminDb);
    await receiveTransfer(deps, SEED_STAFF, { idempotencyKey: key(), transferId: t.transferId });
    lamp = (await fs.adminDb.doc('inventory/lamp-brass').get()).data()!;
    assert.equal(lamp.available, 10);
    assert.equal(lamp.locations['store-bath'].onHand, 4);
    assert.equal(lamp.locations['store-bath'].inTransit, 0);
    await assertInvariants(fs.adminDb);
  });

  test('adjustments cannot take more than is available; reconciliation finds nothing to fix', async () => {
    await reserveStock(deps, alice, {
      idempotencyKey: key(),
      lines: [{ sku: 'lamp-brass', qty: 8 }],
      allowSplit: false,
    });
    await assert.rejects(
      adjustStock(deps, SEED_STAFF, {
        idempotencyKey: key(),
        sku: 'lamp-brass',
        locationId: 'wh-south',
        delta: -3,
        reason: 'lost',
        note: '',
      }),
      { code: 'resource-exhausted', details: { sku: 'lamp-brass', requested: 3, available: 2 } },
    );
    await adjustStock(deps, SEED_STAFF, {
      idempotencyKey: key(),
      sku: 'lamp-brass',
      locationId: 'wh-south',
      delta: -2,
      reason: 'lost',
      note: '',
    });
    const report = await reconcileInventory(deps);
    assert.deepEqual(report.drift, []);
    await assertInvariants(fs.adminDb);
  });
});
