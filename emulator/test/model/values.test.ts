import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compareReferences,
  compareValues,
  microsFromTimestamp,
  timestampFromMicros,
  typeOrder,
  valuesEqual,
  valuesIdentical,
} from '../../src/model/values';
import type { Value } from '../../src/model/types';
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
  // One row per type, each with values of that type only: within a row the order is one, and
  // from row to row it strictly rises (a constant or a swapped order fails).
  const byType: [string, Value[]][] = [
    ['null', [{ nullValue: 'NULL_VALUE' }, {}]],
    ['boolean', [{ booleanValue: false }, { booleanValue: true }]],
    ['number', [{ integerValue: '-3' }, { doubleValue: NaN }, { doubleValue: 2.5 }]],
    ['timestamp', [{ timestampValue: { seconds: '0', nanos: 0 } }]],
    ['string', [{ stringValue: '' }, { stringValue: 'z' }]],
    ['bytes', [{ bytesValue: Buffer.from('') }]],
    ['reference', [{ referenceValue: 'projects/p/databases/(default)/documents/c/d' }]],
    ['geopoint', [{ geoPointValue: { latitude: 0, longitude: 0 } }]],
    ['array', [{ arrayValue: {} }, { arrayValue: { values: [{ integerValue: '1' }] } }]],
    [
      'vector',
      [
        {
          mapValue: {
            fields: {
              __type__: { stringValue: '__vector__' },
              value: { arrayValue: { values: [{ doubleValue: 1 }] } },
            },
          },
        },
      ],
    ],
    ['map', [{ mapValue: {} }, { mapValue: { fields: { __type__: { stringValue: 'other' } } } }]],
  ];
  const orders = byType.map(([type, values]) => {
    const order = typeOrder(values[0]!);
    for (const v of values) assert.equal(typeOrder(v), order, `${type}: ${JSON.stringify(v)}`);
    return order;
  });
  for (let i = 1; i < orders.length; i++) {
    assert.ok(orders[i - 1]! < orders[i]!, `${byType[i - 1]![0]} < ${byType[i]![0]}`);
  }
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

test('names compare segment by segment, numeric ids (__id<n>__) by number before string ids', () => {
  const root = 'projects/p/databases/(default)/documents';
  const names = [
    'c/__id-5__',
    'c/__id2__',
    'c/__id2__/s/a',
    'c/__id10__',
    'c/10',
    'c/2',
    'c/__id',
    'c-/a',
    'c0/a',
  ];
  const full = names.map((n) => `${root}/${n}`);
  const shuffled = [...full].reverse();
  shuffled.sort(compareReferences);
  assert.deepEqual(shuffled, full);
  // Not numeric: no digits, leading zeros, beyond int64.
  for (const id of ['__id__', '__id07__', '__id9223372036854775808__']) {
    assert.equal(compareReferences(`${root}/c/${id}`, `${root}/c/0`) > 0, true, id);
  }
});
