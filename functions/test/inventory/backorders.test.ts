/**
 * Backorders and made to order through the callable handlers: holds beyond stock up to a SKU's
 * limit, promised from open purchase orders or the lead time; arrivals filling the oldest owed
 * holds first; checkout waiting for the last unit; release and expiry dropping what is owed; many
 * customers at once on several instances; bad input. The invariants (backordered = ledger = what
 * held reservations are owed = the waiting queue) and reconciliation are checked after each.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { BACKORDER_GRACE_DAYS, BACKORDER_READY_HOURS, type ReservationView } from '@hearth/contracts';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import type { CallRequest } from '../../src/platform/callable';
import { as, type Failure, refusal, user } from './support/calls';
import { inventoryCallables } from '../../src/inventory/callables';
import type { Deps } from '../../src/inventory/deps';
import { fillBackorders, fillOnInventoryWritten, sweepBackorders } from '../../src/inventory/backorders';
import { reconcileInventory } from '../../src/inventory/reconcile';
import { AvailabilityRefresher } from '../../src/inventory/refresh';
import { expireReservations } from '../../src/inventory/release';
import { defineSku } from '../../src/inventory/setup';
import { assertInvariants } from './support/invariants';
import { everything } from './support/snapshot';
import { FakeClock, instance, key, seedStore } from './support/store';

type Api = ReturnType<typeof inventoryCallables>;
const staff = user('kim', { staff: true });
const ivy = user('ivy');
const DAY = 24 * 3600 * 1000;

describe('backorders and made to order', () => {
  let fs: TestFirestore;
  let deps: Deps;
  let clock: FakeClock;
  let api: Api;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    clock = new FakeClock();
    const base = { db: fs.adminDb, clock };
    deps = { ...base, refresher: new AvailabilityRefresher(base) };
    await seedStore(deps, [
      { sku: 'sofa', stock: { 'wh-north': 2 } },
      { sku: 'lamp', stock: { 'wh-south': 4 } },
      { sku: 'stool', stock: { 'wh-north': 6 }, shards: { 'wh-north': 3 } },
    ]);
    api = inventoryCallables(() => deps);
  });

  const inv = async (sku: string) => (await fs.adminDb.doc(`inventory/${sku}`).get()).data()!;
  const hold = async (id: string) => (await fs.adminDb.doc(`reservations/${id}`).get()).data()!;
  const entry = async (id: string, sku: string) =>
    (await fs.adminDb.doc(`backorders/${id}__${sku}`).get()).data()!;
  const policy = (sku: string, backorder: unknown) =>
    api.setStockPolicy(as(staff, { idempotencyKey: key(), sku, backorder }));
  const reserve = (
    who: CallRequest['auth'],
    lines: { sku: string; qty: number }[],
    extra: Record<string, unknown> = { allowBackorder: true },
  ) => api.reserveStock(as(who, { idempotencyKey: key(), lines, ...extra })) as Promise<ReservationView>;
  const order = (qty: number, inDays: number) =>
    api.createPurchaseOrder(
      as(staff, {
        idempotencyKey: key(),
        supplier: 'Oak & Co',
        locationId: 'wh-north',
        expectedAt: new Date(clock.now().getTime() + inDays * DAY).toISOString(),
        lines: [{ sku: 'sofa', qty }],
      }),
    );
  const receive = (purchaseOrderId: string, qty: number) =>
    api.receivePurchaseOrder(
      as(staff, { idempotencyKey: key(), purchaseOrderId, lines: [{ sku: 'sofa', qty }] }),
    );
  async function settled() {
    await assertInvariants(fs.adminDb);
    const report = await reconcileInventory(deps);
    assert.deepEqual(report.drift, [], 'reconciliation found drift');
  }

  test('a cart beyond stock holds what there is and owes the rest, promised after the lead time; checkout waits', async () => {
    await policy('sofa', { limit: 5, locationId: 'wh-north', leadTimeDays: 21 });
    const now = clock.now().getTime();
    const view = await reserve(ivy, [{ sku: 'sofa', qty: 4 }]);
    assert.deepEqual(view.lines, [
      { sku: 'sofa', qty: 4, allocations: [{ locationId: 'wh-north', qty: 2 }], owed: 2 },
    ]);
    const promised = new Date(now + 21 * DAY).toISOString();
    assert.deepEqual(view.backorder, { locationId: 'wh-north', promisedAt: promised, filledAt: null });
    assert.equal(view.expiresAt, new Date(now + (21 + BACKORDER_GRACE_DAYS) * DAY).toISOString());
    const sofa = await inv('sofa');
    assert.deepEqual(
      [
        sofa.locations['wh-north'].reserved,
        sofa.locations['wh-north'].backordered,
        sofa.backordered,
        sofa.status,
      ],
      [2, 2, 2, 'backorder'],
    );
    assert.deepEqual(
      {
        status: (await entry(view.reservationId, 'sofa')).status,
        owed: (await entry(view.reservationId, 'sofa')).owed,
      },
      { status: 'waiting', owed: 2 },
    );
    await settled();

    const before = await everything(fs.adminDb);
    const waiting = await refusal(
      api.checkout(as(ivy, { idempotencyKey: key(), reservationId: view.reservationId })),
    );
    assert.equal(waiting.code, 'failed-precondition');
    assert.equal(waiting.details?.reason, 'backorder_waiting');
    assert.match(waiting.message, new RegExp(`2 × sofa, promised for ${promised}`));
    assert.deepEqual(await everything(fs.adminDb), before, 'a refused checkout changes nothing');
  });

  test('without allowBackorder, or with no policy, the same cart is refused as out of stock', async () => {
    const none = await refusal(reserve(ivy, [{ sku: 'sofa', qty: 4 }]));
    assert.equal(
      none.code,
      'resource-exhausted',
      'no policy: allowBackorder alone holds nothing beyond stock',
    );
    await policy('sofa', { limit: 5, locationId: 'wh-north', leadTimeDays: 21 });
    const before = await everything(fs.adminDb);
    const plain = await refusal(reserve(ivy, [{ sku: 'sofa', qty: 4 }], {}));
    assert.equal(plain.code, 'resource-exhausted');
    assert.deepEqual(plain.details, { sku: 'sofa', requested: 4, available: 2 });
    assert.deepEqual(await everything(fs.adminDb), before);
  });

  test('promises come from open purchase orders in queue order, then the lead time; the limit refuses the rest', async () => {
    await policy('sofa', { limit: 6, locationId: 'wh-north', leadTimeDays: 40 });
    const now = clock.now().getTime();
    await order(3, 10);
    await order(2, 30);
    const day = (n: number) => new Date(now + n * DAY).toISOString();
    const a = await reserve(user('a'), [{ sku: 'sofa', qty: 4 }]); // takes the 2 there, owes 2: first order
    const b = await reserve(user('b'), [{ sku: 'sofa', qty: 2 }]); // owed through 4: the second order
    const c = await reserve(user('c'), [{ sku: 'sofa', qty: 2 }]); // owed through 6: past both, lead time
    assert.deepEqual(
      [a.backorder?.promisedAt, b.backorder?.promisedAt, c.backorder?.promisedAt],
      [day(10), day(30), day(40)],
    );
    assert.deepEqual([a.lines[0]!.owed, b.lines[0]!.owed, c.lines[0]!.owed], [2, 2, 2]);
    const before = await everything(fs.adminDb);
    const full = await refusal(reserve(user('d'), [{ sku: 'sofa', qty: 1 }]));
    assert.equal(full.code, 'resource-exhausted');
    assert.equal(full.details?.backorderRoom, 0);
    assert.match(full.message, /0 more can be backordered/);
    assert.deepEqual(await everything(fs.adminDb), before, 'a refusal changes nothing');
    await settled();
  });

  test('arrivals go to the oldest owed holds first, whole or in part; a new cart never takes units owed', async () => {
    await policy('sofa', { limit: 5, locationId: 'wh-north', leadTimeDays: 21 });
    const po = await order(5, 10);
    const a = await reserve(user('a'), [{ sku: 'sofa', qty: 4 }]); // 2 held, 2 owed
    clock.advance(1000);
    const b = await reserve(user('b'), [{ sku: 'sofa', qty: 2 }]); // 2 owed
    await receive(po.purchaseOrderId, 3);
    // Before any fill the 3 units are on hand but owed: a cart that does not backorder gets none.
    const early = await refusal(reserve(user('e'), [{ sku: 'sofa', qty: 1 }], {}));
    assert.equal(early.code, 'resource-exhausted');
    assert.equal((await inv('sofa')).status, 'backorder', 'owed units are not shown for sale');
    await settled();

    clock.advance(1000);
    assert.deepEqual(await fillBackorders(deps, 'sofa'), { units: 3, completed: 1 });
    const filledA = await hold(a.reservationId);
    assert.deepEqual(filledA.lines[0].allocations, [{ locationId: 'wh-north', shard: null, qty: 4 }]);
    assert.equal(filledA.lines[0].owed, 0);
    assert.equal(filledA.backorder.filledAt.toMillis(), clock.now().getTime());
    assert.equal(filledA.expiresAt.toMillis(), clock.now().getTime() + BACKORDER_READY_HOURS * 3600 * 1000);
    assert.equal((await entry(a.reservationId, 'sofa')).status, 'filled');
    const partB = await hold(b.reservationId);
    assert.deepEqual(
      [partB.lines[0].owed, partB.backorder.filledAt],
      [1, null],
      'b got the one left, in part',
    );
    assert.equal((await entry(b.reservationId, 'sofa')).owed, 1);
    const events = await fs.adminDb.collection('outbox').where('type', '==', 'reservation.filled').get();
    assert.deepEqual(
      events.docs.map((d) => d.get('data.reservationId')),
      [a.reservationId],
      'one reservation.filled event, for the completed hold',
    );
    assert.deepEqual(
      await fillBackorders(deps, 'sofa'),
      { units: 0, completed: 0 },
      'a second fill finds nothing',
    );
    await settled();

    const sold = await api.checkout(as(user('a'), { idempotencyKey: key(), reservationId: a.reservationId }));
    assert.ok(sold.orderId);
    await receive(po.purchaseOrderId, 2);
    // The trigger's half: the receipt's write has units for sale where one is still owed.
    await fillOnInventoryWritten(deps, 'sofa', await inv('sofa'));
    assert.equal((await hold(b.reservationId)).lines[0].owed, 0);
    const sofa = await inv('sofa');
    assert.deepEqual(
      [sofa.backordered, sofa.available, sofa.status],
      [0, 1, 'low'],
      'the unit nobody was owed is for sale',
    );
    assert.ok(await reserve(user('e'), [{ sku: 'sofa', qty: 1 }], {}));
    await settled();
  });

  test('the trigger fills where units are owed though another location has stock and owes none', async () => {
    await policy('sofa', { limit: 5, locationId: 'wh-north', leadTimeDays: 21 });
    const b = await reserve(ivy, [{ sku: 'sofa', qty: 4 }]); // 2 held, 2 owed at wh-north
    // store-bath takes no backorders: its units are for sale and nobody there is owed any.
    await api.restock(
      as(staff, { idempotencyKey: key(), sku: 'sofa', locationId: 'store-bath', qty: 3, reason: 'delivery' }),
    );
    await restockSofa(2);
    await fillOnInventoryWritten(deps, 'sofa', await inv('sofa'));
    assert.equal((await hold(b.reservationId)).lines[0].owed, 0, 'the owed units are filled at wh-north');
    const sofa = await inv('sofa');
    assert.deepEqual(
      [sofa.locations['store-bath'].available, sofa.locations['wh-north'].backordered],
      [3, 0],
    );
    await settled();
  });

  test('releasing or expiring a backordered hold drops what it is owed and takes it out of the queue', async () => {
    await policy('sofa', { limit: 5, locationId: 'wh-north', leadTimeDays: 7 });
    const a = await reserve(user('a'), [{ sku: 'sofa', qty: 3 }]); // 2 held, 1 owed
    const b = await reserve(user('b'), [{ sku: 'sofa', qty: 2 }]); // 2 owed
    await api.releaseReservation(as(user('a'), { idempotencyKey: key(), reservationId: a.reservationId }));
    assert.equal((await entry(a.reservationId, 'sofa')).status, 'released');
    let sofa = await inv('sofa');
    assert.deepEqual([sofa.locations['wh-north'].backordered, sofa.reserved], [2, 0]);
    await settled();
    // The 2 units a gave back are b's, not for sale: the fill gives them to b.
    assert.deepEqual(await fillBackorders(deps, 'sofa'), { units: 2, completed: 1 });
    assert.equal((await hold(b.reservationId)).lines[0].owed, 0);
    await settled();

    const c = await reserve(user('c'), [{ sku: 'sofa', qty: 1 }]);
    assert.equal(c.lines[0]!.owed, 1);
    clock.advance((7 + BACKORDER_GRACE_DAYS) * DAY - 1);
    assert.equal(
      (await expireReservations(deps)).expired,
      1,
      "b's filled hold is due (72 h), c's is not yet",
    );
    clock.advance(1);
    assert.equal((await expireReservations(deps)).expired, 1, 'c expires at its promise plus the grace');
    assert.equal((await entry(c.reservationId, 'sofa')).status, 'released');
    sofa = await inv('sofa');
    assert.deepEqual([sofa.backordered, sofa.reserved, sofa.available], [0, 0, 2]);
    await settled();
  });

  test('made to order: a SKU that is never stocked becomes reservable by backorder, promised after its making time', async () => {
    await defineSku(deps, { sku: 'table', productId: 'p-table', madeToOrder: true });
    assert.equal((await inv('table')).status, 'made_to_order');
    assert.equal((await refusal(reserve(ivy, [{ sku: 'table', qty: 1 }]))).code, 'resource-exhausted');
    await policy('table', { limit: 3, locationId: 'wh-south', leadTimeDays: 42 });
    const now = clock.now().getTime();
    const view = await reserve(ivy, [
      { sku: 'table', qty: 1 },
      { sku: 'lamp', qty: 2 },
    ]);
    assert.deepEqual(view.lines, [
      { sku: 'table', qty: 1, allocations: [], owed: 1 },
      { sku: 'lamp', qty: 2, allocations: [{ locationId: 'wh-south', qty: 2 }] },
    ]);
    assert.equal(view.backorder?.promisedAt, new Date(now + 42 * DAY).toISOString());
    assert.equal((await inv('table')).status, 'made_to_order');
    await settled();
  });

  test('30 customers backorder at once on 3 instances: never past the limit, and arrivals fill them in hold order', async () => {
    await policy('sofa', { limit: 10, locationId: 'wh-north', leadTimeDays: 14 });
    const others = [1, 2].map(() => instance(fs.host, fs.projectId, clock));
    try {
      const apis = [api, ...others.map((o) => inventoryCallables(() => o.deps))];
      const results = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          apis[i % 3]!.reserveStock(
            as(user(`c${i}`), {
              idempotencyKey: key(),
              lines: [{ sku: 'sofa', qty: 1 }],
              allowBackorder: true,
            }),
          ),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected').map((r) => (r.reason as Failure).code);
      assert.equal(ok.length, 12, '2 from stock and 10 owed');
      assert.deepEqual([...new Set(refused)], ['resource-exhausted']);
      assert.equal((await inv('sofa')).backordered, 10);
      await settled();

      const queue = await fs.adminDb.collection('backorders').orderBy('seq').get();
      const oldest = queue.docs.slice(0, 4).map((d) => d.get('reservationId'));
      await restockSofa(4);
      await Promise.all(others.map((o) => fillBackorders(o.deps, 'sofa')));
      const filled = (
        await fs.adminDb.collection('backorders').where('status', '==', 'filled').get()
      ).docs.map((d) => d.get('reservationId'));
      assert.deepEqual(filled.sort(), oldest.sort(), 'the four oldest, and only they, are filled');
      assert.equal((await inv('sofa')).backordered, 6);
      await settled();
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });

  test('the sweep fills what no trigger did, and fills racing releases settle each unit once', async () => {
    await policy('sofa', { limit: 10, locationId: 'wh-north', leadTimeDays: 14 });
    const views = [];
    for (let i = 0; i < 6; i++)
      views.push(await reserve(user(`s${i}`), [{ sku: 'sofa', qty: i === 0 ? 3 : 1 }]));
    await restockSofa(3);
    const others = [1, 2].map(() => instance(fs.host, fs.projectId, clock));
    try {
      await Promise.all([
        sweepBackorders(deps),
        ...others.map((o) => fillBackorders(o.deps, 'sofa')),
        ...views
          .slice(3)
          .map((v, i) =>
            api.releaseReservation(
              as(user(`s${i + 3}`), { idempotencyKey: key(), reservationId: v.reservationId }),
            ),
          ),
      ]);
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
    await sweepBackorders(deps);
    const sofa = await inv('sofa');
    // 5 on hand; s0 holds 3 (2 then 1 filled), s1 and s2 one each; the released three owe nothing.
    assert.deepEqual([sofa.onHand, sofa.reserved, sofa.backordered, sofa.available], [5, 5, 0, 0]);
    await settled();
  });

  async function restockSofa(qty: number) {
    await api.restock(
      as(staff, { idempotencyKey: key(), sku: 'sofa', locationId: 'wh-north', qty, reason: 'delivery' }),
    );
  }

  test('reconciliation replays backordered: a counter that drifted from the ledger is reported, not repaired', async () => {
    await policy('sofa', { limit: 5, locationId: 'wh-north', leadTimeDays: 7 });
    await reserve(ivy, [{ sku: 'sofa', qty: 3 }]);
    await fs.adminDb.doc('inventory/sofa').update({ 'locations.wh-north.backordered': 4 });
    const report = await reconcileInventory(deps);
    assert.deepEqual(
      report.drift
        .filter((d) => d.field === 'backordered')
        .map((d) => [d.locationId, d.ledger, d.counter, d.repaired]),
      [['wh-north', 1, 4, false]],
    );
  });

  test('bad input is refused on its field and changes nothing', async () => {
    const before = await everything(fs.adminDb);
    const cases: [string, unknown, string, RegExp][] = [
      [
        'allowBackorder not a boolean',
        { lines: [{ sku: 'sofa', qty: 1 }], allowBackorder: 'yes' },
        'invalid-argument',
        /allowBackorder/,
      ],
      [
        'allowBackorder with pickup',
        {
          lines: [{ sku: 'sofa', qty: 1 }],
          allowBackorder: true,
          pickup: { locationId: 'store-bath', allowTransfer: false },
        },
        'invalid-argument',
        /cannot be combined with pickup/,
      ],
    ];
    for (const [what, data, code, message] of cases) {
      const err = await refusal(api.reserveStock(as(ivy, { idempotencyKey: key(), ...(data as object) })));
      assert.equal(err.code, code, what);
      assert.match(err.message, message, what);
    }
    const policies: [string, unknown, string, RegExp][] = [
      [
        'a limit of 0',
        { limit: 0, locationId: 'wh-north', leadTimeDays: 3 },
        'invalid-argument',
        /limit must be at least 1/,
      ],
      [
        'a negative lead time',
        { limit: 2, locationId: 'wh-north', leadTimeDays: -1 },
        'invalid-argument',
        /leadTimeDays cannot be negative/,
      ],
      [
        'a lead time past a year',
        { limit: 2, locationId: 'wh-north', leadTimeDays: 400 },
        'invalid-argument',
        /at most 365/,
      ],
      [
        'a fractional limit',
        { limit: 2.5, locationId: 'wh-north', leadTimeDays: 3 },
        'invalid-argument',
        /whole number/,
      ],
      [
        'a huge limit',
        { limit: 1e9, locationId: 'wh-north', leadTimeDays: 3 },
        'invalid-argument',
        /at most 10000/,
      ],
      ['no location', { limit: 2, leadTimeDays: 3 }, 'invalid-argument', /locationId/],
      ['an unknown location', { limit: 2, locationId: 'wh-moon', leadTimeDays: 3 }, 'not-found', /wh-moon/],
    ];
    for (const [what, backorder, code, message] of policies) {
      const err = await refusal(policy('sofa', backorder));
      assert.equal(err.code, code, what);
      assert.match(err.message, message, what);
    }
    const hot = await refusal(policy('stool', { limit: 2, locationId: 'wh-north', leadTimeDays: 3 }));
    assert.deepEqual([hot.code, hot.details?.reason], ['failed-precondition', 'backorder_sharded']);
    const customer = await refusal(
      api.setStockPolicy(
        as(ivy, {
          idempotencyKey: key(),
          sku: 'sofa',
          backorder: { limit: 2, locationId: 'wh-north', leadTimeDays: 3 },
        }),
      ),
    );
    assert.equal(customer.code, 'permission-denied');
    assert.deepEqual(await everything(fs.adminDb), before, 'nothing changed');

    await policy('sofa', { limit: 2, locationId: 'wh-north', leadTimeDays: 3 });
    const shard = await refusal(
      api.setShardCount(
        as(user('root', { admin: true }), {
          idempotencyKey: key(),
          sku: 'sofa',
          locationId: 'wh-north',
          count: 2,
        }),
      ),
    );
    assert.deepEqual([shard.code, shard.details?.reason], ['failed-precondition', 'backorders_open']);
    await settled();
  });
});
