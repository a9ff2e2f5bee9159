/**
 * The forecasting job against the emulator, from sales made through reserve and checkout: what
 * becomes history (sales only, by week, every page of the ledger), the forecast written, the
 * replenishment from the stock a SKU has and has coming, and that the collection holds exactly
 * the current run.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ForecastDoc } from '@hearth/contracts';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { refreshForecasts } from '../../src/forecasting/refresh-forecasts';
import { checkout } from '../../src/inventory/checkout';
import type { Deps } from '../../src/inventory/deps';
import { reserveStock } from '../../src/inventory/reserve';
import { transferStock } from '../../src/inventory/transfer';
import { FakeClock, key, SEED_STAFF, seedStore } from '../inventory/support/store';

const alice = { uid: 'alice', staff: false };
const week = 7 * 86_400_000;
/** A Monday, 10:00 UTC: the job's weeks start on Mondays at 00:00 UTC. */
const firstMonday = Date.parse('2026-01-05T10:00:00Z');

describe('forecasting job', () => {
  let fs: TestFirestore;
  let clock: FakeClock;
  let deps: Deps;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    clock = new FakeClock(firstMonday);
    deps = { db: fs.adminDb, clock };
    await seedStore(deps, [
      { sku: 'sideboard', stock: { 'wh-north': 100 } },
      { sku: 'lamp', stock: { 'wh-north': 10 } },
    ]);
  });

  async function sell(sku: string, qty: number): Promise<void> {
    const held = await reserveStock(deps, alice, {
      idempotencyKey: key(),
      lines: [{ sku, qty }],
      allowSplit: false,
    });
    await checkout(deps, alice, { idempotencyKey: key(), reservationId: held.reservationId });
  }

  async function forecastOf(sku: string): Promise<ForecastDoc> {
    const snap = await fs.adminDb.doc(`forecasts/${sku}`).get();
    assert.ok(snap.exists, `forecasts/${sku} written`);
    return ForecastDoc.parse(snap.data());
  }

  test('weekly sales become history, the forecast and a reorder suggestion', async () => {
    // Six weeks: 3 sideboards a week in two orders (Monday and Thursday), 2 lamps a week for the last four.
    for (let w = 0; w < 6; w++) {
      clock = new FakeClock(firstMonday + w * week);
      deps = { db: fs.adminDb, clock };
      await sell('sideboard', 1);
      clock.advance(3 * 86_400_000);
      await sell('sideboard', 2);
      if (w >= 2) await sell('lamp', 2);
    }
    // Held but never sold: not demand.
    await reserveStock(deps, alice, {
      idempotencyKey: key(),
      lines: [{ sku: 'sideboard', qty: 5 }],
      allowSplit: false,
    });
    // Moved between locations, not gone: still counts towards what the lamp has.
    await transferStock(deps, SEED_STAFF, {
      idempotencyKey: key(),
      sku: 'lamp',
      fromLocationId: 'wh-north',
      toLocationId: 'wh-south',
      qty: 1,
    });
    clock = new FakeClock(firstMonday + 6 * week + 2 * 86_400_000); // the Wednesday of week 6
    // A small page size: the history must come from every page of the ledger (16 sales here).
    // A location gets its own forecast from 5 selling weeks: the sideboard's one has 6, the lamp's 4.
    const run = await refreshForecasts({ db: fs.adminDb, clock }, { pageSize: 5, minLocationWeeks: 5 });
    assert.deepEqual(run, { skus: 2, toReorder: 1, removed: 0 });

    const sideboard = await forecastOf('sideboard');
    assert.equal(sideboard.method, 'ses-0.3');
    assert.equal(sideboard.history.length, 52);
    assert.deepEqual(sideboard.history.slice(-7), [0, 3, 3, 3, 3, 3, 3]);
    assert.equal(
      sideboard.historyFrom.toMillis(),
      Date.parse('2026-01-05T00:00:00Z') + 6 * week - 52 * week,
      'the history ends where the week under way starts',
    );
    assert.equal(sideboard.weeks.length, 8);
    assert.equal(sideboard.weeks[0]!.weekStart.toMillis(), Date.parse('2026-02-16T00:00:00Z'));
    // SES from a zero level: 3 x (1 - 0.7^6) after six weeks of 3.
    assert.equal(sideboard.weeks[0]!.units, 2.65);
    assert.ok(sideboard.weeks.every((w) => w.units === 2.65));
    assert.deepEqual(Object.keys(sideboard.locations), ['wh-north']);
    assert.deepEqual(sideboard.locations['wh-north']!.history.slice(-7), [0, 3, 3, 3, 3, 3, 3]);
    assert.deepEqual(sideboard.locations['wh-north']!.units, new Array(8).fill(2.65));
    // 100 - 18 sold - 5 held.
    assert.equal(sideboard.replenishment.inventoryPosition, 77);
    assert.equal(sideboard.replenishment.reorder, false);
    assert.equal(sideboard.replenishment.suggestedQty, 0);

    const lamp = await forecastOf('lamp');
    assert.deepEqual(lamp.history.slice(-5), [0, 2, 2, 2, 2]);
    assert.deepEqual(lamp.locations, {}, 'four selling weeks are too few for a location forecast');
    const plan = lamp.replenishment;
    // 10 - 8 sold = 2 available, with the one in transit: 1 + 1.
    assert.equal(plan.inventoryPosition, 2);
    assert.equal(plan.leadTimeWeeks, 2);
    assert.ok(plan.reorderPoint > plan.inventoryPosition, `reorder point ${plan.reorderPoint}`);
    assert.equal(plan.reorder, true);
    assert.equal(plan.suggestedQty, plan.orderUpTo - 2);
    assert.ok(plan.safetyStock > 0, 'an SKU whose sales moved has a safety stock');
  });

  test("a hot SKU's sales from every shard add up to one history, and one location", async () => {
    await seedStore(deps, [{ sku: 'cushion', stock: { 'wh-south': 40 }, shards: { 'wh-south': 4 } }]);
    // Nine orders of 1 to 3 over two weeks: the units come from whichever shard has them.
    for (let i = 0; i < 9; i++) {
      clock.advance(week / 5);
      await sell('cushion', (i % 3) + 1);
    }
    const sales = await fs.adminDb
      .collection('ledger')
      .where('sku', '==', 'cushion')
      .where('kind', '==', 'sale')
      .get();
    assert.ok(
      new Set(sales.docs.map((d) => d.get('shard'))).size > 1,
      'the sales came from more than one shard',
    );
    clock.advance(week);
    await refreshForecasts({ db: fs.adminDb, clock }, { minLocationWeeks: 1 });
    const cushion = await forecastOf('cushion');
    assert.equal(
      cushion.history.reduce((a, b) => a + b, 0),
      18,
    );
    assert.deepEqual(Object.keys(cushion.locations), ['wh-south']);
    assert.deepEqual(cushion.locations['wh-south']!.history, cushion.history);
  });

  test('the collection holds exactly the current run: a SKU with no sale in the history loses its forecast', async () => {
    await sell('lamp', 1);
    await fs.adminDb.doc('forecasts/retired').set({ sku: 'retired' });
    clock.advance(week);
    assert.deepEqual(await refreshForecasts({ db: fs.adminDb, clock }), {
      skus: 1,
      toReorder: 0,
      removed: 1,
    });
    assert.equal((await fs.adminDb.doc('forecasts/retired').get()).exists, false);
    assert.deepEqual((await forecastOf('lamp')).history.slice(-1), [1]);

    clock.advance(52 * week);
    assert.deepEqual(await refreshForecasts({ db: fs.adminDb, clock }), {
      skus: 0,
      toReorder: 0,
      removed: 1,
    });
    assert.equal((await fs.adminDb.collection('forecasts').get()).size, 0);
  });
});
