/**
 * The supply side through the callable handlers: purchase orders (incoming, receipts by line,
 * closing), cycle counts with compare-and-set, stock policy; bad input; retries; receipts and counts
 * racing reservations. The invariants (incoming = what open orders await, ledger replay = counters)
 * and reconciliation are checked after each.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import type { CallRequest } from '../../src/platform/callable';
import { as, type Failure, refusal, user } from './support/calls';
import { inventoryCallables } from '../../src/inventory/callables';
import type { Deps } from '../../src/inventory/deps';
import { reconcileInventory } from '../../src/inventory/reconcile';
import { AvailabilityRefresher } from '../../src/inventory/refresh';
import { storeSettings } from '../../src/platform/settings';
import { assertInvariants } from './support/invariants';
import { everything } from './support/snapshot';
import { FakeClock, instance, key, seedStore } from './support/store';

type Api = ReturnType<typeof inventoryCallables>;
const staff = user('kim', { staff: true });
const ivy = user('ivy');
const EXPECTED = '2026-12-01T00:00:00.000Z';

/** Everything the inventory domain writes, purchase orders included. */
async function allData(fs: TestFirestore) {
  const out = await everything(fs.adminDb);
  for (const d of (await fs.adminDb.collection('purchaseOrders').get()).docs) out[d.ref.path] = d.data();
  return out;
}

async function noDrift(deps: Deps) {
  const report = await reconcileInventory(deps);
  assert.deepEqual(report.drift, [], 'reconciliation found drift');
}

describe('supply: purchase orders, counts, policy', () => {
  let fs: TestFirestore;
  let deps: Deps;
  let api: Api;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    const base = { db: fs.adminDb, clock: new FakeClock() };
    deps = { ...base, refresher: new AvailabilityRefresher(base) };
    await seedStore(deps, [
      { sku: 'sofa', stock: { 'wh-north': 2 } },
      { sku: 'lamp', stock: { 'wh-south': 4 } },
      { sku: 'stool', stock: { 'wh-north': 6 }, shards: { 'wh-north': 3 } },
    ]);
    api = inventoryCallables(() => deps);
  });

  const inv = async (sku: string) => (await fs.adminDb.doc(`inventory/${sku}`).get()).data()!;
  const po = async (id: string) => (await fs.adminDb.doc(`purchaseOrders/${id}`).get()).data()!;
  const create = (lines: { sku: string; qty: number }[], locationId = 'wh-north', idempotencyKey = key()) =>
    api.createPurchaseOrder(
      as(staff, { idempotencyKey, supplier: 'Oak & Co', locationId, expectedAt: EXPECTED, lines }),
    );
  const receive = (purchaseOrderId: string, lines: { sku: string; qty: number }[], idempotencyKey = key()) =>
    api.receivePurchaseOrder(as(staff, { idempotencyKey, purchaseOrderId, lines }));

  test('an order raises incoming; receipts by line move it on hand; the last one completes it', async () => {
    const made = await create([
      { sku: 'sofa', qty: 5 },
      { sku: 'lamp', qty: 3 },
    ]);
    assert.equal(made.status, 'open');
    assert.equal(made.ledgerEntryIds.length, 2);
    assert.deepEqual(
      [(await inv('sofa')).incoming, (await inv('sofa')).locations['wh-north'].incoming],
      [5, 5],
    );
    assert.equal((await inv('lamp')).locations['wh-north'].incoming, 3);
    assert.equal((await inv('sofa')).available, 2, 'incoming is never sold');
    await assertInvariants(fs.adminDb);

    const part = await receive(made.purchaseOrderId, [{ sku: 'sofa', qty: 2 }]);
    assert.equal(part.status, 'open');
    assert.deepEqual(part.lines, [
      { sku: 'sofa', qty: 5, received: 2 },
      { sku: 'lamp', qty: 3, received: 0 },
    ]);
    const sofa = await inv('sofa');
    assert.deepEqual(
      [sofa.locations['wh-north'].onHand, sofa.locations['wh-north'].incoming, sofa.available],
      [4, 3, 4],
    );
    await assertInvariants(fs.adminDb);

    const rest = await receive(made.purchaseOrderId, [
      { sku: 'sofa', qty: 3 },
      { sku: 'lamp', qty: 3 },
    ]);
    assert.equal(rest.status, 'received');
    assert.equal((await po(made.purchaseOrderId)).status, 'received');
    assert.ok((await po(made.purchaseOrderId)).closedAt, 'a received order records when');
    assert.deepEqual([(await inv('sofa')).onHand, (await inv('sofa')).incoming], [7, 0]);
    assert.deepEqual(
      [(await inv('lamp')).locations['wh-north'].onHand, (await inv('lamp')).incoming],
      [3, 0],
    );
    const kinds = (
      await fs.adminDb.collection('ledger').where('correlationId', '==', made.purchaseOrderId).get()
    ).docs
      .map((d) => d.data().kind)
      .sort();
    assert.deepEqual(kinds, ['po_ordered', 'po_ordered', 'po_received', 'po_received', 'po_received']);

    const closed = await refusal(receive(made.purchaseOrderId, [{ sku: 'sofa', qty: 1 }]));
    assert.equal(closed.code, 'failed-precondition');
    assert.equal(closed.details?.reason, 'purchase_order_closed');
    await assertInvariants(fs.adminDb);
    await noDrift(deps);
  });

  test('a receipt at a sharded location lands on a shard; incoming stays on the location', async () => {
    const made = await create([{ sku: 'stool', qty: 9 }]);
    assert.equal((await inv('stool')).locations['wh-north'].incoming, 9);
    await receive(made.purchaseOrderId, [{ sku: 'stool', qty: 4 }]);
    const shards = (await fs.adminDb.collection('inventory/stool/shards').get()).docs.map(
      (d) => d.data().onHand,
    );
    assert.equal(
      shards.reduce((a, b) => a + b, 0),
      10,
    );
    assert.equal((await inv('stool')).locations['wh-north'].incoming, 5);
    await deps.refresher!.idle();
    await assertInvariants(fs.adminDb, { aggregates: true });
    await noDrift(deps);
  });

  test('over-receipt and an unknown line are refused and change nothing; closing drops what never came', async () => {
    const made = await create([{ sku: 'sofa', qty: 4 }]);
    await receive(made.purchaseOrderId, [{ sku: 'sofa', qty: 3 }]);
    const before = await allData(fs);
    const over = await refusal(receive(made.purchaseOrderId, [{ sku: 'sofa', qty: 2 }]));
    assert.equal(over.code, 'failed-precondition');
    assert.equal(over.details?.reason, 'over_receipt');
    assert.equal(over.details?.awaited, 1);
    assert.match(over.message, /awaits 1 × sofa; 2 were received/);
    const stray = await refusal(receive(made.purchaseOrderId, [{ sku: 'lamp', qty: 1 }]));
    assert.equal(stray.code, 'not-found');
    assert.equal(stray.details?.kind, 'purchase order line');
    assert.deepEqual(await allData(fs), before, 'a refused receipt wrote something');

    const closed = await api.closePurchaseOrder(
      as(staff, { idempotencyKey: key(), purchaseOrderId: made.purchaseOrderId, reason: 'supplier short' }),
    );
    assert.equal(closed.status, 'closed');
    assert.equal(closed.ledgerEntryIds.length, 1);
    assert.deepEqual([(await inv('sofa')).incoming, (await inv('sofa')).onHand], [0, 5]);
    const again = await refusal(
      api.closePurchaseOrder(as(staff, { idempotencyKey: key(), purchaseOrderId: made.purchaseOrderId })),
    );
    assert.equal(again.details?.reason, 'purchase_order_closed');
    await assertInvariants(fs.adminDb);
    await noDrift(deps);
  });

  test('retried calls (same key, even at once) have one effect and the first answer', async () => {
    const k = key('po');
    const [a, b] = await Promise.all([
      create([{ sku: 'sofa', qty: 6 }], 'wh-north', k),
      create([{ sku: 'sofa', qty: 6 }], 'wh-north', k),
    ]);
    assert.deepEqual(a, b);
    assert.equal((await fs.adminDb.collection('purchaseOrders').get()).size, 1);
    assert.equal((await inv('sofa')).incoming, 6);
    const rk = key('rcv');
    const receipts = await Promise.all(
      Array.from({ length: 4 }, () => receive(a.purchaseOrderId, [{ sku: 'sofa', qty: 5 }], rk)),
    );
    for (const r of receipts) assert.deepEqual(r, receipts[0]);
    assert.deepEqual([(await inv('sofa')).onHand, (await inv('sofa')).incoming], [7, 1]);
    const reused = await refusal(receive(a.purchaseOrderId, [{ sku: 'sofa', qty: 1 }], rk));
    assert.equal(reused.code, 'invalid-argument');
    assert.equal(reused.details?.field, 'idempotencyKey');
    await assertInvariants(fs.adminDb);
  });

  test('a cycle count sets the figure when the counter saw the current one, and is refused with it otherwise', async () => {
    const count = (
      counted: number,
      expectedOnHand: number,
      sku = 'lamp',
      locationId = 'wh-south',
      idempotencyKey = key(),
    ) =>
      api.setStockCount(
        as(staff, { idempotencyKey, sku, locationId, counted, expectedOnHand, note: 'aisle 4' }),
      );
    const down = await count(3, 4);
    assert.deepEqual([down.previous, down.counted, down.delta, down.ledgerEntryIds.length], [4, 3, -1, 1]);
    const entry = (await fs.adminDb.doc(`ledger/${down.ledgerEntryIds[0]}`).get()).data()!;
    assert.deepEqual([entry.kind, entry.qty, entry.reason], ['adjust', -1, 'cycle count: aisle 4']);
    assert.equal((await inv('lamp')).onHand, 3);

    const before = await allData(fs);
    const stale = await refusal(count(10, 4));
    assert.equal(stale.code, 'failed-precondition');
    assert.deepEqual(stale.details, { reason: 'count_mismatch', expectedOnHand: 4, currentOnHand: 3 });
    assert.deepEqual(await allData(fs), before, 'a stale count wrote something');

    const same = await count(3, 3);
    assert.deepEqual([same.delta, same.ledgerEntryIds], [0, []]);
    const up = await count(8, 3);
    assert.equal(up.delta, 5);
    assert.equal((await inv('lamp')).onHand, 8);

    // Sharded: the figure is the shards' sum; a count below it takes from the fullest shards.
    const stool = await count(2, 6, 'stool', 'wh-north');
    assert.equal(stool.delta, -4);
    const shards = (await fs.adminDb.collection('inventory/stool/shards').get()).docs.map(
      (d) => d.data().onHand,
    );
    assert.equal(
      shards.reduce((a, b) => a + b, 0),
      2,
    );

    // Units held for a cart cannot be counted away.
    await api.reserveStock(as(ivy, { idempotencyKey: key(), lines: [{ sku: 'sofa', qty: 2 }] }));
    const held = await refusal(count(1, 2, 'sofa', 'wh-north'));
    assert.equal(held.details?.reason, 'count_below_reserved');
    await deps.refresher!.idle();
    await assertInvariants(fs.adminDb);
    await noDrift(deps);
  });

  test('stock policy: a SKU threshold over the store param, back to it with null; safety stock per location', async () => {
    const policy = (data: Record<string, unknown>) =>
      api.setStockPolicy(as(staff, { idempotencyKey: key(), sku: 'lamp', ...data }));
    assert.equal((await inv('lamp')).status, 'in_stock');
    const set = await policy({ lowStockUnits: 5, safetyStock: { 'wh-south': 1 } });
    assert.deepEqual(set, {
      sku: 'lamp',
      lowStockUnits: 5,
      lowStockOverride: 5,
      safetyStock: { 'wh-south': 1 },
      backorder: null,
    });
    const lamp = await inv('lamp');
    assert.deepEqual(
      [lamp.status, lamp.lowStockUnits, lamp.locations['wh-south'].safetyStock],
      ['low', 5, 1],
    );
    // Leaving the threshold out keeps it; null hands it back to the store's param.
    await policy({ safetyStock: { 'wh-south': 0 } });
    assert.equal((await inv('lamp')).lowStockUnits, 5);
    const reset = await policy({ lowStockUnits: null });
    assert.equal(reset.lowStockOverride, null);
    assert.equal((await inv('lamp')).lowStockUnits, storeSettings().lowStockUnits);
    assert.equal((await inv('lamp')).status, 'in_stock');
    // Its own threshold survives the next stock movement.
    await policy({ lowStockUnits: 10 });
    await api.restock(as(staff, { idempotencyKey: key(), sku: 'lamp', locationId: 'wh-south', qty: 1 }));
    assert.deepEqual([(await inv('lamp')).lowStockUnits, (await inv('lamp')).status], [10, 'low']);
    await assertInvariants(fs.adminDb);
  });

  test('safety stock is withheld from carts and from the status shoppers see', async () => {
    const reserve = (qty: number) =>
      api.reserveStock(as(ivy, { idempotencyKey: key(), lines: [{ sku: 'sofa', qty }] }));
    await api.setStockPolicy(
      as(staff, { idempotencyKey: key(), sku: 'sofa', safetyStock: { 'wh-north': 2 } }),
    );
    assert.deepEqual([(await inv('sofa')).available, (await inv('sofa')).status], [2, 'out']);
    const none = await refusal(reserve(1));
    assert.equal(none.code, 'resource-exhausted');
    assert.equal(none.details?.available, 0);
    await api.restock(as(staff, { idempotencyKey: key(), sku: 'sofa', locationId: 'wh-north', qty: 3 }));
    assert.equal((await inv('sofa')).status, 'low');
    const over = await refusal(reserve(4));
    assert.equal(over.details?.available, 3);
    await reserve(3);
    assert.equal((await refusal(reserve(1))).details?.available, 0);
    // Staff still reach it: a transfer may move the safety stock itself.
    await api.transferStock(
      as(staff, {
        idempotencyKey: key(),
        sku: 'sofa',
        fromLocationId: 'wh-north',
        toLocationId: 'wh-south',
        qty: 2,
      }),
    );
    await assertInvariants(fs.adminDb);
  });

  test('30 carts on 3 instances for 20 units under 5 of safety stock: exactly 15 held', async () => {
    await api.restock(as(staff, { idempotencyKey: key(), sku: 'lamp', locationId: 'wh-south', qty: 16 }));
    await api.setStockPolicy(
      as(staff, { idempotencyKey: key(), sku: 'lamp', safetyStock: { 'wh-south': 5 } }),
    );
    const others = [1, 2].map(() => instance(fs.host, fs.projectId, deps.clock));
    const apis = [api, ...others.map((o) => inventoryCallables(() => o.deps))];
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        apis[i % 3]!.reserveStock(
          as(user(`buyer-${i}`), { idempotencyKey: key(), lines: [{ sku: 'lamp', qty: 1 }] }),
        ),
      ),
    );
    await Promise.all(others.map((o) => o.close()));
    const codes = results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as Failure).code));
    assert.equal(codes.filter((c) => c === 'ok').length, 15, codes.join(','));
    assert.ok(
      codes.every((c) => c === 'ok' || c === 'resource-exhausted'),
      codes.join(','),
    );
    const lamp = await inv('lamp');
    assert.deepEqual([lamp.onHand, lamp.reserved, lamp.available], [20, 15, 5]);
    await assertInvariants(fs.adminDb);
  });

  test('a hot SKU: 40 carts on 4 instances for 12 units over 3 shards under 5 of safety stock: exactly 7 held', async () => {
    await api.restock(as(staff, { idempotencyKey: key(), sku: 'stool', locationId: 'wh-north', qty: 6 }));
    await api.setStockPolicy(
      as(staff, { idempotencyKey: key(), sku: 'stool', safetyStock: { 'wh-north': 5 } }),
    );
    // Each instance plans on its own picture of the shards; only what each shard holds back in its
    // own transaction keeps them, together, out of the safety stock.
    const others = [1, 2, 3].map(() => instance(fs.host, fs.projectId, deps.clock));
    const apis = [api, ...others.map((o) => inventoryCallables(() => o.deps))];
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        apis[i % 4]!.reserveStock(
          as(user(`buyer-${i}`), { idempotencyKey: key(), lines: [{ sku: 'stool', qty: 1 }] }),
        ),
      ),
    );
    await Promise.all(others.map((o) => o.close()));
    const codes = results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as Failure).code));
    assert.ok(
      codes.every((c) => c === 'ok' || c === 'resource-exhausted'),
      codes.join(','),
    );
    const shards = (await fs.adminDb.collection('inventory/stool/shards').get()).docs.map((d) => d.data());
    const left = shards.reduce((sum, d) => sum + d.available, 0);
    assert.equal(left, 5, `the safety stock is untouched (${codes.filter((c) => c === 'ok').length} held)`);
    assert.equal(codes.filter((c) => c === 'ok').length, 7, codes.join(','));
    await assertInvariants(fs.adminDb);
  });

  test('reconciliation reports an incoming figure the ledger does not give, and leaves it for a person', async () => {
    await create([{ sku: 'sofa', qty: 5 }]);
    await noDrift(deps);
    // A write past the functions (a bad script): incoming says 9 where the orders await 5.
    const doc = await inv('sofa');
    doc.locations['wh-north'].incoming = 9;
    await fs.adminDb.doc('inventory/sofa').set(doc);
    const report = await reconcileInventory(deps);
    const found = report.drift.find((d) => d.field === 'incoming');
    assert.deepEqual(found && [found.sku, found.locationId, found.ledger, found.counter, found.repaired], [
      'sofa',
      'wh-north',
      5,
      9,
      false,
    ]);
  });

  test('bad input and wrong callers: a clear error, nothing written', async () => {
    const made = await create([{ sku: 'sofa', qty: 2 }]);
    const k = () => key('bad');
    const poReq = (over: Record<string, unknown>) => ({
      idempotencyKey: k(),
      supplier: 'Oak & Co',
      locationId: 'wh-north',
      expectedAt: EXPECTED,
      lines: [{ sku: 'sofa', qty: 1 }],
      ...over,
    });
    const cases: {
      name: string;
      call: keyof Api;
      req: CallRequest;
      code: string;
      details?: Record<string, unknown>;
    }[] = [
      {
        name: 'a customer creating a PO',
        call: 'createPurchaseOrder',
        req: as(ivy, poReq({})),
        code: 'permission-denied',
      },
      {
        name: 'nobody signed in',
        call: 'receivePurchaseOrder',
        req: as(undefined, {}),
        code: 'unauthenticated',
      },
      {
        name: 'a customer counting',
        call: 'setStockCount',
        req: as(ivy, {
          idempotencyKey: k(),
          sku: 'sofa',
          locationId: 'wh-north',
          counted: 0,
          expectedOnHand: 2,
        }),
        code: 'permission-denied',
      },
      {
        name: 'a customer setting policy',
        call: 'setStockPolicy',
        req: as(ivy, { idempotencyKey: k(), sku: 'sofa', lowStockUnits: 0 }),
        code: 'permission-denied',
      },
      {
        name: 'no supplier',
        call: 'createPurchaseOrder',
        req: as(staff, poReq({ supplier: '  ' })),
        code: 'invalid-argument',
        details: { field: 'supplier' },
      },
      {
        name: 'no lines',
        call: 'createPurchaseOrder',
        req: as(staff, poReq({ lines: [] })),
        code: 'invalid-argument',
        details: { field: 'lines' },
      },
      ...(['3', -1, 0, 2.5, 1e9, null] as unknown[]).map((qty) => ({
        name: `PO quantity ${String(qty)}`,
        call: 'createPurchaseOrder' as const,
        req: as(staff, poReq({ lines: [{ sku: 'sofa', qty }] })),
        code: 'invalid-argument',
        details: { field: 'lines.0.qty' },
      })),
      {
        name: 'a SKU twice',
        call: 'createPurchaseOrder',
        req: as(
          staff,
          poReq({
            lines: [
              { sku: 'sofa', qty: 1 },
              { sku: 'sofa', qty: 2 },
            ],
          }),
        ),
        code: 'invalid-argument',
        details: { field: 'lines.1.sku' },
      },
      {
        name: 'an unknown SKU',
        call: 'createPurchaseOrder',
        req: as(
          staff,
          poReq({
            lines: [
              { sku: 'sofa', qty: 1 },
              { sku: 'ghost', qty: 1 },
            ],
          }),
        ),
        code: 'not-found',
        details: { kind: 'sku', id: 'ghost' },
      },
      {
        name: 'an unknown location',
        call: 'createPurchaseOrder',
        req: as(staff, poReq({ locationId: 'mars' })),
        code: 'not-found',
        details: { kind: 'location', id: 'mars' },
      },
      {
        name: 'a date that is not one',
        call: 'createPurchaseOrder',
        req: as(staff, poReq({ expectedAt: 'soon' })),
        code: 'invalid-argument',
        details: { field: 'expectedAt' },
      },
      {
        name: 'a date in the past',
        call: 'createPurchaseOrder',
        req: as(staff, poReq({ expectedAt: '2026-01-01T00:00:00Z' })),
        code: 'invalid-argument',
        details: { field: 'expectedAt' },
      },
      {
        name: 'a date years out',
        call: 'createPurchaseOrder',
        req: as(staff, poReq({ expectedAt: '2099-01-01T00:00:00Z' })),
        code: 'invalid-argument',
        details: { field: 'expectedAt' },
      },
      {
        name: 'a forged PO id',
        call: 'receivePurchaseOrder',
        req: as(staff, {
          idempotencyKey: k(),
          purchaseOrderId: '../inventory/sofa',
          lines: [{ sku: 'sofa', qty: 1 }],
        }),
        code: 'invalid-argument',
        details: { field: 'purchaseOrderId' },
      },
      {
        name: 'an unknown PO',
        call: 'receivePurchaseOrder',
        req: as(staff, { idempotencyKey: k(), purchaseOrderId: 'po-nope', lines: [{ sku: 'sofa', qty: 1 }] }),
        code: 'not-found',
        details: { kind: 'purchase order', id: 'po-nope' },
      },
      {
        name: 'a negative receipt',
        call: 'receivePurchaseOrder',
        req: as(staff, {
          idempotencyKey: k(),
          purchaseOrderId: made.purchaseOrderId,
          lines: [{ sku: 'sofa', qty: -2 }],
        }),
        code: 'invalid-argument',
        details: { field: 'lines.0.qty' },
      },
      {
        name: 'an over-receipt',
        call: 'receivePurchaseOrder',
        req: as(staff, {
          idempotencyKey: k(),
          purchaseOrderId: made.purchaseOrderId,
          lines: [{ sku: 'sofa', qty: 3 }],
        }),
        code: 'failed-precondition',
        details: { reason: 'over_receipt' },
      },
      {
        name: 'a negative count',
        call: 'setStockCount',
        req: as(staff, {
          idempotencyKey: k(),
          sku: 'sofa',
          locationId: 'wh-north',
          counted: -1,
          expectedOnHand: 2,
        }),
        code: 'invalid-argument',
        details: { field: 'counted' },
      },
      {
        name: 'a count without the figure seen',
        call: 'setStockCount',
        req: as(staff, { idempotencyKey: k(), sku: 'sofa', locationId: 'wh-north', counted: 1 }),
        code: 'invalid-argument',
        details: { field: 'expectedOnHand' },
      },
      {
        name: 'a huge count',
        call: 'setStockCount',
        req: as(staff, {
          idempotencyKey: k(),
          sku: 'sofa',
          locationId: 'wh-north',
          counted: 1e12,
          expectedOnHand: 2,
        }),
        code: 'invalid-argument',
        details: { field: 'counted' },
      },
      {
        name: 'a count of an unknown SKU',
        call: 'setStockCount',
        req: as(staff, {
          idempotencyKey: k(),
          sku: 'ghost',
          locationId: 'wh-north',
          counted: 1,
          expectedOnHand: 0,
        }),
        code: 'not-found',
        details: { kind: 'sku' },
      },
      {
        name: 'a stale count',
        call: 'setStockCount',
        req: as(staff, {
          idempotencyKey: k(),
          sku: 'sofa',
          locationId: 'wh-north',
          counted: 1,
          expectedOnHand: 9,
        }),
        code: 'failed-precondition',
        details: { currentOnHand: 2 },
      },
      {
        name: 'a negative threshold',
        call: 'setStockPolicy',
        req: as(staff, { idempotencyKey: k(), sku: 'sofa', lowStockUnits: -3 }),
        code: 'invalid-argument',
        details: { field: 'lowStockUnits' },
      },
      {
        name: 'safety stock as text',
        call: 'setStockPolicy',
        req: as(staff, { idempotencyKey: k(), sku: 'sofa', safetyStock: { 'wh-north': 'two' } }),
        code: 'invalid-argument',
        details: { field: 'safetyStock.wh-north' },
      },
      {
        name: 'safety stock at an unknown location',
        call: 'setStockPolicy',
        req: as(staff, { idempotencyKey: k(), sku: 'sofa', safetyStock: { mars: 1 } }),
        code: 'not-found',
        details: { kind: 'location', id: 'mars' },
      },
      {
        name: 'policy of an unknown SKU',
        call: 'setStockPolicy',
        req: as(staff, { idempotencyKey: k(), sku: 'ghost', lowStockUnits: 1 }),
        code: 'not-found',
        details: { kind: 'sku', id: 'ghost' },
      },
    ];
    for (const c of cases) {
      const before = await allData(fs);
      const err = await refusal((api[c.call] as (r: CallRequest) => Promise<unknown>)(c.req));
      assert.equal(err.code, c.code, `${c.name}: ${err.message}`);
      assert.ok(err.message.length > 10, `${c.name}: message "${err.message}"`);
      for (const [f, v] of Object.entries(c.details ?? {}))
        assert.deepEqual(err.details?.[f], v, `${c.name}: details.${f} (${err.message})`);
      assert.deepEqual(await allData(fs), before, `${c.name} wrote something`);
    }
    await assertInvariants(fs.adminDb);
  });

  test('receipts (each sent twice) race 40 carts on 3 instances: nothing oversold, incoming exact', async () => {
    const made = await create([{ sku: 'sofa', qty: 12 }]);
    const others = [1, 2].map(() => instance(fs.host, fs.projectId, deps.clock));
    const apis = [api, ...others.map((o) => inventoryCallables(() => o.deps))];
    const receiptKeys = [key('r'), key('r'), key('r'), key('r')];
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      calls.push(
        apis[i % 3]!.reserveStock(
          as(user(`buyer-${i}`), { idempotencyKey: key(), lines: [{ sku: 'sofa', qty: 1 }] }),
        ),
      );
      if (i % 10 === 0)
        for (const copy of [0, 1])
          calls.push(
            apis[(i + copy) % 3]!.receivePurchaseOrder(
              as(staff, {
                idempotencyKey: receiptKeys[i / 10]!,
                purchaseOrderId: made.purchaseOrderId,
                lines: [{ sku: 'sofa', qty: 3 }],
              }),
            ),
          );
    }
    const results = await Promise.allSettled(calls);
    await Promise.all(others.map((o) => o.close()));
    const failures = results.filter((r) => r.status === 'rejected').map((r) => (r.reason as Failure).code);
    assert.ok(
      failures.every((c) => c === 'resource-exhausted'),
      `unexpected failures: ${failures.join(', ')}`,
    );
    const sofa = await inv('sofa');
    // 2 on hand + 12 received = 14 units; every cart that got one holds it, no more.
    assert.deepEqual(
      [sofa.onHand, sofa.incoming, (await po(made.purchaseOrderId)).status],
      [14, 0, 'received'],
    );
    const held = (await fs.adminDb.collection('reservations').where('status', '==', 'held').get()).size;
    assert.equal(held, sofa.reserved);
    assert.ok(held <= 14 && held >= 2, `held ${held}`);
    assert.equal(failures.length, 40 - held);
    await assertInvariants(fs.adminDb);
    await noDrift(deps);
  });

  test('counts racing on one figure: one is recorded, the others are told the new figure', async () => {
    const results = await Promise.allSettled(
      [0, 1, 2, 3, 4].map((n) =>
        api.setStockCount(
          as(staff, {
            idempotencyKey: key(),
            sku: 'lamp',
            locationId: 'wh-south',
            counted: 10 + n,
            expectedOnHand: 4,
          }),
        ),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1, 'exactly one count applies');
    const counted = (won[0] as PromiseFulfilledResult<{ counted: number }>).value.counted;
    for (const r of results)
      if (r.status === 'rejected')
        assert.deepEqual((r.reason as Failure).details, {
          reason: 'count_mismatch',
          expectedOnHand: 4,
          currentOnHand: counted,
        });
    assert.equal((await inv('lamp')).onHand, counted);
    await assertInvariants(fs.adminDb);
  });
});
