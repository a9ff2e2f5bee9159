/**
 * Releasing and expiring holds, and reading one, in detail (release.ts, reservations.ts): who may
 * release which hold and what each refusal says; the records, ledger entries and refreshes a release
 * leaves; a crash before its write; the expiry sweep's pages, its answer, its re-check of each hold
 * inside the transaction; holds made before their location was sharded, and lines split over a
 * sharded and an unsharded location. Invariants after each.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { ReservationView } from '@hearth/contracts';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { inventoryCallables } from '../../src/inventory/callables';
import type { Deps } from '../../src/inventory/deps';
import { expireOne, expireReservations } from '../../src/inventory/release';
import { operationId, recordId } from '../../src/inventory/idempotency';
import type { AvailabilityRefresher } from '../../src/inventory/refresh';
import { defaultSettings } from '../../src/platform/settings';
import { as, refusal, user } from './support/calls';
import { assertInvariants } from './support/invariants';
import { everything } from './support/snapshot';
import { FakeClock, key, seedStore } from './support/store';

const staff = user('kim', { staff: true });
const admin = user('root', { admin: true });

/** Records which SKUs a call asks to be refreshed, in place of the refresher. */
function recordingRefresher() {
  const requested: string[] = [];
  return { requested, request: (sku: string) => void requested.push(sku), idle: async () => undefined };
}

describe('release, expiry and reading a hold in detail', () => {
  let fs: TestFirestore;
  let deps: Deps;
  let clock: FakeClock;
  let api: ReturnType<typeof inventoryCallables>;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    clock = new FakeClock();
    deps = { db: fs.adminDb, clock };
    await seedStore(deps, [
      { sku: 'sofa', stock: { 'wh-north': 10 } },
      { sku: 'lamp', stock: { 'wh-south': 10 } },
      { sku: 'stool', stock: { 'wh-north': 4, 'wh-south': 4 }, shards: { 'wh-north': 2 } },
    ]);
    api = inventoryCallables(() => deps);
  });

  const reserve = (uid: string, lines: { sku: string; qty: number }[], extra: Record<string, unknown> = {}) =>
    api.reserveStock(as(user(uid), { idempotencyKey: key(), lines, ...extra })) as Promise<ReservationView>;
  const release = (who: ReturnType<typeof user>, reservationId: string, idempotencyKey = key()) =>
    api.releaseReservation(as(who, { idempotencyKey, reservationId }));
  const hold = async (id: string) => (await fs.adminDb.doc(`reservations/${id}`).get()).data()!;

  test('a customer releases their own hold; staff release anyone’s; another customer is refused, and nothing changes', async () => {
    const a = await reserve('ada', [{ sku: 'sofa', qty: 2 }]);
    const before = await everything(fs.adminDb);
    const other = await refusal(release(user('bo'), a.reservationId));
    assert.equal(other.code, 'permission-denied');
    assert.equal(other.message, `Reservation ${a.reservationId} belongs to another customer`);
    assert.deepEqual(other.details, { reservationId: a.reservationId });
    const missing = await refusal(release(user('ada'), 'no-such-hold'));
    assert.equal(missing.code, 'not-found');
    assert.equal(missing.message, "No reservation 'no-such-hold' exists");
    assert.deepEqual(await everything(fs.adminDb), before);

    const byStaff = await release(staff, a.reservationId);
    assert.deepEqual(byStaff, { reservationId: a.reservationId, status: 'released' });
    const entries = await fs.adminDb.collection('ledger').where('kind', '==', 'release').get();
    assert.deepEqual(
      entries.docs.map((d) => [d.get('reason'), d.get('actor'), d.get('correlationId')]),
      [['released by the customer', { uid: 'kim', role: 'staff' }, a.reservationId]],
    );
    await assertInvariants(fs.adminDb);
  });

  test('a closed hold cannot be released or checked out, and each refusal names its state', async () => {
    const a = await reserve('ada', [{ sku: 'sofa', qty: 1 }]);
    const b = await reserve('ada', [{ sku: 'sofa', qty: 1 }]);
    await release(user('ada'), a.reservationId);
    await api.checkout(as(user('ada'), { idempotencyKey: key(), reservationId: b.reservationId }));
    const again = await refusal(release(user('ada'), a.reservationId));
    assert.deepEqual([again.code, again.details?.reason], ['failed-precondition', 'reservation_released']);
    assert.equal(again.message, `Reservation ${a.reservationId} is already released`);
    const sold = await refusal(release(user('ada'), b.reservationId));
    assert.equal(sold.details?.reason, 'reservation_checked_out');
    assert.equal(sold.message, `Reservation ${b.reservationId} is already checked out`);
    const checkout = await refusal(
      api.checkout(as(user('ada'), { idempotencyKey: key(), reservationId: a.reservationId })),
    );
    assert.equal(checkout.details?.reason, 'reservation_released');
    assert.equal(checkout.message, `Reservation ${a.reservationId} is released`);
    const twice = await refusal(
      api.checkout(as(user('ada'), { idempotencyKey: key(), reservationId: b.reservationId })),
    );
    assert.equal(twice.details?.reason, 'reservation_checked_out');
    assert.equal(twice.message, `Reservation ${b.reservationId} is checked out`, 'the state in words');

    const c = await reserve('ada', [{ sku: 'sofa', qty: 1 }]);
    clock.advance(defaultSettings.holdMs);
    const late = await refusal(
      api.checkout(as(user('ada'), { idempotencyKey: key(), reservationId: c.reservationId })),
    );
    assert.equal(late.details?.reason, 'reservation_expired');
    assert.equal(
      late.message,
      `Reservation ${c.reservationId} expired at ${c.expiresAt}; reserve the items again`,
    );
  });

  test("a release is recorded under its own callable's key, frees the customer's hold slot, and refreshes its SKUs once", async () => {
    const refresher = recordingRefresher();
    deps = {
      ...deps,
      settings: { ...defaultSettings, maxHoldsPerCustomer: 1 },
      // Only request() and idle() are called by the domain.
      refresher: refresher as unknown as AvailabilityRefresher,
    };
    const a = await reserve('ada', [
      { sku: 'sofa', qty: 1 },
      { sku: 'lamp', qty: 1 },
    ]);
    assert.equal((await refusal(reserve('ada', [{ sku: 'sofa', qty: 1 }]))).code, 'failed-precondition');
    refresher.requested.length = 0;
    await release(user('ada'), a.reservationId, 'release-key-1');
    const id = recordId('releaseReservation', operationId('releaseReservation', 'ada', 'release-key-1'));
    assert.equal((await fs.adminDb.doc(`idempotency/${id}`).get()).get('scope'), 'releaseReservation');
    assert.deepEqual(refresher.requested.sort(), ['lamp', 'sofa']);
    refresher.requested.length = 0;
    await release(user('ada'), a.reservationId, 'release-key-1'); // a retry: answered from the record
    assert.deepEqual(refresher.requested, [], 'a replayed answer refreshes nothing');
    assert.ok(await reserve('ada', [{ sku: 'sofa', qty: 1 }]), 'the released hold no longer counts');
    await assertInvariants(fs.adminDb);
  });

  test('a crash before the release writes leaves the hold held and the stock held', async () => {
    const a = await reserve('ada', [{ sku: 'sofa', qty: 3 }]);
    const before = await everything(fs.adminDb);
    const crashing = {
      ...deps,
      checkpoint: (at: string) => {
        if (at === 'releaseReservation:before-write') throw new Error('crash');
      },
    };
    await assert.rejects(
      inventoryCallables(() => crashing).releaseReservation(
        as(user('ada'), { idempotencyKey: key(), reservationId: a.reservationId }),
      ),
    );
    assert.deepEqual(await everything(fs.adminDb), before);
    await assertInvariants(fs.adminDb);
  });

  test('the sweep works in pages up to its limit, says which SKUs it freed, and records each expiry as its own', async () => {
    for (let i = 0; i < 5; i++) await reserve(`c${i}`, [{ sku: i < 3 ? 'sofa' : 'lamp', qty: 1 }]);
    clock.advance(defaultSettings.holdMs);
    const seen: string[] = [];
    const counted = { ...deps, checkpoint: (at: string) => void seen.push(at) };
    const first = await expireReservations(counted, { pageSize: 2, maxPages: 2 });
    assert.equal(first.expired, 4, 'two pages of two, then it stops');
    assert.equal(seen.filter((s) => s === 'expireReservations:expired-one').length, 4);
    const rest = await expireReservations(deps, { pageSize: 2, maxPages: 2 });
    assert.equal(rest.expired, 1, 'the next run takes what was left');
    assert.deepEqual(
      [...first.skus, ...rest.skus].sort().filter((s, i, all) => all.indexOf(s) === i),
      ['lamp', 'sofa'],
    );
    const expiries = await fs.adminDb.collection('ledger').where('kind', '==', 'expire').get();
    assert.equal(expiries.size, 5);
    assert.ok(
      expiries.docs.every(
        (d) => d.get('actor').uid === 'expireReservations' && d.get('reason') === 'hold expired',
      ),
    );
    const metrics = { reads: 0, writes: 0, attempts: 0, commits: 0, retries: 0 };
    assert.deepEqual(await expireReservations({ ...deps, metrics }), { expired: 0, skus: [], failed: [] });
    assert.equal(metrics.reads, 1, 'an empty query still costs a read');
    await assertInvariants(fs.adminDb);
  });

  test('each expiry re-checks its hold in its transaction: released or extended since the query, it is left alone', async () => {
    const a = await reserve('ada', [{ sku: 'sofa', qty: 1 }]);
    const b = await reserve('bo', [{ sku: 'sofa', qty: 1 }]);
    clock.advance(defaultSettings.holdMs - 1);
    await api.extendReservation(as(user('bo'), { idempotencyKey: key(), reservationId: b.reservationId }));
    await release(user('ada'), a.reservationId);
    clock.advance(1);
    const before = await everything(fs.adminDb);
    assert.equal(await expireOne(deps, a.reservationId, clock.now()), null, 'released');
    assert.equal(await expireOne(deps, b.reservationId, clock.now()), null, 'extended past now');
    assert.deepEqual(await everything(fs.adminDb), before);
    assert.equal((await hold(b.reservationId)).status, 'held');
  });

  test('a hold made before its location was sharded is released from shard 0; a line over a sharded and an unsharded location both ways', async () => {
    const early = await reserve('ada', [{ sku: 'sofa', qty: 2 }]);
    await api.setShardCount(
      as(admin, { idempotencyKey: key(), sku: 'sofa', locationId: 'wh-north', count: 2 }),
    );
    await release(user('ada'), early.reservationId);
    const shard0 = (await fs.adminDb.doc('inventory/sofa/shards/wh-north_0').get()).data()!;
    assert.equal(shard0.reserved, 0);

    const split = await reserve('bo', [{ sku: 'stool', qty: 6 }], { allowSplit: true });
    const allocations = (await hold(split.reservationId)).lines[0].allocations as { shard: number | null }[];
    assert.ok(allocations.some((a) => a.shard === null) && allocations.some((a) => a.shard !== null));
    await release(user('bo'), split.reservationId);
    await assertInvariants(fs.adminDb);
  });
});
