/** The dev stack's stand-ins for what the emulators leave out: schedules and trigger paths. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intervalOf } from '../src/dev/schedules';
import { matchPattern } from '../src/dev/triggers';

describe('intervalOf', () => {
  it('reads the schedules the functions use', () => {
    assert.equal(intervalOf('every 1 minutes'), 60_000);
    assert.equal(intervalOf('every 60 minutes'), 3_600_000);
    assert.equal(intervalOf('every 2 hours'), 7_200_000);
    assert.equal(intervalOf('every day 03:00'), 86_400_000);
    assert.equal(intervalOf('0 3 * * 1'), undefined);
  });
});

describe('matchPattern', () => {
  it('gives the parameters of a matching document path, and nothing for others', () => {
    assert.deepEqual(matchPattern('inventory/{sku}', 'inventory/85123A'), { sku: '85123A' });
    assert.deepEqual(matchPattern('customers/{uid}/events/{eventId}', 'customers/ada/events/e1'), {
      uid: 'ada',
      eventId: 'e1',
    });
    assert.equal(matchPattern('customers/{uid}/events/{eventId}', 'shops/ada/events/e1'), undefined);
    assert.equal(matchPattern('inventory/{sku}', 'inventory/85123A/shards/wh_0'), undefined);
  });
});
