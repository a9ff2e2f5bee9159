/**
 * Assignment to arms and the Wilson interval, as pure functions: a uid keeps its arm while the
 * split stands, arms get their shares of many uids, a new experiment deals again, and the interval
 * matches known values.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Experiment } from '@hearth/contracts';
import { armAt, assignArm, bucketOf } from '../../src/recommendations/assignment';
import { wilson } from '../../src/recommendations/wilson';

const split = (id: string, a: number): Pick<Experiment, 'id' | 'arms'> => ({
  id,
  arms: [
    { slot: 'a', version: 'v1', share: a },
    { slot: 'b', version: 'v2', share: 100 - a },
  ],
});
const uids = Array.from({ length: 10_000 }, (_, i) => `customer-${i}`);

describe('assignment to arms', () => {
  test('the same uid always gets the same arm while the split is unchanged', () => {
    const experiment = split('x1', 50);
    const first = uids.map((uid) => assignArm(uid, experiment).slot);
    const again = uids.map((uid) => assignArm(uid, structuredClone(experiment)).slot);
    assert.deepEqual(again, first);
    assert.ok(uids.every((uid) => bucketOf(uid, 'x1') >= 0 && bucketOf(uid, 'x1') < 100));
  });

  for (const share of [50, 10, 90, 25]) {
    test(`10,000 uids split ${share}/${100 - share} within 2 points of the shares`, () => {
      const experiment = split('x-shares', share);
      const inA = uids.filter((uid) => assignArm(uid, experiment).slot === 'a').length;
      const pct = (inA / uids.length) * 100;
      assert.ok(Math.abs(pct - share) <= 2, `arm a got ${pct.toFixed(2)}%, share ${share}%`);
    });
  }

  test('0 and 100 put everyone in one arm', () => {
    assert.ok(uids.every((uid) => assignArm(uid, split('x0', 0)).slot === 'b'));
    assert.ok(uids.every((uid) => assignArm(uid, split('x0', 100)).slot === 'a'));
  });

  test('a bucket on the edge between two arms belongs to the upper arm; a 0-share arm gets nobody', () => {
    const [a, b] = split('x-edges', 50).arms;
    assert.equal(armAt(49.999, [a!, b!]), a);
    assert.equal(armAt(50, [a!, b!]), b);
    const empty = { ...a!, share: 0 };
    const all = { ...b!, share: 100 };
    assert.equal(armAt(0, [empty, all]), all);
    assert.equal(armAt(99.999, [all, empty]), all);
  });

  test('shares that fall short of 100 (a hand-edited document) send the rest to the last arm with a share', () => {
    const [a, b] = split('x-short', 50).arms;
    const arms = [
      { ...a!, share: 30 },
      { ...b!, share: 20 },
      { ...b!, slot: 'a' as const, share: 0 },
    ];
    assert.equal(armAt(60, arms), arms[1]);
    assert.equal(armAt(10, arms), arms[0]);
  });

  test('a new experiment id deals the customers again, independently of the last', () => {
    const one = split('x-one', 50);
    const two = split('x-two', 50);
    const same = uids.filter((uid) => assignArm(uid, one).slot === assignArm(uid, two).slot).length;
    // Independent halves agree about half the time; the same hash would agree always.
    assert.ok(Math.abs(same / uids.length - 0.5) < 0.03, `${same} of ${uids.length} kept their arm`);
  });
});

describe('Wilson interval', () => {
  test('matches published values and stays inside [0, 1]', () => {
    // 81 of 263 (Wilson's worked example, as in Newcombe 1998, method 3): 0.2553 to 0.3662.
    const w = wilson(81, 263);
    assert.ok(Math.abs(w.low - 0.2553) < 5e-4 && Math.abs(w.high - 0.3662) < 5e-4, JSON.stringify(w));
    assert.ok(Math.abs(w.rate! - 81 / 263) < 1e-12);
    const none = wilson(0, 10);
    assert.equal(none.low, 0);
    assert.ok(Math.abs(none.high - 0.2775) < 5e-4, JSON.stringify(none));
    const all = wilson(10, 10);
    assert.equal(all.high, 1);
    assert.ok(Math.abs(all.low - 0.7225) < 5e-4);
    assert.deepEqual(wilson(0, 0), { successes: 0, trials: 0, rate: null, low: 0, high: 1 });
  });

  test('0 successes give a low end of exactly 0, where the arithmetic alone leaves a rounding error', () => {
    // At these trial counts centre - half comes out a hair above 0 in floating point.
    for (const trials of [3, 5, 31, 96]) assert.equal(wilson(0, trials).low, 0, `0 of ${trials}`);
  });

  test('refuses counts that are not a proportion', () => {
    assert.throws(() => wilson(3, 2), /0 <= successes <= trials/);
    assert.throws(() => wilson(-1, 2), RangeError);
    assert.throws(() => wilson(1.5, 2), RangeError);
  });
});
