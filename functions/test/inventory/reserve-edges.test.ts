/**
 * The reservation batch's decisions at their edges: a commit that would pass Firestore's write
 * limit, the promise of a hold owed on several SKUs, the backorder queue's order inside one commit,
 * a hot SKU served from a sharded and an unsharded location, an unknown SKU, and a SKU sharded
 * between the batch's first read and its transaction. The invariants are checked after each.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { ReservationView } from '@hearth/contracts';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { inventoryCallables } from '../../src/inventory/callables';
import type { Deps } from '../../src/inventory/deps';
import { AvailabilityRefresher } from '../../src/inventory/refresh';
import { reserveStock } from '../../src/inventory/reserve';
import { setShardCount } from '../../src/inventory/shards';
import { as, refusal, user } from './support/calls';
import { writeBeforeTransaction } from './support/interleave';
import { assertInvariants } from './support/invariants';
import { FakeClock, key, SEED_STAFF, seedStore } from './support/store';

const staff = user('kim', { staff: true });
const DAY = 24 * 3600 * 1000;
const LEAD_DAYS = 30;

describe('reservation batch edges', () => {
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
    api = inventoryCallables(() => deps);
  });

  const backorderable = async (skus: string[], limit = 1_000) => {
    await seedStore(
      deps,
      skus.map((sku) => ({ sku, stock: {} })),
    );
    for (const sku of skus)
      await api.setStockPolicy(
        as(staff, {
          idempotencyKey: key(),
          sku,
          backorder: { limit, locationId: 'wh-north', leadTimeDays: LEAD_DAYS },
        }),
      );
  };
  const order = (sku: string, qty: number, inDays: number) =>
    api.createPurchaseOrder(
      as(staff, {
        idempotencyKey: key(),
        supplier: 'Oak & Co',
        locationId: 'wh-north',
        expectedAt: new Date(clock.now().getTime() + inDays * DAY).toISOString(),
        lines: [{ sku, qty }],
      }),
    );
  const hold = (uid: string, lines: { sku: string; qty: number }[], extra: Record<string, unknown> = {}) =>
    reserveStock(deps, { uid }, { idempotencyKey: key(), lines, allowSplit: false, ...extra });
  const data = async (path: string) => (await fs.adminDb.doc(path).get()).data()!;
  const promised = async (id: string) =>
    ((await data(`reservations/${id}`)).backorder.promisedAt as FirebaseFirestore.Timestamp).toMillis();

  test("carts beyond one commit's write limit go round again: 100 carts of four owed lines, all held", async () => {
    // Each cart weighs 7 in the queue (3 + a line each) but writes 11: a ledger entry and a queue
    // entry per owed line. A batch the queue fills to 500 by weight would pass the limit by half.
    const skus = ['pouf', 'rug', 'throw', 'vase'];
    await backorderable(skus);
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        hold(
          `c${i}`,
          skus.map((sku) => ({ sku, qty: 1 })),
          { allowBackorder: true },
        ),
      ),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    assert.deepEqual(
      refused.map((r) => String((r as PromiseRejectedResult).reason)),
      [],
      'every cart is held',
    );
    for (const sku of skus) assert.equal((await data(`inventory/${sku}`)).backordered, 100, sku);
    const entries = await fs.adminDb.collection('ledger').where('kind', '==', 'backorder').get();
    assert.equal(entries.size, 400);
    assert.deepEqual([...new Set(entries.docs.map((d) => d.get('reason')))], ['backorder']);
    const records = await fs.adminDb.collection('idempotency').get();
    assert.deepEqual([...new Set(records.docs.map((d) => d.get('scope')))].sort(), [
      'reserveStock',
      'setStockPolicy',
    ]);
    await assertInvariants(fs.adminDb);
  });

  test('a hold owed on two SKUs is promised for the later of their dates', async () => {
    await backorderable(['sofa', 'lamp']);
    await order('sofa', 5, 5);
    const soon = await hold('ada', [{ sku: 'sofa', qty: 1 }], { allowBackorder: true });
    const both = await hold(
      'bo',
      [
        { sku: 'sofa', qty: 1 },
        { sku: 'lamp', qty: 1 },
      ],
      { allowBackorder: true },
    );
    const now = clock.now().getTime();
    assert.equal(await promised(soon.reservationId), now + 5 * DAY, 'the purchase order brings the sofa');
    assert.equal(
      await promised(both.reservationId),
      now + LEAD_DAYS * DAY,
      'the lamp comes in its lead time',
    );
    await assertInvariants(fs.adminDb);
  });

  test('in one commit the queue follows the promises, and a later hold is behind them all', async () => {
    await backorderable(['sofa']);
    await order('sofa', 3, 5);
    const first = await Promise.all(
      Array.from({ length: 8 }, (_, i) => hold(`c${i}`, [{ sku: 'sofa', qty: 1 }], { allowBackorder: true })),
    );
    clock.advance(1);
    const later = await hold('late', [{ sku: 'sofa', qty: 1 }], { allowBackorder: true });
    const queue = (await fs.adminDb.collection('backorders').where('sku', '==', 'sofa').get()).docs
      .map((d) => ({
        id: d.get('reservationId') as string,
        seq: d.get('seq') as number,
        promisedAt: (d.get('promisedAt') as FirebaseFirestore.Timestamp).toMillis(),
      }))
      .sort((a, b) => a.seq - b.seq || a.id.localeCompare(b.id));
    assert.equal(queue.length, 9);
    const start = Date.parse('2026-11-21T09:00:00Z');
    assert.deepEqual(
      queue.map((q) => Math.round((q.promisedAt - start) / DAY)),
      [5, 5, 5, LEAD_DAYS, LEAD_DAYS, LEAD_DAYS, LEAD_DAYS, LEAD_DAYS, LEAD_DAYS],
      'the first three in line are the three the purchase order brings',
    );
    assert.equal(queue.at(-1)!.id, later.reservationId, 'the later hold is last in line');
    assert.ok(first.every((r) => r.reservationId !== later.reservationId));
    await assertInvariants(fs.adminDb);
  });

  test('a hot SKU is served from its shards and an unsharded location in one hold', async () => {
    await seedStore(deps, [
      { sku: 'stool', stock: { 'wh-north': 2, 'wh-south': 3 }, shards: { 'wh-north': 2 } },
    ]);
    const held: ReservationView = await hold('ola', [{ sku: 'stool', qty: 4 }], {
      region: 'north',
      allowSplit: true,
    });
    assert.deepEqual(held.lines[0]!.allocations, [
      { locationId: 'wh-north', qty: 2 },
      { locationId: 'wh-south', qty: 2 },
    ]);
    const stool = await data('inventory/stool');
    assert.equal(stool.locations['wh-south'].reserved, 2);
    const reasons = await fs.adminDb.collection('ledger').where('kind', '==', 'reserve').get();
    assert.deepEqual([...new Set(reasons.docs.map((d) => d.get('reason')))], ['cart hold']);
    await deps.refresher!.idle();
    await assertInvariants(fs.adminDb, { aggregates: true });
  });

  test("a hot SKU's cart served wholly from its unsharded location", async () => {
    await seedStore(deps, [
      { sku: 'stool', stock: { 'wh-north': 2, 'wh-south': 3 }, shards: { 'wh-north': 2 } },
    ]);
    const held = await hold('ola', [{ sku: 'stool', qty: 3 }], { region: 'south' });
    assert.deepEqual(held.lines[0]!.allocations, [{ locationId: 'wh-south', qty: 3 }]);
    assert.equal((await data('inventory/stool')).locations['wh-south'].reserved, 3);
    await deps.refresher!.idle();
    await assertInvariants(fs.adminDb, { aggregates: true });
  });

  test('a SKU deleted between the first read and the transaction refuses the cart and is named', async () => {
    await seedStore(deps, [
      { sku: 'vase', stock: { 'wh-north': 3 } },
      { sku: 'bowl', stock: { 'wh-north': 3 } },
    ]);
    const drop = () => fs.adminDb.doc('inventory/bowl').delete();
    const racing: Deps = { ...deps, db: writeBeforeTransaction(fs.adminDb, 1, drop) };
    const err = await refusal(
      reserveStock(
        racing,
        { uid: 'ada' },
        {
          idempotencyKey: key(),
          lines: [
            { sku: 'vase', qty: 1 },
            { sku: 'bowl', qty: 1 },
          ],
          allowSplit: false,
        },
      ),
    );
    assert.equal(err.code, 'not-found');
    assert.deepEqual(err.details, { kind: 'sku', id: 'bowl' });
    assert.equal((await data('inventory/vase')).reserved, 0, 'nothing held');
  });

  test('an unknown SKU refuses the whole cart and is named', async () => {
    await seedStore(deps, [{ sku: 'vase', stock: { 'wh-north': 3 } }]);
    const err = await refusal(
      hold('ada', [
        { sku: 'vase', qty: 1 },
        { sku: 'ghost-9', qty: 1 },
      ]),
    );
    assert.equal(err.code, 'not-found');
    assert.deepEqual(err.details, { kind: 'sku', id: 'ghost-9' });
    assert.equal((await data('inventory/vase')).reserved, 0, 'nothing held');
    await assertInvariants(fs.adminDb);
  });

  test('a SKU sharded between the first read and the transaction: the cart goes round again and is held', async () => {
    await seedStore(deps, [{ sku: 'pendant', stock: { 'wh-north': 4 } }]);
    const shardIt = () =>
      setShardCount(deps, SEED_STAFF, {
        idempotencyKey: key(),
        sku: 'pendant',
        locationId: 'wh-north',
        count: 2,
      });
    const racing: Deps = { ...deps, db: writeBeforeTransaction(fs.adminDb, 1, shardIt) };
    const held = await reserveStock(
      racing,
      { uid: 'ada' },
      { idempotencyKey: key(), lines: [{ sku: 'pendant', qty: 3 }], allowSplit: false },
    );
    assert.deepEqual(held.lines[0]!.allocations, [{ locationId: 'wh-north', qty: 3 }]);
    const shards = await fs.adminDb.collection('inventory/pendant/shards').get();
    assert.equal(
      shards.docs.reduce((sum, d) => sum + (d.get('reserved') as number), 0),
      3,
      'held on the shards',
    );
    await assertInvariants(fs.adminDb);
  });
});
