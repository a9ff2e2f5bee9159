import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compareValues,
  microsFromTimestamp,
  timestampFromMicros,
  typeOrder,
  valuesEqual,
  valuesIdentical,
} from '../../src/model/values';
import { ORDERING_TABLE } from './ordering-table';

const flat = ORDERING_TABLE.flatMap((group, g) => group.map((entry) => ({ ...entry, g })));

test('every pair of the ordering table compares as its groups do', () => {
  for (const a of flat) {
    for (const b of flat) {
      const expected = Math.sign(a.g - b.g);
      assert.equal(Math.sign(compareValues(a.value, b.value)) + 0, expected + 0, `${a.label} vs ${b.label}`);
      assert.equal(valuesEqual(a.value, b.value), expected === 0, `${a.label} == ${b.label}`);
    }
  }
});

test('sorting a shuffled table restores the order', () => {
  const shuffled = [...flat].reverse();
  shuffled.sort((x, y) => compareValues(x.value, y.value));
  assert.deepEqual(
    shuffled.map((x) => x.g),
    flat.map((x) => x.g),
  );
});

test('type order follows Firestore: null < bool < number < timestamp < string < bytes < ref < geo < array < vector < map', () => {
  const orders = ORDERING_TABLE.map((group) => typeOrder(group[0]!.value));
  for (let i = 1; i < orders.length; i++) assert.ok(orders[i - 1]! <= orders[i]!);
});

test('identity tells integers from doubles and -0 from 0, equality does not', () => {
  assert.equal(valuesEqual({ integerValue: '1' }, { doubleValue: 1 }), true);
  assert.equal(valuesIdentical({ integerValue: '1' }, { doubleValue: 1 }), false);
  assert.equal(valuesIdentical({ doubleValue: -0 }, { doubleValue: 0 }), false);
  assert.equal(valuesIdentical({ doubleValue: NaN }, { doubleValue: NaN }), true);
  assert.equal(valuesIdentical({ integerValue: 5 }, { integerValue: '5' }), true);
});

test('timestamps and microseconds convert both ways, before the epoch too', () => {
  for (const micros of [0, 1, 999_999, 1_000_000, -1, -1_000_001, 1_700_000_000_123_456]) {
    assert.equal(microsFromTimestamp(timestampFromMicros(micros)), micros);
  }
  assert.deepEqual(timestampFromMicros(-1), { seconds: '-1', nanos: 999_999_000 });
  assert.equal(microsFromTimestamp({ seconds: '2', nanos: 1_999 }), 2_000_001);
});
