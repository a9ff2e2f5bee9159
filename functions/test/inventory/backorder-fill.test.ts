/**
 * The details of backorders that the flows leave open, each against the emulator: which purchase
 * order units a promise counts, a promise met exactly, holds with lines of several SKUs, safety
 * stock at the fill, a queue longer than one fill's batch, what the trigger's filter lets through,
 * a queue entry whose hold was closed behind its back, and what the fill records and reads.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { InventoryDoc, type ReservationView } from '@hearth/contracts';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { inventoryCallables } from '../../src/inventory/callables';
import type { Deps } from '../../src/inventory/deps';
import {
  fillBackorders,
  fillOnInventoryWritten,
  readArrivals,
  sweepBackorders,
} from '../../src/inventory/backorders';
import { AvailabilityRefresher } from '../../src/inventory/refresh';
import { defineSku } from '../../src/inventory/setup';
import { as, type Failure, refusal, user } from './support/calls';
import { assertInvariants } from './support/invariants';
import { FakeClock, key, seedStore } from './support/store';

const staff = user('kim', { staff: true });
const DAY = 24 * 3600 * 1000;

describe('backorders: promises, fills and the trigger in detail', () => {
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
    const base = { db: fs.adminDb, clock };
    deps = { ...base, refresher: new AvailabilityRefresher(base) };
    await seedStore(deps, [
      { sku: 'sofa', stock: { 'wh-north': 2 } },
      { sku: 'lamp', stock: { 'wh-north': 4 } },
      { sku: 'stool', stock: { 'wh-north': 6 }, shards: { 'wh-north': 3 } },
    ]);
    await defineSku(deps, { sku: 'table', productId: 'p-table', madeToOrder: true });
    api = inventoryCallables(() => deps);
  });

  const inv = async (sku: string) =>
    InventoryDoc.parse((await fs.adminDb.doc(`inventory/${sku}`).get()).data());
  const hold = async (id: string) => (await fs.adminDb.doc(`reservations/${id}`).get()).data()!;
  const policy = (sku: string, limit: number, leadTimeDays = 30) =>
    api.setStockPolicy(
      as(staff, { idempotencyKey: key(), sku, backorder: { limit, locationId: 'wh-north', leadTimeDays } }),
    );
  const reserve = (uid: string, lines: { sku: string; qty: number }[]) =>
    api.reserveStock(
      as(user(uid), { idempotencyKey: key(), lines, allowBackorder: true }),
    ) as Promise<ReservationView>;
  const restock = (sku: string, qty: number) =>
    api.restock(as(staff, { idempotencyKey: key(), sku, locationId: 'wh-north', qty, reason: 'delivery' }));
  const order = (lines: { sku: string; qty: number }[], inDays: number) =>
    api.createPurchaseOrder(
      as(staff, {
        idempotencyKey: key(),
        supplier: 'Oak & Co',
        locationId: 'wh-north',
        expectedAt: new Date(clock.now().getTime() + inDays * DAY).toISOString(),
        lines,
      }),
    );
  const day = (n: number) => new Date(clock.now().getTime() + n * DAY).toISOString();

  test('a promise counts only what open orders still bring of this SKU, soonest first, and is met exactly', async () => {
    await policy('sofa', 20, 60);
    // Made out of date order, and with other SKUs and received units in them.
    const late = await order([{ sku: 'sofa', qty: 4 }], 30);
    const soon = await order(
      [
        { sku: 'lamp', qty: 50 },
        { sku: 'sofa', qty: 5 },
      ],
      10,
    );
    await api.receivePurchaseOrder(
      as(staff, {
        idempotencyKey: key(),
        purchaseOrderId: soon.purchaseOrderId,
        lines: [{ sku: 'sofa', qty: 2 }],
      }),
    );
    // The 2 received are on hand: the first cart takes 4 (2 + those 2) and owes 3, exactly what the
    // soon order still brings; the next unit owed is the late order's.
    const a = await reserve('a', [{ sku: 'sofa', qty: 7 }]);
    assert.deepEqual([a.lines[0]!.owed, a.backorder?.promisedAt], [3, day(10)]);
    const b = await reserve('b', [{ sku: 'sofa', qty: 4 }]);
    assert.deepEqual([b.lines[0]!.owed, b.backorder?.promisedAt], [4, day(30)]);
    const c = await reserve('c', [{ sku: 'sofa', qty: 1 }]);
    assert.equal(c.backorder?.promisedAt, day(60), 'past what the orders bring: the lead time');
    assert.equal(late.status, 'open');

    const metrics = { reads: 0, writes: 0, attempts: 0, commits: 0, retries: 0 };
    const arrivals = await readArrivals({ ...deps, metrics }, [await inv('sofa'), await inv('lamp')]);
    assert.deepEqual(arrivals.get('sofa'), [
      { at: Date.parse(day(10)), qty: 3 },
      { at: Date.parse(day(30)), qty: 4 },
    ]);
    assert.equal(arrivals.has('lamp'), false, 'a SKU without a policy is not read');
    assert.equal(metrics.reads, 2, "one read per open order at the policy's location");
    await assertInvariants(fs.adminDb);
  });

  test('a hold of several SKUs: each line owed on its own, filled on its own; complete only when all are', async () => {
    await policy('sofa', 5);
    await policy('table', 5);
    const h = await reserve('a', [
      { sku: 'sofa', qty: 3 },
      { sku: 'table', qty: 1 },
      { sku: 'lamp', qty: 1 },
    ]);
    assert.deepEqual(
      h.lines.map((l) => [l.sku, l.owed ?? 0]),
      [
        ['sofa', 1],
        ['table', 1],
        ['lamp', 0],
      ],
    );
    const waiting = await refusal(
      api.checkout(as(user('a'), { idempotencyKey: key(), reservationId: h.reservationId })),
    );
    assert.match(waiting.message, /waits for 1 × sofa, 1 × table, promised/);
    await restock('sofa', 1);
    assert.deepEqual(await fillBackorders(deps, 'sofa'), { units: 1, completed: 0 });
    const part = await hold(h.reservationId);
    assert.equal(part.backorder.filledAt, null, 'the table is still owed');
    assert.deepEqual(
      part.lines.map((l: { sku: string; owed?: number; allocations: { qty: number }[] }) => [
        l.sku,
        l.owed ?? 0,
        l.allocations.reduce((s, x) => s + x.qty, 0),
      ]),
      [
        ['sofa', 0, 3],
        ['table', 1, 0],
        ['lamp', 0, 1],
      ],
      'only the filled line changed',
    );
    await restock('table', 1);
    assert.deepEqual(await fillBackorders(deps, 'table'), { units: 1, completed: 1 });
    assert.ok((await hold(h.reservationId)).backorder.filledAt);
    await assertInvariants(fs.adminDb);

    // Released with a line that owes nothing and one that was never backordered: only real entries close.
    const g = await reserve('g', [
      { sku: 'table', qty: 1 },
      { sku: 'lamp', qty: 1 },
    ]);
    await api.releaseReservation(as(user('g'), { idempotencyKey: key(), reservationId: g.reservationId }));
    assert.equal((await hold(g.reservationId)).status, 'released');
    await assertInvariants(fs.adminDb);
  });

  test("the fill leaves the location's safety stock, records each fill as the system's, and counts its reads", async () => {
    await policy('sofa', 10);
    const a = await reserve('a', [{ sku: 'sofa', qty: 3 }]); // 2 held, 1 owed
    clock.advance(1); // the queue's order is the holds' time: a before b
    const b = await reserve('b', [{ sku: 'sofa', qty: 2 }]); // 2 owed
    await api.setStockPolicy(
      as(staff, { idempotencyKey: key(), sku: 'sofa', safetyStock: { 'wh-north': 1 } }),
    );
    await restock('sofa', 3);
    const metrics = { reads: 0, writes: 0, attempts: 0, commits: 0, retries: 0 };
    assert.deepEqual(await fillBackorders({ ...deps, metrics }, 'sofa'), { units: 2, completed: 1 });
    // The query (2 entries), the availability document, the 2 holds; then the empty second look
    // is not taken (the batch was not full).
    assert.equal(metrics.reads, 5);
    assert.equal((await hold(b.reservationId)).lines[0].owed, 1, 'the third unit is safety stock');
    const fills = await fs.adminDb.collection('ledger').where('kind', '==', 'backorder_fill').get();
    assert.deepEqual(
      fills.docs.map((d) => [d.get('correlationId'), d.get('qty'), d.get('reason'), d.get('actor')]).sort(),
      [
        [
          a.reservationId,
          1,
          `backorder of reservation ${a.reservationId} filled`,
          { uid: 'fillBackorders', role: 'system' },
        ],
        [
          b.reservationId,
          1,
          `backorder of reservation ${b.reservationId} filled`,
          { uid: 'fillBackorders', role: 'system' },
        ],
      ].sort(),
    );
    await assertInvariants(fs.adminDb);
  });

  test('a queue longer than one batch is filled to the end, and a full batch with nothing for sale stops', async () => {
    await policy('sofa', 20);
    for (let i = 0; i < 7; i++) await reserve(`q${i}`, [{ sku: 'sofa', qty: 1 }]);
    // 2 units held from stock, 5 owed; nothing has arrived: a batch of 2 finds nothing and stops.
    assert.deepEqual(await fillBackorders(deps, 'sofa', 2), { units: 0, completed: 0 });
    await restock('sofa', 5);
    assert.deepEqual(await fillBackorders(deps, 'sofa', 2), { units: 5, completed: 5 });
    assert.equal((await inv('sofa')).backordered, 0);
    await assertInvariants(fs.adminDb);
  });

  test('the trigger fills only where units owed meet units for sale, net of safety stock', async () => {
    await policy('sofa', 10);
    await reserve('a', [{ sku: 'sofa', qty: 3 }]); // 1 owed, nothing for sale
    const doc = await inv('sofa');
    const at = (loc: Partial<InventoryDoc['locations'][string]>) => ({
      ...doc,
      locations: { 'wh-north': { ...doc.locations['wh-north']!, ...loc } },
    });
    const tried = async (after: unknown) => {
      const metrics = { reads: 0, writes: 0, attempts: 0, commits: 0, retries: 0 };
      await fillOnInventoryWritten({ ...deps, metrics }, 'sofa', after);
      return metrics.reads > 0;
    };
    assert.equal(await tried(doc), false, 'owed, nothing for sale');
    assert.equal(
      await tried(at({ backordered: 0, onHand: 5, available: 3 })),
      false,
      'for sale, nothing owed',
    );
    assert.equal(await tried(at({ onHand: 4, available: 2, safetyStock: 2 })), false, 'only safety stock');
    assert.equal(
      await tried(at({ onHand: 2, available: 0, safetyStock: 1 })),
      false,
      'nothing, and safety stock',
    );
    assert.equal(await tried(undefined), false, 'a deleted document');
    assert.equal(await tried({ sku: 'sofa' }), false, 'a document it cannot read');
    assert.equal(
      await tried(at({ onHand: 5, available: 3, safetyStock: 2 })),
      true,
      'one unit beyond safety stock',
    );
  });

  test('a waiting entry whose hold was closed behind its back gets nothing; the hot-SKU guard holds for a policy written past the callable', async () => {
    await policy('sofa', 10);
    const a = await reserve('a', [{ sku: 'sofa', qty: 3 }]);
    await fs.adminDb.doc(`reservations/${a.reservationId}`).update({ status: 'released' });
    await restock('sofa', 1);
    assert.deepEqual(await fillBackorders(deps, 'sofa'), { units: 0, completed: 0 });
    assert.equal((await inv('sofa')).reserved, 2, 'no unit reserved for a closed hold');

    // A hot SKU carrying a policy (written before sharding was refused, say) still takes no backorder.
    await fs.adminDb
      .doc('inventory/stool')
      .update({ backorder: { limit: 5, locationId: 'wh-north', leadTimeDays: 3 } });
    const hot = (await refusal(reserve('h', [{ sku: 'stool', qty: 9 }]))) as Failure;
    assert.equal(hot.code, 'resource-exhausted');
    assert.equal(hot.details?.backorderRoom, undefined);
  });

  test('the sweep reports the SKUs owing units and what it filled', async () => {
    await policy('sofa', 10);
    await policy('table', 10);
    await reserve('a', [{ sku: 'sofa', qty: 4 }]); // 2 owed
    await reserve('b', [{ sku: 'table', qty: 2 }]); // 2 owed
    await restock('sofa', 2);
    await restock('table', 1);
    const metrics = { reads: 0, writes: 0, attempts: 0, commits: 0, retries: 0 };
    assert.deepEqual(await sweepBackorders({ ...deps, metrics }), { skus: 2, units: 3, completed: 1 });
    assert.ok(metrics.reads >= 2 + 2 * 3, 'the query of owing SKUs and each fill');
    assert.deepEqual(await sweepBackorders(deps), { skus: 1, units: 0, completed: 0 });
    await assertInvariants(fs.adminDb);
  });
});
