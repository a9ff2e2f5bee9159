/**
 * Bundles through the callable handlers: a dining set (one table, six chairs) is held, sold,
 * cancelled and returned as one, all or nothing; a cart's bundles are checked (unknown, not a
 * bundle, repeated, overlapping the cart's lines) and nothing changes on a refusal; a SKU's cap
 * counts the units a bundle holds. Invariants after each.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { inventoryCallables } from '../../src/inventory/callables';
import { type Deps } from '../../src/inventory/deps';
import type { CallRequest } from '../../src/platform/callable';
import { assertInvariants } from './support/invariants';
import { everything } from './support/snapshot';
import { FakeClock, key, seedStore } from './support/store';

const as = (uid: string, data: unknown, claims: Record<string, unknown> = {}): CallRequest => ({
  data,
  auth: { uid, token: { uid, ...claims } as never, rawToken: 'test' },
});
const staff = (data: unknown) => as('sam', data, { staff: true });
const codeOf = (r: PromiseSettledResult<unknown>) =>
  r.status === 'fulfilled' ? 'ok' : String((r.reason as { code?: string }).code ?? r.reason);

const SET = 'p-dining-set';
const bundleCart = (qty = 1, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: key(),
  lines: [],
  bundles: [{ productId: SET, qty }],
  ...extra,
});

describe('bundles', () => {
  let fs: TestFirestore;
  let deps: Deps;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    deps = { db: fs.adminDb, clock: new FakeClock() };
    await seedStore(deps, [
      { sku: 'table', stock: { 'wh-north': 3 }, priceMinor: 40_000 },
      { sku: 'chair', stock: { 'wh-north': 13 }, priceMinor: 9_000 },
      { sku: 'rug', stock: { 'wh-north': 5 } },
    ]);
    await fs.adminDb.doc(`products/${SET}`).set({
      name: 'Oak dining set',
      category: 'dining',
      bundle: {
        components: [
          { sku: 'table', qty: 1 },
          { sku: 'chair', qty: 6 },
        ],
      },
    });
    await fs.adminDb.doc('products/p-rug').set({ name: 'Rug', category: 'rugs' });
  });

  const units = async (sku: string) => {
    const d = (await fs.adminDb.doc(`inventory/${sku}`).get()).data()!;
    return { reserved: d.reserved as number, available: d.available as number, onHand: d.onHand as number };
  };

  test('held, sold and returned as one: a table line brought back returns its six chairs', async () => {
    const api = inventoryCallables(() => deps);
    const held = await api.reserveStock(as('ann', bundleCart(1, { lines: [{ sku: 'rug', qty: 1 }] })));
    assert.deepEqual(
      held.lines.map((l) => [l.sku, l.qty, l.bundleId ?? null]),
      [
        ['rug', 1, null],
        ['table', 1, SET],
        ['chair', 6, SET],
      ],
    );
    const doc = (await fs.adminDb.doc(`reservations/${held.reservationId}`).get()).data()!;
    assert.deepEqual(
      doc.lines.map((l: { sku: string; unitsPerBundle?: number }) => [l.sku, l.unitsPerBundle ?? null]),
      [
        ['rug', null],
        ['table', 1],
        ['chair', 6],
      ],
    );
    const order = await api.checkout(as('ann', { idempotencyKey: key(), reservationId: held.reservationId }));
    assert.equal(order.totalMinor, 12_500 + 40_000 + 6 * 9_000);
    const stored = (await fs.adminDb.doc(`orders/${order.orderId}`).get()).data()!;
    assert.deepEqual(
      stored.lines.map((l: { sku: string; bundleId?: string | null }) => [l.sku, l.bundleId ?? null]),
      [
        ['rug', null],
        ['table', SET],
        ['chair', SET],
      ],
    );
    await assertInvariants(fs.adminDb);

    // Part of a set cannot come back on its own.
    const before = await everything(fs.adminDb);
    const [partial] = await Promise.allSettled([
      api.recordReturn(
        staff({
          idempotencyKey: key(),
          orderId: order.orderId,
          sku: 'chair',
          qty: 3,
          locationId: 'wh-north',
          condition: 'resellable',
        }),
      ),
    ]);
    assert.equal(codeOf(partial!), 'invalid-argument');
    assert.deepEqual(await everything(fs.adminDb), before);

    const chairsBefore = await units('chair');
    const back = await api.recordReturn(
      staff({
        idempotencyKey: key(),
        orderId: order.orderId,
        sku: 'table',
        qty: 1,
        locationId: 'wh-north',
        condition: 'resellable',
      }),
    );
    assert.equal(back.ledgerEntryIds.length, 2);
    assert.equal((await units('chair')).onHand, chairsBefore.onHand + 6);
    const returned = (await fs.adminDb.doc(`orders/${order.orderId}`).get()).data()!;
    assert.deepEqual(
      returned.lines.map((l: { sku: string; returned: number }) => [l.sku, l.returned]),
      [
        ['rug', 0],
        ['table', 1],
        ['chair', 6],
      ],
    );
    // Nothing of the set is left to return.
    const [again] = await Promise.allSettled([
      api.recordReturn(
        staff({
          idempotencyKey: key(),
          orderId: order.orderId,
          sku: 'chair',
          qty: 6,
          locationId: 'wh-north',
          condition: 'damaged',
        }),
      ),
    ]);
    assert.equal(codeOf(again!), 'failed-precondition');
    await assertInvariants(fs.adminDb);
  });

  test('all or nothing: too few chairs for a second set holds no table either', async () => {
    const api = inventoryCallables(() => deps);
    await api.reserveStock(as('ann', bundleCart(2)));
    assert.deepEqual(await units('chair'), { reserved: 12, available: 1, onHand: 13 });
    const before = await everything(fs.adminDb);
    const [r] = await Promise.allSettled([api.reserveStock(as('bob', bundleCart(1)))]);
    assert.equal(codeOf(r!), 'resource-exhausted');
    assert.deepEqual((r as PromiseRejectedResult).reason.details, {
      sku: 'chair',
      requested: 6,
      available: 1,
    });
    assert.deepEqual(await everything(fs.adminDb), before);
    assert.equal((await units('table')).available, 1);
    await assertInvariants(fs.adminDb);
  });

  test('cancelling one line of a bundle cancels the whole set', async () => {
    const api = inventoryCallables(() => deps);
    const held = await api.reserveStock(as('ann', bundleCart(1, { lines: [{ sku: 'rug', qty: 2 }] })));
    const order = await api.checkout(as('ann', { idempotencyKey: key(), reservationId: held.reservationId }));
    await api.cancelOrder(
      as('ann', { idempotencyKey: key(), orderId: order.orderId, lines: [{ lineIndex: 2, qty: 1 }] }),
    );
    const stored = (await fs.adminDb.doc(`orders/${order.orderId}`).get()).data()!;
    assert.deepEqual(
      stored.lines.map((l: { sku: string; cancelled: number }) => [l.sku, l.cancelled]),
      [
        ['rug', 0],
        ['table', 1],
        ['chair', 6],
      ],
    );
    assert.deepEqual(await units('chair'), { reserved: 0, available: 13, onHand: 13 });
    await assertInvariants(fs.adminDb);
  });

  test("a SKU's cap counts what a bundle holds; cancelling the set gives it back", async () => {
    const api = inventoryCallables(() => deps);
    await api.setPurchaseLimit(
      staff({ idempotencyKey: key(), sku: 'chair', limit: { units: 8, periodHours: 24 } }),
    );
    const held = await api.reserveStock(as('ann', bundleCart(1)));
    const [r] = await Promise.allSettled([
      api.reserveStock(as('ann', { idempotencyKey: key(), lines: [{ sku: 'chair', qty: 3 }] })),
    ]);
    assert.equal((r as PromiseRejectedResult).reason.details.reason, 'purchase_limit');
    const order = await api.checkout(as('ann', { idempotencyKey: key(), reservationId: held.reservationId }));
    await api.cancelOrder(as('ann', { idempotencyKey: key(), orderId: order.orderId }));
    assert.equal((await fs.adminDb.doc('allowances/ann').get()).data()!.skus.chair.units, 0);
    await api.reserveStock(as('ann', { idempotencyKey: key(), lines: [{ sku: 'chair', qty: 8 }] }));
    await assertInvariants(fs.adminDb);
  });

  test('bad bundles in a cart: each refused on its field, nothing changes', async () => {
    const api = inventoryCallables(() => deps);
    const before = await everything(fs.adminDb);
    const cases: [string, unknown, string, string?][] = [
      ['an unknown product', bundleCart(1, { bundles: [{ productId: 'p-nothing', qty: 1 }] }), 'not-found'],
      [
        'a product that is not a bundle',
        bundleCart(1, { bundles: [{ productId: 'p-rug', qty: 1 }] }),
        'invalid-argument',
        'bundles.0.productId',
      ],
      [
        'a bundle twice',
        bundleCart(1, {
          bundles: [
            { productId: SET, qty: 1 },
            { productId: SET, qty: 1 },
          ],
        }),
        'invalid-argument',
        'bundles.1.productId',
      ],
      [
        "a bundle's SKU also as a line",
        bundleCart(1, { lines: [{ sku: 'chair', qty: 1 }] }),
        'invalid-argument',
        'bundles.0.productId',
      ],
      ['zero sets', bundleCart(0), 'invalid-argument', 'bundles.0.qty'],
      ['negative sets', bundleCart(-1), 'invalid-argument', 'bundles.0.qty'],
      ['sets as a string', bundleCart('2' as never), 'invalid-argument', 'bundles.0.qty'],
      ['so many sets the chairs pass the unit cap', bundleCart(2_000), 'invalid-argument', 'bundles'],
      [
        'a forged product id',
        bundleCart(1, { bundles: [{ productId: '../orders/x', qty: 1 }] }),
        'invalid-argument',
        'bundles.0.productId',
      ],
      [
        'no lines and no bundles',
        { idempotencyKey: key(), lines: [], bundles: [] },
        'invalid-argument',
        'lines',
      ],
      ['bundles not a list', bundleCart(1, { bundles: { productId: SET } }), 'invalid-argument', 'bundles'],
    ];
    for (const [what, data, code, field] of cases) {
      const [r] = await Promise.allSettled([api.reserveStock(as('ann', data))]);
      assert.equal(codeOf(r!), code, `${what}: ${r!.status === 'rejected' ? r!.reason : ''}`);
      if (field) assert.equal((r as PromiseRejectedResult).reason.details.field, field, what);
    }
    assert.deepEqual(await everything(fs.adminDb), before);
  });
});
