/**
 * Lead time per supplier and replenishment per location, against the emulator: setSupplier (what
 * it writes, that setting the same again writes nothing, bad input and wrong callers refused), the
 * forecasting job ordering ahead of the lead time of the supplier a SKU's variant names (the
 * default without one, a lead time past the 8-week horizon), and each location with the history
 * for it getting its own suggestion from its own forecast and stock.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ForecastDoc, SupplierDoc } from '@hearth/contracts';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { refreshForecasts } from '../../src/forecasting/refresh-forecasts';
import { replenishment } from '../../src/forecasting/replenishment';
import { oneWeekErrorSd } from '../../src/forecasting/forecast-error';
import { chosenMethod } from '../../src/forecasting/chosen';
import { inventoryCallables } from '../../src/inventory/callables';
import { checkout } from '../../src/inventory/checkout';
import type { Deps } from '../../src/inventory/deps';
import { reserveStock } from '../../src/inventory/reserve';
import type { CallRequest } from '../../src/platform/callable';
import { FakeClock, key, seedStore } from '../inventory/support/store';

const week = 7 * 86_400_000;
/** A Monday, 10:00 UTC: the job's weeks start on Mondays at 00:00 UTC. */
const firstMonday = Date.parse('2026-01-05T10:00:00Z');
const alice = { uid: 'alice', staff: false };
const user = (uid: string, claims: Record<string, unknown> = {}) => ({
  uid,
  token: { uid, ...claims } as never,
  rawToken: 'test',
});
const kim = user('kim', { staff: true });
const as = (auth: CallRequest['auth'], data: unknown): CallRequest => ({ data, auth });

async function refusal(p: Promise<unknown>): Promise<{ code: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; details?: Record<string, unknown> };
  }
  assert.fail('the call was expected to be refused');
}

describe('suppliers, lead times and replenishment per location', () => {
  let fs: TestFirestore;
  let clock: FakeClock;
  let deps: Deps;
  let api: ReturnType<typeof inventoryCallables>;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    clock = new FakeClock(firstMonday);
    deps = { db: fs.adminDb, clock };
    api = inventoryCallables(() => deps);
    await seedStore(deps, [
      { sku: 'sideboard', stock: { 'wh-north': 100, 'store-bath': 24 } },
      { sku: 'lamp', stock: { 'wh-north': 30 } },
      { sku: 'stool', stock: { 'wh-north': 30 } },
    ]);
  });

  const supplierDoc = async (id: string) => {
    const snap = await fs.adminDb.doc(`suppliers/${id}`).get();
    return snap.exists ? SupplierDoc.parse(snap.data()) : undefined;
  };
  const forecastOf = async (sku: string) =>
    ForecastDoc.parse((await fs.adminDb.doc(`forecasts/${sku}`).get()).data());
  const supplies = (sku: string, supplierId: string) =>
    fs.adminDb.doc(`products/p-${sku}/variants/${sku}`).update({ supplierId });

  async function sell(sku: string, qty: number, pickupAt?: string): Promise<void> {
    const held = await reserveStock(deps, alice, {
      idempotencyKey: key(),
      lines: [{ sku, qty }],
      allowSplit: false,
      ...(pickupAt ? { pickup: { locationId: pickupAt, allowTransfer: false } } : {}),
    });
    await checkout(deps, alice, { idempotencyKey: key(), reservationId: held.reservationId });
  }

  test('setSupplier writes the name and lead time; the same again writes nothing', async () => {
    const set = (leadTimeDays: number) =>
      api.setSupplier(as(kim, { supplierId: 'nordhus', name: 'Nordhus Möbel', leadTimeDays }));
    assert.deepEqual(await set(21), {
      supplierId: 'nordhus',
      name: 'Nordhus Möbel',
      leadTimeDays: 21,
      changed: true,
    });
    const first = await supplierDoc('nordhus');
    assert.equal(first?.leadTimeDays, 21);
    assert.equal(first?.updatedBy, 'kim');
    clock.advance(60_000);
    assert.equal(((await set(21)) as { changed: boolean }).changed, false);
    assert.equal((await supplierDoc('nordhus'))?.updatedAt.toMillis(), first?.updatedAt.toMillis());
    assert.equal(((await set(35)) as { changed: boolean }).changed, true);
    const changed = await supplierDoc('nordhus');
    assert.equal(changed?.leadTimeDays, 35);
    assert.equal(changed?.updatedAt.toMillis(), firstMonday + 60_000);
  });

  test('bad input and wrong callers: a clear error naming the field, nothing written', async () => {
    const req = (over: Record<string, unknown>) => ({
      supplierId: 'oak',
      name: 'Oak & Co',
      leadTimeDays: 5,
      ...over,
    });
    const cases: [string, CallRequest, string, string | undefined][] = [
      ['a customer', as(user('ivy'), req({})), 'permission-denied', undefined],
      ['nobody signed in', as(undefined, req({})), 'unauthenticated', undefined],
      ['no lead time', as(kim, req({ leadTimeDays: undefined })), 'invalid-argument', 'leadTimeDays'],
      ['a zero lead time', as(kim, req({ leadTimeDays: 0 })), 'invalid-argument', 'leadTimeDays'],
      ['part days', as(kim, req({ leadTimeDays: 2.5 })), 'invalid-argument', 'leadTimeDays'],
      ['over a year', as(kim, req({ leadTimeDays: 366 })), 'invalid-argument', 'leadTimeDays'],
      ['a blank name', as(kim, req({ name: '  ' })), 'invalid-argument', 'name'],
      ['a forged id', as(kim, req({ supplierId: '../inventory/lamp' })), 'invalid-argument', 'supplierId'],
      ['an unknown field', as(kim, req({ leadTimeWeeks: 1 })), 'invalid-argument', undefined],
    ];
    for (const [name, call, code, field] of cases) {
      const err = await refusal(api.setSupplier(call));
      assert.equal(err.code, code, name);
      if (field) assert.equal(err.details?.field, field, name);
    }
    assert.equal((await fs.adminDb.collection('suppliers').get()).size, 0);
  });

  test("a SKU is ordered ahead of its supplier's lead time; without a known supplier, the default", async () => {
    await api.setSupplier(as(kim, { supplierId: 'nordhus', name: 'Nordhus Möbel', leadTimeDays: 26 }));
    await api.setSupplier(as(kim, { supplierId: 'far-east', name: 'Far East Freight', leadTimeDays: 70 }));
    await supplies('sideboard', 'nordhus');
    await supplies('lamp', 'far-east');
    await supplies('stool', 'nobody-we-know');
    for (let w = 0; w < 6; w++) {
      clock = new FakeClock(firstMonday + w * week);
      deps = { db: fs.adminDb, clock };
      await sell('sideboard', 2);
      await sell('lamp', 1);
      await sell('stool', 1);
    }
    clock = new FakeClock(firstMonday + 6 * week);
    await refreshForecasts({ db: fs.adminDb, clock });

    const sideboard = await forecastOf('sideboard');
    assert.deepEqual(sideboard.supplier, { id: 'nordhus', name: 'Nordhus Möbel', leadTimeDays: 26 });
    assert.equal(sideboard.replenishment.leadTimeWeeks, 4, '26 days is four weeks, not three');
    const expected = replenishment(
      chosenMethod(sideboard.history, 8),
      oneWeekErrorSd(chosenMethod, sideboard.history),
      sideboard.replenishment.inventoryPosition,
      { leadTimeWeeks: 4, reviewWeeks: 1, serviceLevel: 0.95 },
    );
    assert.deepEqual(sideboard.replenishment, expected);

    // Ten weeks of lead time: past the 8 weeks the document shows, still planned in full.
    const lamp = await forecastOf('lamp');
    assert.equal(lamp.replenishment.leadTimeWeeks, 10);
    assert.equal(lamp.weeks.length, 8);
    const level = lamp.weeks[0]!.units;
    assert.ok(
      Math.abs(lamp.replenishment.leadTimeDemand - 10 * level) < 0.05,
      `ten weeks of demand (${lamp.replenishment.leadTimeDemand} vs ${10 * level})`,
    );

    const stool = await forecastOf('stool');
    assert.equal(stool.supplier, null, 'a supplier id with no suppliers document is no known supplier');
    assert.equal(stool.replenishment.leadTimeWeeks, 2);
  });

  test('setSkuSupplier moves a SKU to another supplier, staff-set, and the next plan uses its lead time', async () => {
    await api.setSupplier(as(kim, { supplierId: 'nordhus', name: 'Nordhus Möbel', leadTimeDays: 28 }));
    await api.setSupplier(as(kim, { supplierId: 'oak', name: 'Oak & Co', leadTimeDays: 5 }));
    await supplies('sideboard', 'nordhus');
    const move = { idempotencyKey: 'move-sideboard-1', sku: 'sideboard', supplierId: 'oak' };
    assert.deepEqual(await api.setSkuSupplier(as(kim, move)), {
      sku: 'sideboard',
      supplierId: 'oak',
      previous: 'nordhus',
      changed: true,
    });
    const variant = (await fs.adminDb.doc('products/p-sideboard/variants/sideboard').get()).data();
    assert.equal(variant?.supplierId, 'oak');
    assert.equal(variant?.supplierSetBy, 'kim');
    // A retry with the same key answers as the first call did; a new key finds nothing to change.
    assert.deepEqual(await api.setSkuSupplier(as(kim, move)), {
      sku: 'sideboard',
      supplierId: 'oak',
      previous: 'nordhus',
      changed: true,
    });
    const again = await api.setSkuSupplier(as(kim, { ...move, idempotencyKey: 'move-sideboard-2' }));
    assert.deepEqual(again, { sku: 'sideboard', supplierId: 'oak', previous: 'oak', changed: false });

    for (let w = 0; w < 3; w++) {
      clock = new FakeClock(firstMonday + w * week);
      deps = { db: fs.adminDb, clock };
      await sell('sideboard', 2);
    }
    clock = new FakeClock(firstMonday + 3 * week);
    await refreshForecasts({ db: fs.adminDb, clock });
    const plan = await forecastOf('sideboard');
    assert.deepEqual(plan.supplier, { id: 'oak', name: 'Oak & Co', leadTimeDays: 5 });
    assert.equal(plan.replenishment.leadTimeWeeks, 1);
  });

  test('setSkuSupplier refuses an unknown SKU or supplier, bad input and wrong callers', async () => {
    await api.setSupplier(as(kim, { supplierId: 'oak', name: 'Oak & Co', leadTimeDays: 5 }));
    const req = (over: Record<string, unknown>) => ({
      idempotencyKey: key(),
      sku: 'lamp',
      supplierId: 'oak',
      ...over,
    });
    const cases: [string, CallRequest, string, string | undefined][] = [
      ['a customer', as(user('ivy'), req({})), 'permission-denied', undefined],
      ['nobody signed in', as(undefined, req({})), 'unauthenticated', undefined],
      ['an unknown SKU', as(kim, req({ sku: 'no-such-sku' })), 'not-found', 'no-such-sku'],
      ['an unknown supplier', as(kim, req({ supplierId: 'nobody' })), 'not-found', 'nobody'],
      ['no key', as(kim, req({ idempotencyKey: undefined })), 'invalid-argument', 'idempotencyKey'],
      ['a forged supplier id', as(kim, req({ supplierId: '../x' })), 'invalid-argument', 'supplierId'],
      ['no SKU', as(kim, req({ sku: undefined })), 'invalid-argument', 'sku'],
      ['an unknown field', as(kim, req({ leadTimeDays: 1 })), 'invalid-argument', undefined],
    ];
    for (const [name, call, code, detail] of cases) {
      const err = await refusal(api.setSkuSupplier(call));
      assert.equal(err.code, code, name);
      if (code === 'invalid-argument' && detail) assert.equal(err.details?.field, detail, name);
      if (code === 'not-found') assert.equal(err.details?.id, detail, name);
    }
    const lamp = (await fs.adminDb.doc('products/p-lamp/variants/lamp').get()).data();
    assert.equal(lamp?.supplierId, undefined);
    assert.equal(lamp?.supplierSetBy, undefined);
  });

  test('each location with the history for it gets its own suggestion, from its own stock', async () => {
    await api.setSupplier(as(kim, { supplierId: 'nordhus', name: 'Nordhus Möbel', leadTimeDays: 14 }));
    await supplies('sideboard', 'nordhus');
    // Five weeks: 3 a week delivered from the warehouse, 4 a week collected at the Bath store.
    for (let w = 0; w < 5; w++) {
      clock = new FakeClock(firstMonday + w * week);
      deps = { db: fs.adminDb, clock };
      await sell('sideboard', 3);
      await sell('sideboard', 4, 'store-bath');
    }
    clock = new FakeClock(firstMonday + 5 * week);
    await refreshForecasts({ db: fs.adminDb, clock }, { minLocationWeeks: 5 });
    const f = await forecastOf('sideboard');
    assert.deepEqual(Object.keys(f.locations).sort(), ['store-bath', 'wh-north']);
    const north = f.locations['wh-north']!;
    const bath = f.locations['store-bath']!;
    assert.deepEqual(north.history.slice(-5), [3, 3, 3, 3, 3]);
    assert.deepEqual(bath.history.slice(-5), [4, 4, 4, 4, 4]);
    // Each location's own stock: 100 - 15 at the warehouse, 24 - 20 at the store.
    assert.equal(north.replenishment.inventoryPosition, 85);
    assert.equal(bath.replenishment.inventoryPosition, 4);
    assert.equal(f.replenishment.inventoryPosition, 89, 'the SKU as a whole has both');
    for (const [id, l] of Object.entries(f.locations)) {
      assert.equal(l.replenishment.leadTimeWeeks, 2, `${id}: the supplier's lead time`);
      assert.deepEqual(
        l.replenishment,
        replenishment(
          chosenMethod(l.history, 8),
          oneWeekErrorSd(chosenMethod, l.history),
          l.replenishment.inventoryPosition,
          { leadTimeWeeks: 2, reviewWeeks: 1, serviceLevel: 0.95 },
        ),
        `${id}: its own forecast, error and stock`,
      );
    }
    // The warehouse holds weeks of cover; the store, selling faster from less, is due an order.
    assert.equal(north.replenishment.reorder, false);
    assert.equal(bath.replenishment.reorder, true);
    assert.ok(bath.replenishment.suggestedQty > 0);
  });
});
