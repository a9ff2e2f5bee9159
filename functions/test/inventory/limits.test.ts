/**
 * Limits for drops and the hold policy, through the callable handlers: a SKU's cap per customer per
 * period (in one batch, across batches and across instances), the cap on holds at once, what
 * release, expiry and checkout give back, hold durations per kind of shopper, and extending a hold
 * once. The invariants (limits-invariants.ts among them) are checked after each.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { inventoryCallables } from '../../src/inventory/callables';
import { type Deps, newMetrics } from '../../src/inventory/deps';
import { expireReservations } from '../../src/inventory/release';
import type { CallRequest } from '../../src/platform/callable';
import { defaultSettings } from '../../src/platform/settings';
import { assertInvariants } from './support/invariants';
import { everything } from './support/snapshot';
import { FakeClock, instance, key, seedStore } from './support/store';

const as = (uid: string, data: unknown, claims: Record<string, unknown> = {}): CallRequest => ({
  data,
  auth: { uid, token: { uid, ...claims } as never, rawToken: 'test' },
});
const staff = (data: unknown) => as('sam', data, { staff: true });
const anonymous = (uid: string, data: unknown) =>
  as(uid, data, { firebase: { sign_in_provider: 'anonymous' } });

const codeOf = (r: PromiseSettledResult<unknown>) =>
  r.status === 'fulfilled' ? 'ok' : String((r.reason as { code?: string }).code ?? r.reason);
const reasonOf = (r: PromiseSettledResult<unknown>) =>
  r.status === 'fulfilled' ? 'ok' : String((r.reason as { details?: { reason?: string } }).details?.reason);

const cart = (sku: string, qty: number, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: key(),
  lines: [{ sku, qty }],
  ...extra,
});

async function rejects(p: Promise<unknown>, code: string, reason?: string) {
  const [r] = await Promise.allSettled([p]);
  assert.equal(codeOf(r!), code, r!.status === 'rejected' ? String(r!.reason) : 'fulfilled');
  if (reason) assert.equal(reasonOf(r!), reason);
  return (r as PromiseRejectedResult).reason as { details: Record<string, unknown>; message: string };
}

describe('limits for drops', () => {
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
    deps = { db: fs.adminDb, clock, metrics: newMetrics() };
  });

  test('a capped SKU: up to the cap per customer and window; release and expiry give back, checkout keeps', async () => {
    await seedStore(deps, [
      { sku: 'drop-chair', stock: { 'wh-north': 50 } },
      { sku: 'lamp', stock: { 'wh-north': 50 } },
    ]);
    const api = inventoryCallables(() => deps);
    const set = await api.setPurchaseLimit(
      staff({ idempotencyKey: key(), sku: 'drop-chair', limit: { units: 3, periodHours: 24 } }),
    );
    assert.deepEqual(set, { sku: 'drop-chair', limit: { units: 3, periodHours: 24 } });

    const a = await api.reserveStock(as('ann', cart('drop-chair', 2)));
    const refused = await rejects(
      api.reserveStock(as('ann', cart('drop-chair', 2))),
      'failed-precondition',
      'purchase_limit',
    );
    assert.deepEqual(refused.details, {
      reason: 'purchase_limit',
      sku: 'drop-chair',
      limit: 3,
      used: 2,
      requested: 2,
      periodHours: 24,
    });
    assert.match(refused.message, /limited to 3 per customer every 24 hours; you have 2 held or bought/);
    // Another customer has their own allowance; an uncapped SKU in the cart is not counted.
    await api.reserveStock(
      as('bob', {
        idempotencyKey: key(),
        lines: [
          { sku: 'drop-chair', qty: 3 },
          { sku: 'lamp', qty: 9 },
        ],
      }),
    );
    // Released units come back.
    await api.releaseReservation(as('ann', { idempotencyKey: key(), reservationId: a.reservationId }));
    const b = await api.reserveStock(as('ann', cart('drop-chair', 3)));
    await assertInvariants(fs.adminDb);
    // Bought units stay counted.
    await api.checkout(as('ann', { idempotencyKey: key(), reservationId: b.reservationId }));
    await rejects(
      api.reserveStock(as('ann', cart('drop-chair', 1))),
      'failed-precondition',
      'purchase_limit',
    );
    let allowance = (await fs.adminDb.doc('allowances/ann').get()).data()!;
    assert.equal(allowance.skus['drop-chair'].units, 3);
    assert.equal(allowance.holds, 0, 'holds are not counted while MAX_HOLDS_PER_CUSTOMER is 0');
    await assertInvariants(fs.adminDb);

    // The next window starts from zero.
    clock.advance(24 * 3_600_000);
    const c = await api.reserveStock(as('ann', cart('drop-chair', 3)));
    allowance = (await fs.adminDb.doc('allowances/ann').get()).data()!;
    assert.equal(allowance.skus['drop-chair'].units, 3);
    await assertInvariants(fs.adminDb);
    // Expiry gives back too.
    clock.advance(defaultSettings.holdMs);
    assert.equal((await expireReservations(deps)).expired >= 1, true);
    assert.equal((await fs.adminDb.doc(`reservations/${c.reservationId}`).get()).data()!.status, 'expired');
    allowance = (await fs.adminDb.doc('allowances/ann').get()).data()!;
    assert.equal(allowance.skus['drop-chair'].units, 0);
    await api.reserveStock(as('ann', cart('drop-chair', 3)));
    // Lifting the cap: no more counting.
    await api.setPurchaseLimit(staff({ idempotencyKey: key(), sku: 'drop-chair', limit: null }));
    await api.reserveStock(as('ann', cart('drop-chair', 5)));
    await assertInvariants(fs.adminDb);
  });

  test('a cap over the whole drop (no period) never resets', async () => {
    await seedStore(deps, [{ sku: 'sneaker', stock: { 'wh-south': 20 } }]);
    const api = inventoryCallables(() => deps);
    await api.setPurchaseLimit(
      staff({ idempotencyKey: key(), sku: 'sneaker', limit: { units: 1, periodHours: null } }),
    );
    const r = await api.reserveStock(as('ann', cart('sneaker', 1)));
    await api.checkout(as('ann', { idempotencyKey: key(), reservationId: r.reservationId }));
    clock.advance(400 * 24 * 3_600_000);
    const refused = await rejects(
      api.reserveStock(as('ann', cart('sneaker', 1))),
      'failed-precondition',
      'purchase_limit',
    );
    assert.equal(refused.details.periodHours, null);
    await assertInvariants(fs.adminDb);
  });

  test("one batch: a customer's carts are counted one after another, each refusal its own", async () => {
    await seedStore(deps, [{ sku: 'drop-lamp', stock: { 'wh-north': 30 } }]);
    const api = inventoryCallables(() => deps);
    await api.setPurchaseLimit(
      staff({ idempotencyKey: key(), sku: 'drop-lamp', limit: { units: 4, periodHours: 1 } }),
    );
    const commitsBefore = deps.metrics!.commits;
    const calls: [string, number, string][] = [
      ['ann', 3, 'ok'],
      ['ann', 2, 'failed-precondition'],
      ['bob', 4, 'ok'],
      ['ann', 1, 'ok'],
      ['ann', 1, 'failed-precondition'],
      ['bob', 1, 'failed-precondition'],
      ['cat', 5, 'failed-precondition'],
    ];
    const results = await Promise.allSettled(
      calls.map(([uid, qty]) => api.reserveStock(as(uid, cart('drop-lamp', qty)))),
    );
    assert.deepEqual(
      results.map((r, i) => [calls[i]![0], calls[i]![1], codeOf(r)]),
      calls,
    );
    assert.equal(deps.metrics!.commits - commitsBefore, 1, 'every cart was decided in one commit');
    assert.equal((await fs.adminDb.doc('inventory/drop-lamp').get()).data()!.reserved, 8);
    await assertInvariants(fs.adminDb);
  });

  for (const shards of [0, 4])
    test(`one customer's 20 concurrent carts over 4 instances${shards ? ` on ${shards} shards` : ''} never pass the cap`, async () => {
      await seedStore(deps, [
        {
          sku: 'drop-sofa',
          stock: { 'wh-north': 100, 'wh-south': 100 },
          ...(shards ? { shards: { 'wh-north': shards } } : {}),
        },
      ]);
      const api0 = inventoryCallables(() => deps);
      await api0.setPurchaseLimit(
        staff({ idempotencyKey: key(), sku: 'drop-sofa', limit: { units: 5, periodHours: 24 } }),
      );
      const others = [1, 2, 3].map(() => instance(fs.host, fs.projectId, clock));
      try {
        const apis = [api0, ...others.map((o) => inventoryCallables(() => o.deps))];
        const qty = (i: number) => 1 + (i % 2);
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            apis[i % 4]!.reserveStock(as('eve', cart('drop-sofa', qty(i)))),
          ),
        );
        const held = results.reduce((n, r, i) => n + (r.status === 'fulfilled' ? qty(i) : 0), 0);
        for (const r of results)
          if (r.status === 'rejected') assert.equal(reasonOf(r), 'purchase_limit', String(r.reason));
        assert.ok(held <= 5, `held ${held} units, cap 5`);
        // Carts of 1 and 2 units: the cap is reached exactly unless the last fitting cart was a 2 with 1 left.
        assert.ok(held >= 4, `held only ${held} units of a cap of 5`);
        // Someone else still gets theirs, from another instance.
        await apis[2]!.reserveStock(as('fay', cart('drop-sofa', 5)));
        const allowance = (await fs.adminDb.doc('allowances/eve').get()).data()!;
        assert.equal(allowance.skus['drop-sofa'].units, held);
        await assertInvariants(fs.adminDb);
      } finally {
        await Promise.all(others.map((o) => o.close()));
      }
    });

  test('holds at once (MAX_HOLDS_PER_CUSTOMER): the next one is refused until one is checked out, released or expired', async () => {
    await seedStore(deps, [
      { sku: 'mug', stock: { 'wh-north': 50 } },
      { sku: 'bowl', stock: { 'wh-north': 50 } },
    ]);
    deps = { ...deps, settings: { ...defaultSettings, maxHoldsPerCustomer: 2 } };
    const api = inventoryCallables(() => deps);
    // Concurrent: of 6 carts of one customer (two SKUs, so two queues), exactly 2 hold.
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => api.reserveStock(as('ann', cart(i % 2 ? 'mug' : 'bowl', 1)))),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 2);
    for (const r of results.filter((x) => x.status === 'rejected'))
      assert.equal(reasonOf(r), 'too_many_holds');
    const refused = await rejects(
      api.reserveStock(as('ann', cart('mug', 1))),
      'failed-precondition',
      'too_many_holds',
    );
    assert.deepEqual(refused.details, { reason: 'too_many_holds', limit: 2, used: 2 });
    await api.reserveStock(as('bob', cart('mug', 1)));
    await assertInvariants(fs.adminDb);
    const [first, second] = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{
      reservationId: string;
    }>[];
    await api.checkout(as('ann', { idempotencyKey: key(), reservationId: first!.value.reservationId }));
    const third = await api.reserveStock(as('ann', cart('mug', 1)));
    await rejects(api.reserveStock(as('ann', cart('mug', 1))), 'failed-precondition', 'too_many_holds');
    await api.releaseReservation(
      as('ann', { idempotencyKey: key(), reservationId: second!.value.reservationId }),
    );
    await api.reserveStock(as('ann', cart('bowl', 1)));
    assert.equal((await fs.adminDb.doc('allowances/ann').get()).data()!.holds, 2);
    clock.advance(defaultSettings.holdMs);
    await expireReservations(deps);
    assert.equal(
      (await fs.adminDb.doc(`reservations/${third.reservationId}`).get()).data()!.status,
      'expired',
    );
    assert.equal((await fs.adminDb.doc('allowances/ann').get()).data()!.holds, 0);
    await assertInvariants(fs.adminDb);
  });

  test('a retried cart is counted once', async () => {
    await seedStore(deps, [{ sku: 'drop-vase', stock: { 'wh-north': 10 } }]);
    const api = inventoryCallables(() => deps);
    await api.setPurchaseLimit(
      staff({ idempotencyKey: key(), sku: 'drop-vase', limit: { units: 2, periodHours: 24 } }),
    );
    const same = cart('drop-vase', 2);
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.reserveStock(as('ann', same))));
    assert.equal(new Set(answers.map((a) => a.reservationId)).size, 1);
    assert.deepEqual(await api.reserveStock(as('ann', same)), answers[0]);
    assert.equal((await fs.adminDb.doc('allowances/ann').get()).data()!.skus['drop-vase'].units, 2);
    await assertInvariants(fs.adminDb);
  });

  test('setPurchaseLimit: bad input, unknown SKUs and non-staff callers change nothing', async () => {
    await seedStore(deps, [{ sku: 'drop-rug', stock: { 'wh-north': 10 } }]);
    const api = inventoryCallables(() => deps);
    const good = { idempotencyKey: key(), sku: 'drop-rug', limit: { units: 2, periodHours: 24 } };
    const before = await everything(fs.adminDb);
    const cases: [string, CallRequest, string, string?][] = [
      ['a customer', as('ann', good), 'permission-denied'],
      ['nobody signed in', { data: good, auth: undefined } as CallRequest, 'unauthenticated'],
      [
        'units 0',
        staff({ ...good, limit: { units: 0, periodHours: 24 } }),
        'invalid-argument',
        'limit.units',
      ],
      [
        'negative units',
        staff({ ...good, limit: { units: -3, periodHours: 24 } }),
        'invalid-argument',
        'limit.units',
      ],
      [
        'fractional units',
        staff({ ...good, limit: { units: 1.5, periodHours: 24 } }),
        'invalid-argument',
        'limit.units',
      ],
      [
        'huge units',
        staff({ ...good, limit: { units: 1e12, periodHours: 24 } }),
        'invalid-argument',
        'limit.units',
      ],
      [
        'units as a string',
        staff({ ...good, limit: { units: '2', periodHours: 24 } }),
        'invalid-argument',
        'limit.units',
      ],
      [
        'period 0',
        staff({ ...good, limit: { units: 2, periodHours: 0 } }),
        'invalid-argument',
        'limit.periodHours',
      ],
      [
        'period of ten years',
        staff({ ...good, limit: { units: 2, periodHours: 87_600 } }),
        'invalid-argument',
        'limit.periodHours',
      ],
      ['period missing', staff({ ...good, limit: { units: 2 } }), 'invalid-argument', 'limit.periodHours'],
      ['limit missing', staff({ idempotencyKey: key(), sku: 'drop-rug' }), 'invalid-argument', 'limit'],
      ['a forged SKU', staff({ ...good, sku: '../inventory/x' }), 'invalid-argument', 'sku'],
      ['an unknown SKU', staff({ ...good, sku: 'no-such-sku' }), 'not-found'],
      ['no key', staff({ sku: 'drop-rug', limit: null }), 'invalid-argument', 'idempotencyKey'],
    ];
    for (const [what, req, code, field] of cases) {
      const [r] = await Promise.allSettled([api.setPurchaseLimit(req)]);
      assert.equal(codeOf(r!), code, what);
      if (field) assert.equal((r as PromiseRejectedResult).reason.details.field, field, what);
    }
    assert.deepEqual(await everything(fs.adminDb), before);
  });
});

describe('hold policy', () => {
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
    deps = {
      db: fs.adminDb,
      clock,
      settings: { ...defaultSettings, holdMs: 15 * 60_000, anonymousHoldMs: 5 * 60_000 },
    };
    await seedStore(deps, [{ sku: 'stool', stock: { 'wh-north': 10 } }]);
  });

  test('an anonymous shopper holds for HOLD_MINUTES_ANONYMOUS, a signed-in one for HOLD_MINUTES', async () => {
    const api = inventoryCallables(() => deps);
    const now = clock.now().getTime();
    const anon = await api.reserveStock(anonymous('anon-1', cart('stool', 1)));
    const signed = await api.reserveStock(as('ann', cart('stool', 1)));
    assert.equal(Date.parse(anon.expiresAt) - now, 5 * 60_000);
    assert.equal(Date.parse(signed.expiresAt) - now, 15 * 60_000);
    assert.equal(
      (await fs.adminDb.doc(`reservations/${anon.reservationId}`).get()).data()!.shopper,
      'anonymous',
    );
    clock.advance(5 * 60_000);
    assert.equal((await expireReservations(deps)).expired, 1);
    assert.equal((await fs.adminDb.doc(`reservations/${signed.reservationId}`).get()).data()!.status, 'held');
    await assertInvariants(fs.adminDb);
  });

  test('extendReservation: once, a full hold from now; a second is refused; a retry answers the same', async () => {
    const api = inventoryCallables(() => deps);
    const r = await api.reserveStock(as('ann', cart('stool', 2)));
    clock.advance(10 * 60_000);
    const ext = { idempotencyKey: key(), reservationId: r.reservationId };
    const extended = await api.extendReservation(as('ann', ext));
    assert.equal(Date.parse(extended.expiresAt), clock.now().getTime() + 15 * 60_000);
    assert.equal(extended.extended, true);
    assert.deepEqual(await api.extendReservation(as('ann', ext)), extended);
    const again = await rejects(
      api.extendReservation(as('ann', { idempotencyKey: key(), reservationId: r.reservationId })),
      'failed-precondition',
      'already_extended',
    );
    assert.match(again.message, /already extended once/);
    // The expiry job honours the new time.
    clock.advance(14 * 60_000);
    assert.equal((await expireReservations(deps)).expired, 0);
    clock.advance(60_000);
    assert.equal((await expireReservations(deps)).expired, 1);
    await assertInvariants(fs.adminDb);
  });

  test("extendReservation refuses another customer's hold, a closed or expired one, forged ids and bad keys", async () => {
    const api = inventoryCallables(() => deps);
    const r = await api.reserveStock(as('ann', cart('stool', 1)));
    const gone = await api.reserveStock(as('ann', cart('stool', 1)));
    await api.releaseReservation(as('ann', { idempotencyKey: key(), reservationId: gone.reservationId }));
    const late = await api.reserveStock(as('ann', cart('stool', 1)));
    const before = await everything(fs.adminDb);
    const cases: [string, CallRequest, string, string?][] = [
      [
        "another customer's",
        as('bob', { idempotencyKey: key(), reservationId: r.reservationId }),
        'permission-denied',
      ],
      [
        'released',
        as('ann', { idempotencyKey: key(), reservationId: gone.reservationId }),
        'failed-precondition',
        'reservation_released',
      ],
      ['unknown', as('ann', { idempotencyKey: key(), reservationId: 'no-such-hold' }), 'not-found'],
      ['forged path', as('ann', { idempotencyKey: key(), reservationId: '../orders/x' }), 'invalid-argument'],
      ['id as a number', as('ann', { idempotencyKey: key(), reservationId: 42 }), 'invalid-argument'],
      ['short key', as('ann', { idempotencyKey: 'k', reservationId: r.reservationId }), 'invalid-argument'],
      [
        'signed out',
        { data: { idempotencyKey: key(), reservationId: r.reservationId }, auth: undefined } as CallRequest,
        'unauthenticated',
      ],
    ];
    for (const [what, req, code, reason] of cases) {
      const [res] = await Promise.allSettled([api.extendReservation(req)]);
      assert.equal(codeOf(res!), code, what);
      if (reason) assert.equal(reasonOf(res!), reason, what);
    }
    clock.advance(15 * 60_000);
    await rejects(
      api.extendReservation(as('ann', { idempotencyKey: key(), reservationId: late.reservationId })),
      'failed-precondition',
      'reservation_expired',
    );
    assert.deepEqual(await everything(fs.adminDb), before);
  });
});
