/**
 * Orders after checkout (issue 14): cancellation (whole, by line, partial, bundles), fulfilment and
 * its history, what each writes to the ledger, and the invariants after each step. Through the
 * callable handlers, as the deployed functions run them, against the emulator.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import type { CallRequest } from '../../src/platform/callable';
import { inventoryCallables } from '../../src/inventory/callables';
import type { Deps } from '../../src/inventory/deps';
import { assertInvariants } from './support/invariants';
import { everything } from './support/snapshot';
import { FakeClock, instance, key, seedStore } from './support/store';
import { expireReservations } from '../../src/inventory/release';
import { expirePickups } from '../../src/inventory/pickup-expiry';
import { refreshAvailability } from '../../src/inventory/refresh';
import { defaultSettings } from '../../src/platform/settings';

type Api = ReturnType<typeof inventoryCallables>;
const who = (uid: string, claims: Record<string, unknown> = {}) => ({
  uid,
  token: { uid, ...claims } as never,
  rawToken: 'test',
});
const ada = who('ada');
const ben = who('ben');
const sam = who('sam', { staff: true });
const as = (auth: CallRequest['auth'], data: unknown): CallRequest => ({ data, auth });

/**
 * The harness's clear, tried twice: its fetch reuses a keep-alive connection that the emulator's
 * HTTP server closes after 5 s idle, and a test longer than that met ECONNRESET on the next clear
 * (twice in a row at load 16). To be fixed in test/support/emulator.ts, which is not this suite's.
 */
const clear = (fs: TestFirestore) => fs.clear().catch(() => fs.clear());

/** The code and details a call was refused with. */
async function refusal(
  p: Promise<unknown>,
): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code: string; message: string; details?: Record<string, unknown> };
    return { code: e.code, message: e.message, details: e.details ?? {} };
  }
  assert.fail('the call was not refused');
}

describe('orders: cancellation and fulfilment', () => {
  let fs: TestFirestore;
  let deps: Deps;
  let api: Api;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await clear(fs);
    deps = { db: fs.adminDb, clock: new FakeClock() };
    api = inventoryCallables(() => deps);
    await seedStore(deps, [
      { sku: 'sofa', priceMinor: 50_000, stock: { 'wh-north': 3, 'wh-south': 2 } },
      { sku: 'lamp', priceMinor: 2_000, stock: { 'wh-south': 10 } },
      { sku: 'stool', priceMinor: 4_000, stock: { 'wh-north': 40 }, shards: { 'wh-north': 4 } },
    ]);
  });

  const stock = async (sku: string) => (await fs.adminDb.doc(`inventory/${sku}`).get()).data()!;
  const order = async (id: string) => (await fs.adminDb.doc(`orders/${id}`).get()).data()!;
  const ledgerOf = async (orderId: string, kind: string) =>
    (await fs.adminDb.collection('ledger').where('correlationId', '==', orderId).get()).docs
      .map((d) => d.data())
      .filter((e) => e.kind === kind);

  const outboxOf = async (orderId: string, type: string) =>
    (await fs.adminDb.collection('outbox').where('correlationId', '==', orderId).get()).docs
      .map((d) => d.data())
      .filter((e) => e.type === type);

  async function placeOrder(
    lines: { sku: string; qty: number }[],
    auth = ada,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const held = await api.reserveStock(as(auth, { idempotencyKey: key(), lines, ...extra }));
    const placed = await api.checkout(as(auth, { idempotencyKey: key(), reservationId: held.reservationId }));
    return placed.orderId;
  }

  const cancel = (auth: CallRequest['auth'], data: Record<string, unknown>) =>
    api.cancelOrder(as(auth, { idempotencyKey: key(), ...data }));
  const advance = (orderId: string, lineIndex: number, to: string, auth = sam) =>
    api.advanceFulfilment(as(auth, { idempotencyKey: key(), orderId, lineIndex, to }));

  test('a new order starts allocated, with its placing in the history', async () => {
    const id = await placeOrder([{ sku: 'lamp', qty: 1 }]);
    const o = await order(id);
    assert.equal(o.status, 'placed');
    assert.equal(o.lines[0].fulfilment, 'allocated');
    assert.deepEqual([o.lines[0].cancelled, o.lines[0].returnRequested, o.refundedMinor], [0, 0, 0]);
    assert.deepEqual(
      o.history.map((h: { action: string; by: { uid: string } }) => [h.action, h.by.uid]),
      [['placed', 'ada']],
    );
  });

  test('a customer cancels part of a line before it ships: the units are on sale again where they were sold, the refund is recorded', async () => {
    const id = await placeOrder([
      { sku: 'lamp', qty: 4 },
      { sku: 'sofa', qty: 1 },
    ]);
    assert.equal((await stock('lamp')).available, 6);
    const answer = await cancel(ada, {
      orderId: id,
      lines: [{ lineIndex: 0, qty: 3 }],
      reason: 'changed my mind',
    });
    assert.deepEqual(answer.lines, [{ lineIndex: 0, sku: 'lamp', qty: 3, outcome: 'restocked' }]);
    assert.equal(answer.refundMinor, 3 * 2_000);
    assert.equal(answer.status, 'partially_cancelled');
    const lamp = await stock('lamp');
    assert.deepEqual([lamp.locations['wh-south'].onHand, lamp.available], [9, 9]);
    const o = await order(id);
    assert.deepEqual([o.lines[0].cancelled, o.lines[0].fulfilment, o.refundedMinor], [3, 'allocated', 6_000]);
    assert.equal(o.refunds[0].reason, 'changed my mind');
    assert.deepEqual(o.refunds[0].lines, [{ lineIndex: 0, qty: 3 }]);
    const last = o.history.at(-1);
    assert.deepEqual(
      [last.action, last.by.uid, last.by.role, last.lineIndex, last.qty],
      ['cancelled', 'ada', 'customer', 0, 3],
    );
    // The outside hears of it in the same commit (the outbox, issue 15).
    const told = await outboxOf(id, 'order.cancelled');
    assert.deepEqual(
      told.map((e) => [e.data.refundMinor, e.data.status, e.data.lines]),
      [[6_000, 'partially_cancelled', [{ lineIndex: 0, sku: 'lamp', qty: 3, outcome: 'restocked' }]]],
    );
    const entries = await ledgerOf(id, 'cancel');
    assert.deepEqual(
      entries.map((e) => [e.sku, e.locationId, e.qty, e.actor.uid]),
      [['lamp', 'wh-south', 3, 'ada']],
    );
    await assertInvariants(fs.adminDb);

    // The rest of the order: everything left, the whole order cancelled.
    const rest = await cancel(ada, { orderId: id });
    assert.deepEqual(
      rest.lines.map((l) => [l.lineIndex, l.qty]),
      [
        [0, 1],
        [1, 1],
      ],
    );
    assert.equal(rest.status, 'cancelled');
    const done = await order(id);
    assert.deepEqual(
      done.lines.map((l: { fulfilment: string }) => l.fulfilment),
      ['cancelled', 'cancelled'],
    );
    assert.equal(done.refundedMinor, 4 * 2_000 + 50_000);
    assert.equal((await stock('lamp')).available, 10);
    assert.equal((await stock('sofa')).available, 5);
    await assertInvariants(fs.adminDb);
  });

  test('units of a sharded SKU go back to the shard they were sold from', async () => {
    const id = await placeOrder([{ sku: 'stool', qty: 2 }]);
    const sale = await ledgerOf(id, 'sale');
    await cancel(ada, { orderId: id });
    const back = await ledgerOf(id, 'cancel');
    assert.deepEqual(back.map((e) => [e.shard, e.qty]).sort(), sale.map((e) => [e.shard, e.qty]).sort());
    await assertInvariants(fs.adminDb);
  });

  test('a split line gives its last location back first', async () => {
    const id = await placeOrder([{ sku: 'sofa', qty: 4 }], ada, { allowSplit: true });
    const o = await order(id);
    assert.equal(o.lines[0].allocations.length, 2);
    const lastLoc = o.lines[0].allocations[1].locationId;
    const lastQty = o.lines[0].allocations[1].qty;
    await cancel(ada, { orderId: id, lines: [{ lineIndex: 0, qty: lastQty + 1 }] });
    const back = await ledgerOf(id, 'cancel');
    assert.deepEqual(
      back.map((e) => [e.locationId, e.qty]),
      [
        [lastLoc, lastQty],
        [o.lines[0].allocations[0].locationId, 1],
      ],
    );
    await assertInvariants(fs.adminDb);
  });

  test('fulfilment: allocated, picked, shipped, delivered, each in the history, the shipping in the ledger', async () => {
    const id = await placeOrder([
      { sku: 'sofa', qty: 2 },
      { sku: 'lamp', qty: 1 },
    ]);
    assert.equal((await advance(id, 0, 'picked')).status, 'in_fulfilment');
    const shipped = await advance(id, 0, 'shipped');
    assert.deepEqual([shipped.from, shipped.to, shipped.ledgerEntryIds.length], ['picked', 'shipped', 1]);
    const before = await stock('sofa');
    await advance(id, 1, 'picked');
    await advance(id, 1, 'shipped');
    assert.equal((await order(id)).status, 'shipped');
    await advance(id, 0, 'delivered');
    assert.equal((await advance(id, 1, 'delivered')).status, 'completed');
    // Sold at checkout: leaving the warehouse is recorded, the counters do not move again.
    assert.deepEqual(await stock('sofa').then((s) => [s.onHand, s.available]), [
      before.onHand,
      before.available,
    ]);
    assert.deepEqual((await outboxOf(id, 'order.shipped')).map((e) => [e.data.sku, e.data.qty]).sort(), [
      ['lamp', 1],
      ['sofa', 2],
    ]);
    const ships = await ledgerOf(id, 'ship');
    assert.deepEqual(ships.map((e) => [e.sku, e.qty, e.actor.uid]).sort(), [
      ['lamp', 1, 'sam'],
      ['sofa', 2, 'sam'],
    ]);
    const o = await order(id);
    assert.deepEqual(
      o.history
        .filter((h: { action: string }) => h.action === 'fulfilment')
        .map((h: { lineIndex: number; from: string; to: string; by: { uid: string } }) => [
          h.lineIndex,
          h.from,
          h.to,
          h.by.uid,
        ]),
      [
        [0, 'allocated', 'picked', 'sam'],
        [0, 'picked', 'shipped', 'sam'],
        [1, 'allocated', 'picked', 'sam'],
        [1, 'picked', 'shipped', 'sam'],
        [0, 'shipped', 'delivered', 'sam'],
        [1, 'shipped', 'delivered', 'sam'],
      ],
    );
    assert.deepEqual(
      o.statusHistory.map((s: { status: string }) => s.status),
      ['placed', 'in_fulfilment', 'shipped', 'completed'],
    );
    await assertInvariants(fs.adminDb);
  });

  test('illegal moves are refused naming both states, and change nothing', async () => {
    const id = await placeOrder([
      { sku: 'sofa', qty: 1 },
      { sku: 'lamp', qty: 1 },
    ]);
    await advance(id, 1, 'picked');
    await advance(id, 1, 'shipped');
    await advance(id, 1, 'delivered');
    const cases: [number, string, string][] = [
      [0, 'shipped', 'allocated'],
      [0, 'delivered', 'allocated'],
      [0, 'collected', 'allocated'],
      [0, 'ready_for_pickup', 'allocated'],
      [1, 'picked', 'delivered'],
      [1, 'shipped', 'delivered'],
    ];
    for (const [line, to, from] of cases) {
      const before = await order(id);
      const r = await refusal(advance(id, line, to));
      assert.equal(r.code, 'failed-precondition', `${from} -> ${to}: ${r.message}`);
      assert.deepEqual([r.details.reason, r.details.from, r.details.to], ['illegal_transition', from, to]);
      assert.match(
        r.message,
        new RegExp(`is ${from.replace(/_/g, ' ')}; it cannot become ${to.replace(/_/g, ' ')}`),
      );
      assert.deepEqual(await order(id), before, `${from} -> ${to} changed the order`);
    }
    // Delivery orders are never ready for pickup.
    await advance(id, 0, 'picked');
    const r = await refusal(advance(id, 0, 'ready_for_pickup'));
    assert.deepEqual([r.code, r.details.reason], ['failed-precondition', 'illegal_transition']);
    assert.match(r.message, /delivered, not collected/);
    // A cancelled line moves no further.
    await cancel(ada, { orderId: id, lines: [{ lineIndex: 0, qty: 1 }] });
    const c = await refusal(advance(id, 0, 'shipped'));
    assert.deepEqual([c.details.from, c.details.to], ['cancelled', 'shipped']);
    await assertInvariants(fs.adminDb);
  });

  test('after a line ships, the customer cannot cancel it; staff can, and it becomes a return', async () => {
    const id = await placeOrder([{ sku: 'sofa', qty: 2 }]);
    await advance(id, 0, 'picked');
    await advance(id, 0, 'shipped');
    const r = await refusal(cancel(ada, { orderId: id }));
    assert.deepEqual([r.code, r.details.reason], ['failed-precondition', 'line_shipped']);
    const before = await stock('sofa');
    const staffCut = await cancel(sam, {
      orderId: id,
      lines: [{ lineIndex: 0, qty: 1 }],
      reason: 'arrived scratched',
    });
    assert.deepEqual(staffCut.lines, [{ lineIndex: 0, sku: 'sofa', qty: 1, outcome: 'return_requested' }]);
    assert.equal(staffCut.refundMinor, 50_000);
    assert.deepEqual(staffCut.ledgerEntryIds, []);
    assert.deepEqual(
      await stock('sofa').then((s) => s.onHand),
      before.onHand,
      'nothing back until the goods are',
    );
    const o = await order(id);
    assert.deepEqual(
      [o.lines[0].returnRequested, o.lines[0].fulfilment, o.refundedMinor],
      [1, 'shipped', 50_000],
    );
    assert.equal(o.history.at(-1).action, 'return_requested');
    assert.equal(o.history.at(-1).by.role, 'staff');
    // The goods come back through recordReturn, as any return.
    await api.recordReturn(
      as(sam, {
        idempotencyKey: key(),
        orderId: id,
        sku: 'sofa',
        qty: 1,
        locationId: 'wh-north',
        condition: 'resellable',
      }),
    );
    assert.equal((await stock('sofa')).onHand, before.onHand + 1);
    // Only one more unit can be refunded.
    const more = await refusal(cancel(sam, { orderId: id, lines: [{ lineIndex: 0, qty: 2 }] }));
    assert.deepEqual([more.details.reason, more.details.cancellable], ['cancel_exceeds_line', 1]);
    await assertInvariants(fs.adminDb);
  });

  test('units cancelled before shipping cannot also be returned (no unit doubled)', async () => {
    const id = await placeOrder([{ sku: 'lamp', qty: 2 }]);
    await cancel(ada, { orderId: id, lines: [{ lineIndex: 0, qty: 1 }] });
    const r = await refusal(
      api.recordReturn(
        as(sam, {
          idempotencyKey: key(),
          orderId: id,
          sku: 'lamp',
          qty: 2,
          locationId: 'wh-south',
          condition: 'resellable',
        }),
      ),
    );
    assert.deepEqual(
      [r.code, r.details.reason, r.details.returnable],
      ['failed-precondition', 'return_exceeds_order', 1],
    );
    await assertInvariants(fs.adminDb);
  });

  test('a bundle is cancelled whole: naming one line of it cancels all of it, or nothing', async () => {
    const id = await placeOrder([
      { sku: 'sofa', qty: 1 },
      { sku: 'stool', qty: 4 },
      { sku: 'lamp', qty: 1 },
    ]);
    // A dining set as the bundle engineer's checkout writes it: its lines share a bundle id.
    const o = await order(id);
    o.lines[0].bundleId = 'set-1';
    o.lines[1].bundleId = 'set-1';
    await fs.adminDb.doc(`orders/${id}`).update({ lines: o.lines });
    const answer = await cancel(ada, { orderId: id, lines: [{ lineIndex: 1, qty: 1 }] });
    assert.deepEqual(
      answer.lines.map((l) => [l.lineIndex, l.qty]),
      [
        [0, 1],
        [1, 4],
      ],
    );
    assert.equal(answer.refundMinor, 50_000 + 4 * 4_000);
    assert.equal((await order(id)).lines[2].cancelled, 0);
    await assertInvariants(fs.adminDb);

    // With one line of a bundle shipped, a customer's cancellation of the other is refused whole.
    const id2 = await placeOrder([
      { sku: 'sofa', qty: 1 },
      { sku: 'lamp', qty: 2 },
    ]);
    const o2 = await order(id2);
    o2.lines[0].bundleId = 'set-2';
    o2.lines[1].bundleId = 'set-2';
    await fs.adminDb.doc(`orders/${id2}`).update({ lines: o2.lines });
    await advance(id2, 0, 'picked');
    await advance(id2, 0, 'shipped');
    const before = await order(id2);
    const r = await refusal(cancel(ada, { orderId: id2, lines: [{ lineIndex: 1, qty: 1 }] }));
    assert.deepEqual([r.code, r.details.reason], ['failed-precondition', 'line_shipped']);
    assert.deepEqual(await order(id2), before);
    await assertInvariants(fs.adminDb);
  });

  test('orders written before the lifecycle existed still read and cancel', async () => {
    const id = await placeOrder([{ sku: 'lamp', qty: 2 }]);
    const o = await order(id);
    // The shape checkout wrote before issue 14.
    await fs.adminDb.doc(`orders/${id}`).set({
      customerId: o.customerId,
      reservationId: o.reservationId,
      lines: o.lines.map((l: Record<string, unknown>) => ({
        sku: l.sku,
        qty: l.qty,
        unitPriceMinor: l.unitPriceMinor,
        allocations: l.allocations,
        returned: 0,
      })),
      totalMinor: o.totalMinor,
      currency: o.currency,
      status: 'placed',
      statusHistory: o.statusHistory,
      createdAt: o.createdAt,
    });
    const answer = await cancel(ada, { orderId: id });
    assert.equal(answer.status, 'cancelled');
    const after = await order(id);
    assert.deepEqual(
      [after.lines[0].cancelled, after.lines[0].fulfilment, after.refundedMinor],
      [2, 'cancelled', 4_000],
    );
    await assertInvariants(fs.adminDb);
  });

  test('a retry with the same key has one effect and the same answer, even when sent at once', async () => {
    const id = await placeOrder([{ sku: 'lamp', qty: 5 }]);
    const data = { idempotencyKey: key(), orderId: id, lines: [{ lineIndex: 0, qty: 2 }] };
    const answers = await Promise.all(Array.from({ length: 6 }, () => api.cancelOrder(as(ada, data))));
    for (const a of answers) assert.deepEqual(a, answers[0]);
    assert.deepEqual(await api.cancelOrder(as(ada, data)), answers[0]);
    assert.equal((await order(id)).lines[0].cancelled, 2);
    assert.equal(
      (await ledgerOf(id, 'cancel')).reduce((n, e) => n + e.qty, 0),
      2,
    );
    const move = { idempotencyKey: key(), orderId: id, lineIndex: 0, to: 'picked' };
    const moves = await Promise.all(Array.from({ length: 4 }, () => api.advanceFulfilment(as(sam, move))));
    for (const m of moves) assert.deepEqual(m, moves[0]);
    assert.equal(
      (await order(id)).history.filter((h: { action: string }) => h.action === 'fulfilment').length,
      1,
    );
    await assertInvariants(fs.adminDb);
  });

  test('a crash before the commit leaves nothing; the retry does it once', async () => {
    const id = await placeOrder([{ sku: 'sofa', qty: 1 }]);
    const data = { idempotencyKey: key(), orderId: id };
    const crashing = inventoryCallables(() => ({
      ...deps,
      checkpoint: (step) => {
        if (step === 'cancelOrder:before-write') throw new Error('crash');
      },
    }));
    const before = await order(id);
    await assert.rejects(crashing.cancelOrder(as(ada, data)));
    assert.deepEqual(await order(id), before);
    assert.equal((await api.cancelOrder(as(ada, data))).status, 'cancelled');
    await assertInvariants(fs.adminDb);
  });
});

describe('orders: bad input and wrong callers', () => {
  let fs: TestFirestore;
  let api: Api;
  let orderId: string;
  let shippedOrder: string;
  let cancelledOrder: string;
  let usedKey: string;
  before(async () => {
    fs = await useEmulator();
    const deps: Deps = { db: fs.adminDb, clock: new FakeClock() };
    await seedStore(deps, [{ sku: 'desk', priceMinor: 30_000, stock: { 'wh-north': 10 } }]);
    api = inventoryCallables(() => deps);
    const place = async (qty: number) => {
      const held = await api.reserveStock(as(ada, { idempotencyKey: key(), lines: [{ sku: 'desk', qty }] }));
      return (await api.checkout(as(ada, { idempotencyKey: key(), reservationId: held.reservationId })))
        .orderId;
    };
    orderId = await place(2);
    shippedOrder = await place(1);
    cancelledOrder = await place(1);
    usedKey = key();
    await api.advanceFulfilment(
      as(sam, { idempotencyKey: key(), orderId: shippedOrder, lineIndex: 0, to: 'picked' }),
    );
    await api.advanceFulfilment(
      as(sam, { idempotencyKey: usedKey, orderId: shippedOrder, lineIndex: 0, to: 'shipped' }),
    );
    await api.cancelOrder(as(ada, { idempotencyKey: key(), orderId: cancelledOrder }));
  });
  after(() => fs.stop());

  const k = () => key('bad');
  interface Case {
    name: string;
    call: 'cancelOrder' | 'advanceFulfilment';
    req: () => CallRequest;
    code: string;
    details?: Record<string, unknown>;
  }
  const cases: Case[] = [
    {
      name: 'no signed-in user',
      call: 'cancelOrder',
      req: () => as(undefined, { idempotencyKey: k(), orderId }),
      code: 'unauthenticated',
    },
    {
      name: "someone else's order",
      call: 'cancelOrder',
      req: () => as(ben, { idempotencyKey: k(), orderId }),
      code: 'permission-denied',
    },
    {
      name: 'an order that does not exist',
      call: 'cancelOrder',
      req: () => as(ada, { idempotencyKey: k(), orderId: 'no-such-order' }),
      code: 'not-found',
      details: { kind: 'order' },
    },
    {
      name: 'a forged order id with a slash',
      call: 'cancelOrder',
      req: () => as(ada, { idempotencyKey: k(), orderId: `${orderId}/../x` }),
      code: 'invalid-argument',
      details: { field: 'orderId' },
    },
    {
      name: 'order id of the wrong type',
      call: 'cancelOrder',
      req: () => as(ada, { idempotencyKey: k(), orderId: 42 }),
      code: 'invalid-argument',
      details: { field: 'orderId' },
    },
    {
      name: 'missing idempotency key',
      call: 'cancelOrder',
      req: () => as(ada, { orderId }),
      code: 'invalid-argument',
      details: { field: 'idempotencyKey' },
    },
    {
      name: 'data is not an object',
      call: 'cancelOrder',
      req: () => as(ada, 'cancel'),
      code: 'invalid-argument',
    },
    ...([-1, 0, 1.5, '1', 1e9, null] as unknown[]).map((qty): Case => ({
      name: `quantity ${String(qty)}`,
      call: 'cancelOrder',
      req: () => as(ada, { idempotencyKey: k(), orderId, lines: [{ lineIndex: 0, qty }] }),
      code: 'invalid-argument',
      details: { field: 'lines.0.qty' },
    })),
    {
      name: 'an unknown line',
      call: 'cancelOrder',
      req: () => as(ada, { idempotencyKey: k(), orderId, lines: [{ lineIndex: 7, qty: 1 }] }),
      code: 'not-found',
      details: { kind: 'order line' },
    },
    {
      name: 'a negative line index',
      call: 'cancelOrder',
      req: () => as(ada, { idempotencyKey: k(), orderId, lines: [{ lineIndex: -1, qty: 1 }] }),
      code: 'invalid-argument',
      details: { field: 'lines.0.lineIndex' },
    },
    {
      name: 'the same line twice',
      call: 'cancelOrder',
      req: () =>
        as(ada, {
          idempotencyKey: k(),
          orderId,
          lines: [
            { lineIndex: 0, qty: 1 },
            { lineIndex: 0, qty: 1 },
          ],
        }),
      code: 'invalid-argument',
      details: { field: 'lines.1.lineIndex' },
    },
    {
      name: 'an empty list of lines',
      call: 'cancelOrder',
      req: () => as(ada, { idempotencyKey: k(), orderId, lines: [] }),
      code: 'invalid-argument',
      details: { field: 'lines' },
    },
    {
      name: 'more units than the line holds',
      call: 'cancelOrder',
      req: () => as(ada, { idempotencyKey: k(), orderId, lines: [{ lineIndex: 0, qty: 3 }] }),
      code: 'failed-precondition',
      details: { reason: 'cancel_exceeds_line', cancellable: 2 },
    },
    {
      name: 'a reason of 10,000 characters',
      call: 'cancelOrder',
      req: () => as(ada, { idempotencyKey: k(), orderId, reason: 'x'.repeat(10_000) }),
      code: 'invalid-argument',
      details: { field: 'reason' },
    },
    {
      name: 'a shipped line, by its customer',
      call: 'cancelOrder',
      req: () => as(ada, { idempotencyKey: k(), orderId: shippedOrder }),
      code: 'failed-precondition',
      details: { reason: 'line_shipped' },
    },
    {
      name: 'an order cancelled already (a new key)',
      call: 'cancelOrder',
      req: () => as(ada, { idempotencyKey: k(), orderId: cancelledOrder }),
      code: 'failed-precondition',
      details: { reason: 'order_cancelled' },
    },
    {
      name: 'a line cancelled already',
      call: 'cancelOrder',
      req: () => as(sam, { idempotencyKey: k(), orderId: cancelledOrder, lines: [{ lineIndex: 0, qty: 1 }] }),
      code: 'failed-precondition',
      details: { reason: 'line_cancelled' },
    },
    {
      name: 'a customer moving fulfilment',
      call: 'advanceFulfilment',
      req: () => as(ada, { idempotencyKey: k(), orderId, lineIndex: 0, to: 'picked' }),
      code: 'permission-denied',
    },
    {
      name: 'an unknown state',
      call: 'advanceFulfilment',
      req: () => as(sam, { idempotencyKey: k(), orderId, lineIndex: 0, to: 'teleported' }),
      code: 'invalid-argument',
      details: { field: 'to' },
    },
    {
      name: 'back to allocated',
      call: 'advanceFulfilment',
      req: () => as(sam, { idempotencyKey: k(), orderId, lineIndex: 0, to: 'allocated' }),
      code: 'invalid-argument',
      details: { field: 'to' },
    },
    {
      name: 'to cancelled (cancelOrder does that)',
      call: 'advanceFulfilment',
      req: () => as(sam, { idempotencyKey: k(), orderId, lineIndex: 0, to: 'cancelled' }),
      code: 'invalid-argument',
      details: { field: 'to' },
    },
    {
      name: 'an unknown line (fulfilment)',
      call: 'advanceFulfilment',
      req: () => as(sam, { idempotencyKey: k(), orderId, lineIndex: 3, to: 'picked' }),
      code: 'not-found',
      details: { kind: 'order line' },
    },
    {
      name: 'a fractional line index',
      call: 'advanceFulfilment',
      req: () => as(sam, { idempotencyKey: k(), orderId, lineIndex: 0.5, to: 'picked' }),
      code: 'invalid-argument',
      details: { field: 'lineIndex' },
    },
    {
      name: 'a skipped step',
      call: 'advanceFulfilment',
      req: () => as(sam, { idempotencyKey: k(), orderId, lineIndex: 0, to: 'delivered' }),
      code: 'failed-precondition',
      details: { reason: 'illegal_transition', from: 'allocated', to: 'delivered' },
    },
    {
      name: 'a key reused for another request',
      call: 'advanceFulfilment',
      req: () => as(sam, { idempotencyKey: usedKey, orderId, lineIndex: 0, to: 'picked' }),
      code: 'invalid-argument',
      details: { field: 'idempotencyKey' },
    },
  ];

  test('each is refused clearly and changes nothing', async () => {
    for (const c of cases) {
      const before = await everything(fs.adminDb);
      const r = await refusal(api[c.call](c.req()));
      assert.equal(r.code, c.code, `${c.name}: ${r.message}`);
      assert.ok(r.message.length > 10, `${c.name}: message "${r.message}"`);
      for (const [field, v] of Object.entries(c.details ?? {}))
        assert.deepEqual(r.details[field], v, `${c.name}: details.${field} (${r.message})`);
      assert.deepEqual(await everything(fs.adminDb), before, `${c.name} wrote something`);
    }
    await assertInvariants(fs.adminDb);
  });
});

describe('orders under contention', () => {
  let fs: TestFirestore;
  let deps: Deps;
  let clock: FakeClock;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await clear(fs);
    clock = new FakeClock();
    deps = { db: fs.adminDb, clock };
    await seedStore(deps, [
      { sku: 'chair', priceMinor: 9_000, stock: { 'wh-north': 200 } },
      { sku: 'hot-stool', priceMinor: 3_000, stock: { 'wh-north': 200 }, shards: { 'wh-north': 4 } },
    ]);
  });

  async function settle<T>(calls: Promise<T>[]) {
    const results = await Promise.allSettled(calls);
    const codes: Record<string, number> = {};
    for (const r of results) {
      const code = r.status === 'fulfilled' ? 'ok' : String((r.reason as { code?: string }).code ?? r.reason);
      codes[code] = (codes[code] ?? 0) + 1;
    }
    return codes;
  }

  async function place(api: Api, uid: string, sku: string, qty: number): Promise<string> {
    const held = await api.reserveStock(as(who(uid), { idempotencyKey: key(), lines: [{ sku, qty }] }));
    return (await api.checkout(as(who(uid), { idempotencyKey: key(), reservationId: held.reservationId })))
      .orderId;
  }

  test('12 cancellations of one unit each race for a line of 5 on 3 instances: exactly 5 win', async () => {
    const others = [1, 2].map(() => instance(fs.host, fs.projectId, clock));
    const apis = [deps, ...others.map((o) => o.deps)].map((d) => inventoryCallables(() => d));
    const id = await place(apis[0]!, 'ada', 'hot-stool', 5);
    const codes = await settle(
      Array.from({ length: 12 }, (_, i) =>
        apis[i % 3]!.cancelOrder(
          as(ada, { idempotencyKey: key(), orderId: id, lines: [{ lineIndex: 0, qty: 1 }] }),
        ),
      ),
    );
    await Promise.all(others.map((o) => o.close()));
    assert.deepEqual(codes, { ok: 5, 'failed-precondition': 7 });
    const o = (await fs.adminDb.doc(`orders/${id}`).get()).data()!;
    assert.deepEqual(
      [o.lines[0].cancelled, o.lines[0].fulfilment, o.status, o.refundedMinor],
      [5, 'cancelled', 'cancelled', 15_000],
    );
    assert.equal(o.refunds.length, 5);
    await assertInvariants(fs.adminDb);
  });

  test('cancellation racing shipment on 30 orders: each line is either back on sale or shipped, never both', async () => {
    const api = inventoryCallables(() => deps);
    const other = instance(fs.host, fs.projectId, clock);
    const staffApi = inventoryCallables(() => other.deps);
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => place(api, `c${i}`, 'chair', 2)));
    await Promise.all(
      ids.map((id) =>
        staffApi.advanceFulfilment(
          as(sam, { idempotencyKey: key(), orderId: id, lineIndex: 0, to: 'picked' }),
        ),
      ),
    );
    const before = (await fs.adminDb.doc('inventory/chair').get()).data()!;
    const outcomes = await Promise.all(
      ids.map(async (id, i) => {
        const [cancelled, shipped] = await Promise.allSettled([
          api.cancelOrder(as(who(`c${i}`), { idempotencyKey: key(), orderId: id })),
          staffApi.advanceFulfilment(
            as(sam, { idempotencyKey: key(), orderId: id, lineIndex: 0, to: 'shipped' }),
          ),
        ]);
        assert.ok(
          (cancelled.status === 'fulfilled') !== (shipped.status === 'fulfilled'),
          `order ${id}: exactly one wins`,
        );
        return cancelled.status === 'fulfilled' ? 'cancelled' : 'shipped';
      }),
    );
    await other.close();
    const cancelledCount = outcomes.filter((o) => o === 'cancelled').length;
    const after = (await fs.adminDb.doc('inventory/chair').get()).data()!;
    assert.equal(
      after.available,
      before.available + 2 * cancelledCount,
      'exactly the cancelled units are back',
    );
    for (const [i, id] of ids.entries()) {
      const o = (await fs.adminDb.doc(`orders/${id}`).get()).data()!;
      assert.equal(o.lines[0].fulfilment, outcomes[i], `order ${id}`);
    }
    await assertInvariants(fs.adminDb);
  });

  test('cancellations racing the expiry sweep over the same SKUs lose and double nothing', async () => {
    const api = inventoryCallables(() => deps);
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) => place(api, `o${i}`, i % 2 ? 'chair' : 'hot-stool', 1)),
    );
    // Holds that will be due when the sweep runs, on the same documents and shards.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.reserveStock(
          as(who(`h${i}`), {
            idempotencyKey: key(),
            lines: [{ sku: i % 2 ? 'chair' : 'hot-stool', qty: 2 }],
          }),
        ),
      ),
    );
    clock.advance(defaultSettings.holdMs + 1);
    const [swept, ...cancels] = await Promise.allSettled([
      expireReservations(deps),
      ...ids.map((id, i) => api.cancelOrder(as(who(`o${i}`), { idempotencyKey: key(), orderId: id }))),
    ]);
    assert.equal(swept.status, 'fulfilled');
    assert.equal(swept.status === 'fulfilled' && swept.value.expired, 20);
    assert.deepEqual(
      cancels.map((c) => c.status),
      Array(20).fill('fulfilled'),
    );
    for (const sku of ['chair', 'hot-stool']) await refreshAvailability(deps, sku, true);
    const chair = (await fs.adminDb.doc('inventory/chair').get()).data()!;
    assert.deepEqual([chair.onHand, chair.reserved, chair.available], [200, 0, 200]);
    await assertInvariants(fs.adminDb, { aggregates: true });
  });
});

describe('click and collect', () => {
  let fs: TestFirestore;
  let deps: Deps;
  let clock: FakeClock;
  let api: Api;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await clear(fs);
    clock = new FakeClock();
    deps = { db: fs.adminDb, clock };
    api = inventoryCallables(() => deps);
    await seedStore(deps, [{ sku: 'vase', priceMinor: 1_500, stock: { 'wh-north': 5, 'store-bath': 2 } }]);
  });

  const collect = async (qty: number, allowTransfer = false) => {
    const held = await api.reserveStock(
      as(ada, {
        idempotencyKey: key(),
        lines: [{ sku: 'vase', qty }],
        pickup: { locationId: 'store-bath', allowTransfer },
      }),
    );
    return {
      held,
      orderId: (await api.checkout(as(ada, { idempotencyKey: key(), reservationId: held.reservationId })))
        .orderId,
    };
  };
  const order = async (id: string) => (await fs.adminDb.doc(`orders/${id}`).get()).data()!;
  const step = (orderId: string, to: string) =>
    api.advanceFulfilment(as(sam, { idempotencyKey: key(), orderId, lineIndex: 0, to }));

  test("the cart takes the store's stock, though the warehouses come first for delivery", async () => {
    const { held, orderId } = await collect(2);
    assert.deepEqual(held.lines[0]!.allocations, [{ locationId: 'store-bath', qty: 2 }]);
    // All at the store: ready as soon as it is picked.
    assert.deepEqual(held.pickup, { locationId: 'store-bath', readyFrom: clock.now().toISOString() });
    const o = await order(orderId);
    assert.deepEqual(
      [o.pickup.locationId, o.pickup.viaTransfer, o.pickup.expiresAt, o.pickup.readyFrom.toMillis()],
      ['store-bath', false, null, clock.now().getTime()],
    );
    await assertInvariants(fs.adminDb);
  });

  test('more than the store holds: refused with what it has, unless the customer allows a transfer in, ready after its lead time', async () => {
    const r = await refusal(
      api.reserveStock(
        as(ada, {
          idempotencyKey: key(),
          lines: [{ sku: 'vase', qty: 3 }],
          pickup: { locationId: 'store-bath' },
        }),
      ),
    );
    assert.deepEqual([r.code, r.details.available], ['resource-exhausted', 2]);
    const { held, orderId } = await collect(3, true);
    assert.deepEqual(held.lines[0]!.allocations, [{ locationId: 'wh-north', qty: 3 }]);
    // The units travel from wh-north (lead time 2 days) first: the pickup is two days later.
    const twoDaysOn = clock.now().getTime() + 2 * 24 * 3600 * 1000;
    assert.deepEqual(held.pickup, { locationId: 'store-bath', readyFrom: new Date(twoDaysOn).toISOString() });
    const o = await order(orderId);
    assert.deepEqual([o.pickup.viaTransfer, o.pickup.readyFrom.toMillis()], [true, twoDaysOn]);
    await assertInvariants(fs.adminDb);
  });

  test('picked, ready for pickup (the hold starts), collected: the units leave the store in the ledger', async () => {
    const { orderId } = await collect(1);
    await step(orderId, 'picked');
    const r = await refusal(step(orderId, 'shipped'));
    assert.deepEqual(
      [r.details.reason, r.details.from, r.details.to],
      ['illegal_transition', 'picked', 'shipped'],
    );
    assert.match(r.message, /collects it at store-bath/);
    assert.equal((await step(orderId, 'ready_for_pickup')).status, 'ready_for_pickup');
    const ready = await order(orderId);
    assert.equal(ready.pickup.expiresAt.toMillis(), clock.now().getTime() + defaultSettings.pickupHoldMs);
    const done = await step(orderId, 'collected');
    assert.equal(done.status, 'completed');
    const ship = (await fs.adminDb.collection('ledger').where('correlationId', '==', orderId).get()).docs
      .map((d) => d.data())
      .filter((e) => e.kind === 'ship');
    assert.deepEqual(
      ship.map((e) => [e.locationId, e.qty, e.reason]),
      [['store-bath', 1, `collected for order ${orderId}`]],
    );
    await assertInvariants(fs.adminDb);
  });

  test('not collected within PICKUP_HOLD_HOURS: cancelled, restocked at the store, refunded, once', async () => {
    const { orderId } = await collect(2);
    await step(orderId, 'picked');
    await step(orderId, 'ready_for_pickup');
    const early = await expirePickups(deps);
    assert.equal(early.expired, 0);
    clock.advance(defaultSettings.pickupHoldMs - 1);
    assert.equal((await expirePickups(deps)).expired, 0, 'not a millisecond early');
    clock.advance(1);
    const [a, b] = await Promise.all([expirePickups(deps), expirePickups(deps)]);
    assert.equal(a.expired + b.expired, 1, 'two overlapping runs expire it once');
    const o = await order(orderId);
    assert.deepEqual(
      [o.status, o.lines[0].fulfilment, o.refundedMinor, o.pickup.expiresAt],
      ['cancelled', 'cancelled', 3_000, null],
    );
    assert.deepEqual([o.history.at(-1).action, o.history.at(-1).by.uid], ['pickup_expired', 'expirePickups']);
    const vase = (await fs.adminDb.doc('inventory/vase').get()).data()!;
    assert.equal(vase.locations['store-bath'].available, 2);
    assert.equal((await expirePickups(deps)).expired, 0);
    await assertInvariants(fs.adminDb);
  });

  test('a collected order is never expired', async () => {
    const { orderId } = await collect(1);
    for (const to of ['picked', 'ready_for_pickup', 'collected']) await step(orderId, to);
    clock.advance(defaultSettings.pickupHoldMs + 1);
    assert.equal((await expirePickups(deps)).expired, 0);
    assert.equal((await order(orderId)).status, 'completed');
    await assertInvariants(fs.adminDb);
  });
});
