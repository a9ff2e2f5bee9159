/**
 * The soak benchmark's harness, short: sustained writes and hot-counter transactions against the
 * emulator in its own process lose nothing, the counter ends exact, and every interval is reported
 * (the 10-minute run and its goals are `npm run bench -- soak`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { soak } from '../src/bench/_soak';

describe('soak harness', () => {
  it('writes and increments for a while with no failure, the hot counter exact, each interval sampled', async () => {
    const result = await soak({
      durationMs: 6_000,
      intervalMs: 2_000,
      writers: 4,
      transactors: 2,
      documents: 15,
    });
    assert.equal(result.failures, 0);
    assert.ok(result.counterExact, `counter ${result.hotCounter}, transactions ${result.transactions}`);
    assert.ok(result.transactions > 0 && result.writes > 0);
    assert.equal(result.intervals.length, 3);
    for (const interval of result.intervals) {
      assert.ok(interval.rssMb > 0 && interval.writesPerSecond > 0, JSON.stringify(interval));
      assert.ok(interval.retainedVersions !== undefined, 'the emulator reports the versions it retains');
    }
    const sum = result.intervals.reduce((n, i) => n + i.writesPerSecond * 2, 0);
    assert.ok(
      Math.abs(sum - result.writes) <= result.writes * 0.1 + 10,
      'the intervals add up to the writes',
    );
  });
});
