import assert from 'node:assert/strict';
import { test } from 'node:test';
import { status } from '../../src/errors';
import { runStructuredQuery, validateQuery } from '../../src/model/query';
import type { StoredDocument, StructuredQuery, Value } from '../../src/model/types';

const ROOT = 'projects/p/databases/(default)/documents';
const vector = (...xs: number[]): Value => ({
  mapValue: {
    fields: {
      __type__: { stringValue: '__vector__' },
      value: { arrayValue: { values: xs.map((x) => ({ doubleValue: x })) } },
    },
  },
});
const doc = (id: string, fields: Record<string, Value>): StoredDocument => ({
  name: `${ROOT}/c/${id}`,
  fields,
  createTime: 1,
  updateTime: 1,
});

const DOCS = [
  doc('a', { v: vector(1, 0), kind: { stringValue: 'chair' } }),
  doc('b', { v: vector(0, 1), kind: { stringValue: 'table' } }),
  doc('c', { v: vector(2, 2), kind: { stringValue: 'chair' } }),
  doc('d', { v: vector(-1, 0), kind: { stringValue: 'chair' } }),
  doc('e', { v: vector(0, 0) }),
  doc('three', { v: vector(1, 0, 0) }),
  doc('notvector', { v: { arrayValue: { values: [{ doubleValue: 1 }, { doubleValue: 0 }] } } }),
  doc('none', {}),
];

function nearest(measure: string, extra: Record<string, unknown> = {}, query: StructuredQuery = {}) {
  const q = {
    from: [{ collectionId: 'c' }],
    ...query,
    findNearest: {
      vectorField: { fieldPath: 'v' },
      queryVector: vector(1, 0),
      distanceMeasure: measure,
      limit: { value: 10 },
      ...extra,
    },
  };
  return runStructuredQuery(DOCS, ROOT, q);
}
const ids = (docs: StoredDocument[]) => docs.map((d) => d.name.split('/').pop());
const distances = (docs: StoredDocument[]) => docs.map((d) => d.fields.dist?.doubleValue);

test('EUCLIDEAN: nearest first, only vectors of the query dimension', () => {
  const result = nearest('EUCLIDEAN', { distanceResultField: 'dist' });
  assert.deepEqual(ids(result), ['a', 'e', 'b', 'd', 'c']);
  assert.deepEqual(distances(result), [0, 1, Math.SQRT2, 2, Math.sqrt(5)]);
});

test('COSINE: smallest angle first; zero vectors have no angle and are left out', () => {
  const result = nearest('COSINE', { distanceResultField: 'dist' });
  assert.deepEqual(ids(result), ['a', 'c', 'b', 'd']);
  const d = distances(result);
  assert.equal(d[0], 0);
  assert.ok(Math.abs(d[1]! - (1 - Math.SQRT1_2)) < 1e-12);
  assert.equal(d[2], 1);
  assert.equal(d[3], 2);
});

test('DOT_PRODUCT: largest first', () => {
  const result = nearest('DOT_PRODUCT', { distanceResultField: 'dist' });
  assert.deepEqual(ids(result), ['c', 'a', 'b', 'e', 'd']);
  assert.deepEqual(distances(result), [2, 1, 0, 0, -1]);
});

test('thresholds are inclusive: at most for EUCLIDEAN and COSINE, at least for DOT_PRODUCT', () => {
  assert.deepEqual(ids(nearest('EUCLIDEAN', { distanceThreshold: { value: 1 } })), ['a', 'e']);
  assert.deepEqual(ids(nearest('COSINE', { distanceThreshold: { value: 1 } })), ['a', 'c', 'b']);
  assert.deepEqual(ids(nearest('DOT_PRODUCT', { distanceThreshold: { value: 1 } })), ['c', 'a']);
  // A zero threshold arrives as an empty DoubleValue.
  assert.deepEqual(ids(nearest('DOT_PRODUCT', { distanceThreshold: {} })), ['c', 'a', 'b', 'e']);
});

test('limit, where filters and nested distance result fields', () => {
  assert.deepEqual(ids(nearest('EUCLIDEAN', { limit: { value: 2 } })), ['a', 'e']);
  const filtered = nearest(
    'EUCLIDEAN',
    { distanceResultField: 'm.`d.x`' },
    {
      where: { fieldFilter: { field: { fieldPath: 'kind' }, op: 'EQUAL', value: { stringValue: 'chair' } } },
    },
  );
  assert.deepEqual(ids(filtered), ['a', 'd', 'c']);
  assert.deepEqual(filtered[1]!.fields.m, { mapValue: { fields: { 'd.x': { doubleValue: 2 } } } });
  assert.equal(DOCS[3]!.fields.m, undefined, 'stored documents are not modified');
});

test('bad findNearest requests are INVALID_ARGUMENT', () => {
  const base = {
    vectorField: { fieldPath: 'v' },
    queryVector: vector(1, 0),
    distanceMeasure: 'EUCLIDEAN',
    limit: { value: 5 },
  };
  const bad: [string, object][] = [
    ['no limit', { ...base, limit: undefined }],
    ['limit 0', { ...base, limit: {} }],
    ['limit over 1000', { ...base, limit: { value: 1001 } }],
    ['no measure', { ...base, distanceMeasure: 'DISTANCE_MEASURE_UNSPECIFIED' }],
    ['no vector field', { ...base, vectorField: undefined }],
    ['query vector not a vector', { ...base, queryVector: { arrayValue: { values: [{ doubleValue: 1 }] } } }],
    ['empty query vector', { ...base, queryVector: vector() }],
    ['query vector over 2048 dimensions', { ...base, queryVector: vector(...new Array(2049).fill(1)) }],
  ];
  for (const [label, findNearest] of bad) {
    assert.throws(
      () => validateQuery({ from: [{ collectionId: 'c' }], findNearest }),
      { code: status.INVALID_ARGUMENT },
      label,
    );
  }
});
