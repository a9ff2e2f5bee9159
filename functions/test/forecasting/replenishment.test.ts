/** The arithmetic of the forecast and the reorder suggestion, on numbers worked out by hand. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { oneWeekErrorSd } from '../../src/forecasting/forecast-error';
import { crostonSba, movingAverage, seasonalNaive, ses } from '../../src/forecasting/methods';
import { replenishment } from '../../src/forecasting/replenishment';
import { normalQuantile } from '../../src/forecasting/service-level';
import { mondayOf } from '../../src/forecasting/weeks';

const close = (actual: number, expected: number, eps = 1e-6) =>
  assert.ok(Math.abs(actual - expected) < eps, `${actual} is not ${expected}`);

describe('forecasting arithmetic', () => {
  test('service-level factors are the normal quantiles', () => {
    close(normalQuantile(0.5), 0);
    close(normalQuantile(0.95), 1.6448536);
    close(normalQuantile(0.99), 2.3263479);
    close(normalQuantile(0.01), -2.3263479);
    assert.throws(() => normalQuantile(1), RangeError);
  });

  test('reorder point is lead-time demand plus z x sd x sqrt(lead time); order up to covers the review too', () => {
    // 10 a week, sd 4, lead time 2, review 1, 95%: safety = ceil(1.6449 x 4 x 1.4142) = ceil(9.30) = 10.
    const plan = replenishment([10, 10, 10, 10, 10, 10, 10, 10], 4, 25);
    assert.equal(plan.safetyStock, 10);
    assert.equal(plan.leadTimeDemand, 20);
    assert.equal(plan.reorderPoint, 30);
    assert.equal(plan.orderUpTo, 40);
    assert.equal(plan.reorder, true);
    assert.equal(plan.suggestedQty, 15);
    // Above the reorder point: nothing to order.
    const enough = replenishment([10, 10, 10, 10, 10, 10, 10, 10], 4, 31);
    assert.deepEqual([enough.reorder, enough.suggestedQty], [false, 0]);
    // At it: order.
    assert.equal(replenishment([10, 10, 10, 10, 10, 10, 10, 10], 4, 30).suggestedQty, 10);
    // A higher service level holds more.
    const strict = replenishment([10, 10, 10, 10, 10, 10, 10, 10], 4, 0, {
      leadTimeWeeks: 3,
      reviewWeeks: 1,
      serviceLevel: 0.99,
    });
    // ceil(2.3263 x 4 x sqrt 3 = 16.12) = 17; 30 + 17; 40 + 17.
    assert.deepEqual([strict.safetyStock, strict.reorderPoint, strict.orderUpTo], [17, 47, 57]);
  });

  test('no demand, no order', () => {
    const plan = replenishment(new Array(8).fill(0), 0, 0);
    assert.deepEqual([plan.reorderPoint, plan.reorder, plan.suggestedQty], [0, false, 0]);
  });

  test('the methods on small series', () => {
    close(ses(0.5)([4, 4, 4, 4, 8], 2)[1]!, 6);
    assert.deepEqual(movingAverage(2)([1, 2, 3, 5], 3), [4, 4, 4]);
    // One season back where there is one, else the last week.
    assert.deepEqual(seasonalNaive(3)([1, 2, 3, 4], 3), [2, 3, 4]);
    assert.deepEqual(seasonalNaive(52)([1, 2, 3, 4], 2), [4, 4]);
    // Sizes 4 then 6 (smoothed to 5), intervals 2 then 3 (smoothed to 2.5): 5 / 2.5 x (1 - 0.25).
    close(crostonSba(0.5)([0, 4, 0, 0, 6], 1)[0]!, 1.5);
  });

  test('the error sd is of one-week-ahead forecasts made from the weeks before', () => {
    // Constant demand: never wrong.
    assert.equal(oneWeekErrorSd(ses(0.3), [5, 5, 5, 5, 5, 5]), 0);
    // After four 5s the level is 5; the 9 is 4 out, then level 7 and the 7 is right: sqrt(16 / 2).
    close(oneWeekErrorSd(ses(0.5), [5, 5, 5, 5, 9, 7]), Math.sqrt(8));
  });

  test('weeks start on Monday 00:00 UTC', () => {
    assert.equal(mondayOf(new Date('2026-02-18T23:59:00Z')).toISOString(), '2026-02-16T00:00:00.000Z');
    assert.equal(mondayOf(new Date('2026-02-16T00:00:00Z')).toISOString(), '2026-02-16T00:00:00.000Z');
    assert.equal(mondayOf(new Date('2026-02-22T12:00:00Z')).toISOString(), '2026-02-16T00:00:00.000Z');
  });
});
