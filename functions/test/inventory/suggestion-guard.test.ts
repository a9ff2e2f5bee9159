/**
 * One order per forecast run's demand, kept by createPurchaseOrder itself: the run's claim
 * (`suggestionClaims/{sku}_{generatedAtMillis}`) is read and written in the order's transaction, so
 * the SKU-wide suggestion ordered twice, a location's and then the SKU-wide one (or the other way
 * round), or one suggestion pressed by two consoles at once, give one order and `already_ordered`
 * refusals that name it, with nothing else written. Two locations' own suggestions of one run, a
 * newer run, and a replay of the same call are not refused; bad input on `fromSuggestion` is.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { within } from '../../../test/support/within';
import { as, type Failure, refusal, user } from './support/calls';
import { inventoryCallables } from '../../src/inventory/callables';
import type { Deps } from '../../src/inventory/deps';
import { AvailabilityRefresher } from '../../src/inventory/refresh';
import { assertInvariants } from './support/invariants';
import { everything } from './support/snapshot';
import { FakeClock, instance, key, seedStore } from './support/store';

type Api = ReturnType<typeof inventoryCallables>;
const kim = user('kim', { staff: true });
const sam = user('sam', { staff: true });
const EXPECTED = '2026-12-10T00:00:00.000Z';
const RUN = '2026-11-21T05:00:00.000Z';
const NEXT_RUN = '2026-11-28T05:00:00.000Z';
const claimPath = (at: string) => `suggestionClaims/sofa_${Date.parse(at)}`;

/** Everything the inventory domain writes, with purchase orders and suggestion claims. */
async function allData(fs: TestFirestore) {
  const out = await everything(fs.adminDb);
  for (const name of ['purchaseOrders', 'suggestionClaims'])
    for (const d of (await fs.adminDb.collection(name).get()).docs) out[d.ref.path] = d.data();
  return out;
}

function assertAlreadyOrdered(e: Failure, purchaseOrderId: string, what: RegExp) {
  assert.equal(e.code, 'failed-precondition', e.message);
  assert.deepEqual(e.details, { reason: 'already_ordered', sku: 'sofa', purchaseOrderId });
  assert.match(e.message, new RegExp(`purchase order ${purchaseOrderId}`));
  assert.match(e.message, what);
}

describe('createPurchaseOrder: one order per suggestion of a forecast run', { timeout: 120_000 }, () => {
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
    await seedStore(deps, [{ sku: 'sofa', stock: { 'wh-north': 2, 'wh-south': 1 } }]);
    api = inventoryCallables(() => deps);
  });

  /** What the client's helpers send for a suggestion (`locationId`: a location's own). */
  const request = (
    o: { idempotencyKey?: string; generatedAt?: string; locationId?: string; qty?: number } = {},
  ) => ({
    idempotencyKey: o.idempotencyKey ?? key('suggestion'),
    supplier: 'Oak & Co',
    locationId: o.locationId ?? 'wh-north',
    expectedAt: EXPECTED,
    lines: [{ sku: 'sofa', qty: o.qty ?? 5 }],
    fromSuggestion: {
      sku: 'sofa',
      generatedAt: o.generatedAt ?? RUN,
      ...(o.locationId ? { locationId: o.locationId } : {}),
    },
  });
  const order = (o: Parameters<typeof request>[0] = {}, caller = kim, on = api) =>
    on.createPurchaseOrder(as(caller, request(o)));
  const orderCount = async () => (await fs.adminDb.collection('purchaseOrders').count().get()).data().count;

  test('the SKU-wide suggestion ordered twice: the second is refused, naming the first, and changes nothing', async () => {
    const first = await order();
    const claim = (await fs.adminDb.doc(claimPath(RUN)).get()).data()!;
    assert.deepEqual(claim.skuWide, { purchaseOrderId: first.purchaseOrderId });
    assert.deepEqual(claim.locations, {});
    assert.equal(claim.generatedAt.toMillis(), Date.parse(RUN));

    const before = await allData(fs);
    const again = await refusal(order());
    assertAlreadyOrdered(
      again,
      first.purchaseOrderId,
      /the SKU-wide suggestion.* \(from this same suggestion\)/,
    );
    // Another member of staff pressing the same suggestion (their own key) is refused too.
    assertAlreadyOrdered(await refusal(order({}, sam)), first.purchaseOrderId, /SKU-wide/);
    assert.deepEqual(await allData(fs), before, 'a refused order writes nothing');
    assert.equal(await orderCount(), 1);
    await assertInvariants(fs.adminDb);
  });

  test("a location's suggestion, then the SKU-wide one: refused", async () => {
    const north = await order({ locationId: 'wh-north' });
    const before = await allData(fs);
    assertAlreadyOrdered(
      await refusal(order()),
      north.purchaseOrderId,
      /sofa: the SKU-wide suggestion .* \(from wh-north's own suggestion\)/,
    );
    // The same location's own suggestion again (another key) is refused as well.
    assertAlreadyOrdered(
      await refusal(order({ locationId: 'wh-north' })),
      north.purchaseOrderId,
      /wh-north's own suggestion.* \(from this same suggestion\)/,
    );
    assert.deepEqual(await allData(fs), before);
    await assertInvariants(fs.adminDb);
  });

  test("the SKU-wide suggestion, then a location's: refused", async () => {
    const wide = await order();
    const before = await allData(fs);
    for (const locationId of ['wh-north', 'wh-south'])
      assertAlreadyOrdered(
        await refusal(order({ locationId })),
        wide.purchaseOrderId,
        new RegExp(`${locationId}'s own suggestion .* \\(from the SKU-wide suggestion\\)`),
      );
    assert.deepEqual(await allData(fs), before);
    await assertInvariants(fs.adminDb);
  });

  test('two locations of one run are both ordered; then the SKU-wide one is refused', async () => {
    const north = await order({ locationId: 'wh-north' });
    const south = await order({ locationId: 'wh-south', qty: 3 });
    assert.notEqual(north.purchaseOrderId, south.purchaseOrderId);
    const claim = (await fs.adminDb.doc(claimPath(RUN)).get()).data()!;
    assert.equal(claim.skuWide, null);
    assert.deepEqual(claim.locations, {
      'wh-north': { purchaseOrderId: north.purchaseOrderId },
      'wh-south': { purchaseOrderId: south.purchaseOrderId },
    });
    const inv = (await fs.adminDb.doc('inventory/sofa').get()).data()!;
    assert.deepEqual([inv.locations['wh-north'].incoming, inv.locations['wh-south'].incoming], [5, 3]);
    const wide = await refusal(order());
    assert.equal(wide.details?.reason, 'already_ordered');
    assert.ok([north.purchaseOrderId, south.purchaseOrderId].includes(String(wide.details?.purchaseOrderId)));
    await assertInvariants(fs.adminDb);
  });

  test('a replay of the same call returns the first answer, not a refusal', async () => {
    const idempotencyKey = key('replay');
    const first = await order({ idempotencyKey });
    const before = await allData(fs);
    assert.deepEqual(await order({ idempotencyKey }), first);
    // The same key racing itself (two retries at once) still gives the one answer.
    const [a, b] = await within(
      Promise.all([order({ idempotencyKey }), order({ idempotencyKey })]),
      'two replays of one call',
    );
    assert.deepEqual([a, b], [first, first]);
    assert.deepEqual(await allData(fs), before, 'a replay writes nothing');
    // A location's own suggestion replayed after it was ordered is answered the same way.
    const locKey = key('replay-loc');
    const other = await order({ idempotencyKey: locKey, generatedAt: NEXT_RUN, locationId: 'wh-south' });
    assert.deepEqual(
      await order({ idempotencyKey: locKey, generatedAt: NEXT_RUN, locationId: 'wh-south' }),
      other,
    );
    assert.equal(await orderCount(), 2);
  });

  test('a newer forecast run is ordered again; so is a suggestion whose order was closed', async () => {
    const first = await order();
    const next = await order({ generatedAt: NEXT_RUN });
    assert.notEqual(next.purchaseOrderId, first.purchaseOrderId);
    assert.ok((await fs.adminDb.doc(claimPath(NEXT_RUN)).get()).exists);
    // The newer run's location suggestions are covered by its own SKU-wide order, not the older's.
    assertAlreadyOrdered(
      await refusal(order({ generatedAt: NEXT_RUN, locationId: 'wh-south' })),
      next.purchaseOrderId,
      /wh-south/,
    );

    // A closed order's rest was cancelled: it covers nothing, and the next order takes its place.
    await api.closePurchaseOrder(
      as(kim, { idempotencyKey: key('close'), purchaseOrderId: first.purchaseOrderId, reason: 'cancelled' }),
    );
    const south = await order({ locationId: 'wh-south' });
    const claim = (await fs.adminDb.doc(claimPath(RUN)).get()).data()!;
    assert.deepEqual(
      [claim.skuWide, claim.locations],
      [null, { 'wh-south': { purchaseOrderId: south.purchaseOrderId } }],
    );
    assertAlreadyOrdered(await refusal(order()), south.purchaseOrderId, /wh-south's own suggestion/);
    await assertInvariants(fs.adminDb);
  });

  test('10 consoles on 2 instances order one suggestion at once: one order, 9 refusals naming it', async () => {
    const other = instance(fs.host, fs.projectId, deps.clock);
    try {
      const apis = [api, inventoryCallables(() => other.deps)];
      const settled = await within(
        Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            order({ idempotencyKey: key(`race-${i}`) }, user(`staff-${i}`, { staff: true }), apis[i % 2]),
          ),
        ),
        'ten racing orders of one suggestion',
        60_000,
      );
      const made = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const refused = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as Failure] : []));
      assert.equal(
        made.length,
        1,
        `made: ${made.length}; refusals: ${refused.map((e) => e.message).join(' | ')}`,
      );
      assert.equal(refused.length, 9);
      for (const e of refused) assertAlreadyOrdered(e, made[0]!.purchaseOrderId, /SKU-wide/);
      assert.equal(await orderCount(), 1);
      const inv = (await fs.adminDb.doc('inventory/sofa').get()).data()!;
      assert.equal(inv.locations['wh-north'].incoming, 5, 'incoming counts the one order');
      const claim = (await fs.adminDb.doc(claimPath(RUN)).get()).data()!;
      assert.deepEqual(claim.skuWide, { purchaseOrderId: made[0]!.purchaseOrderId });
      await deps.refresher!.idle();
      await assertInvariants(fs.adminDb);
    } finally {
      await other.close();
    }
  });

  test('bad input on fromSuggestion is refused with the field at fault and writes nothing', async () => {
    const before = await allData(fs);
    const bad = (fromSuggestion: unknown, lines = [{ sku: 'sofa', qty: 5 }]) =>
      refusal(api.createPurchaseOrder(as(kim, { ...request(), lines, fromSuggestion })));

    const unparseable = await bad({ sku: 'sofa', generatedAt: 'last Tuesday' });
    assert.equal(unparseable.code, 'invalid-argument');
    assert.equal(unparseable.details?.field, 'fromSuggestion.generatedAt');

    const noRun = await bad({ sku: 'sofa' });
    assert.equal(noRun.code, 'invalid-argument');
    assert.equal(noRun.details?.field, 'fromSuggestion.generatedAt');

    const badLocationId = await bad({ sku: 'sofa', generatedAt: RUN, locationId: '../wh' });
    assert.equal(badLocationId.code, 'invalid-argument');
    assert.equal(badLocationId.details?.field, 'fromSuggestion.locationId');

    const unknown = await bad({ sku: 'sofa', generatedAt: RUN, locationId: 'wh-atlantis' });
    assert.equal(unknown.code, 'not-found', unknown.message);
    assert.deepEqual(unknown.details, { kind: 'location', id: 'wh-atlantis' });
    assert.match(unknown.message, /wh-atlantis/);

    const otherSku = await bad({ sku: 'lamp', generatedAt: RUN });
    assert.equal(otherSku.code, 'invalid-argument');
    assert.equal(otherSku.details?.field, 'fromSuggestion.sku');
    assert.match(otherSku.message, /lamp is not one of the order's lines/);

    assert.deepEqual(await allData(fs), before, 'refused input writes nothing');
    assert.equal(await orderCount(), 0);
  });
});
