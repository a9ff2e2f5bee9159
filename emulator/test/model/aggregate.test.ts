import assert from 'node:assert/strict';
import { test } from 'node:test';
import { status } from '../../src/errors';
import { runAggregations } from '../../src/model/aggregate';
import type { Fields, StoredDocument, Value } from '../../src/model/types';

const int = (n: number | string): Value => ({ integerValue: String(n) });
const dbl = (n: number): Value => ({ doubleValue: n });
const docs = (...values: (Value | undefined)[]): StoredDocument[] =>
  values.map((v, i) => ({
    name: `projects/p/databases/(default)/documents/c/${i}`,
    fields: (v ? { x: v } : {}) as Fields,
    createTime: 1,
    updateTime: 1,
  }));
const sum = (alias?: string) => ({ sum: { field: { fieldPath: 'x' } }, ...(alias ? { alias } : {}) });
const avg = (alias?: string) => ({ avg: { field: { fieldPath: 'x' } }, ...(alias ? { alias } : {}) });
const one = (d: StoredDocument[], aggregation: object): Value =>
  runAggregations(d, [{ ...aggregation, alias: 'r' }]).r!;

test('count, and count up to', () => {
  const d = docs(int(1), undefined, { stringValue: 'a' });
  assert.deepEqual(one(d, { count: {} }), int(3));
  assert.deepEqual(one(d, { count: { upTo: { value: '2' } } }), int(2));
  assert.deepEqual(one(d, { count: { upTo: { value: '10' } } }), int(3));
  assert.deepEqual(one([], { count: {} }), int(0));
});

test('sum: integers stay integers, overflow or any double gives a double, non-numbers are skipped', () => {
  const cases: [(Value | undefined)[], Value][] = [
    [[int(1), int(2), { stringValue: '5' }, { nullValue: 'NULL_VALUE' }, undefined], int(3)],
    [[], int(0)],
    [[int('9223372036854775807'), int(1)], dbl(9223372036854775808)],
    [[int('9223372036854775807'), int(1), int(-1)], int('9223372036854775807')],
    [[int(1), dbl(0.5)], dbl(1.5)],
    [[dbl(1), dbl(2)], dbl(3)],
    [[int(1), dbl(NaN)], dbl(NaN)],
    [[dbl(Infinity), int(1)], dbl(Infinity)],
    [[dbl(Infinity), dbl(-Infinity)], dbl(NaN)],
  ];
  for (const [values, expected] of cases)
    assert.deepEqual(one(docs(...values), sum()), expected, JSON.stringify(values));
});

test('avg: always a double, null when nothing is numeric', () => {
  assert.deepEqual(one(docs(int(1), int(2), { stringValue: 'x' }), avg()), dbl(1.5));
  assert.deepEqual(one(docs(int(2), int(2)), avg()), dbl(2));
  assert.deepEqual(one(docs({ stringValue: 'x' }, undefined), avg()), { nullValue: 'NULL_VALUE' });
  assert.deepEqual(one(docs(dbl(NaN), int(1)), avg()), dbl(NaN));
});

test('aliases: given ones are kept, missing ones are field_1, field_2, ... in order', () => {
  const result: Fields = runAggregations(docs(int(4)), [
    { count: {}, alias: 'total' },
    sum(),
    { count: {} },
    avg('mean'),
  ]);
  assert.deepEqual(Object.keys(result), ['total', 'field_1', 'field_2', 'mean']);
  assert.deepEqual(result.field_1, int(4));
});

test('bad aggregations are INVALID_ARGUMENT', () => {
  const bad: [string, object[]][] = [
    ['none', []],
    ['six', Array.from({ length: 6 }, () => ({ count: {} }))],
    [
      'duplicate alias',
      [
        { count: {}, alias: 'a' },
        { count: {}, alias: 'a' },
      ],
    ],
    ['no operator', [{ alias: 'a' }]],
    ['sum without field', [{ sum: {} }]],
    ['count up to zero', [{ count: { upTo: {} } }]],
    ['count up to negative', [{ count: { upTo: { value: '-1' } } }]],
  ];
  for (const [label, aggregations] of bad) {
    assert.throws(() => runAggregations([], aggregations), { code: status.INVALID_ARGUMENT }, label);
  }
});
