/** The line format itself: canonical output, exact round trips, strict input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeDocument,
  decodeValue,
  encodeDocument,
  encodeValue,
  formatTimestamp,
  parseTimestamp,
} from '../../src/persistence/codec';
import type { Value } from '../../src/model/types';

describe('export line codec', () => {
  it('writes timestamps as RFC 3339 in UTC across the whole range, and reads them back', () => {
    const cases: Array<[number, number, string]> = [
      [-62_135_596_800, 0, '0001-01-01T00:00:00Z'],
      [253_402_300_799, 999_999_000, '9999-12-31T23:59:59.999999Z'],
      [0, 1_000, '1970-01-01T00:00:00.000001Z'],
      [0, 5_000_000, '1970-01-01T00:00:00.005Z'],
      [951_782_400, 123_456_789, '2000-02-29T00:00:00.123456789Z'],
      [-1, 0, '1969-12-31T23:59:59Z'],
    ];
    for (const [seconds, nanos, text] of cases) {
      assert.equal(formatTimestamp(seconds, nanos), text);
      assert.deepEqual(parseTimestamp(text, 't'), { seconds, nanos });
    }
    assert.deepEqual(
      parseTimestamp('2024-01-01T01:30:00+01:30', 't'),
      parseTimestamp('2024-01-01T00:00:00Z', 't'),
    );
    for (const bad of [
      '2023-02-29T00:00:00Z',
      '2024-01-01 00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T23:59:60Z',
      1700000000,
    ]) {
      assert.throws(
        () => parseTimestamp(bad, 't'),
        /t must be an RFC 3339 timestamp|not a date and time that exists/,
      );
    }
  });

  it('keeps every number exactly: int64 extremes, doubles that look like integers, NaN, infinities, -0', () => {
    const values: Value[] = [
      { integerValue: '9223372036854775807' },
      { integerValue: '-9223372036854775808' },
      { integerValue: 0 },
      { doubleValue: 1 },
      { doubleValue: -0 },
      { doubleValue: NaN },
      { doubleValue: Infinity },
      { doubleValue: -Infinity },
      { doubleValue: 5e-324 },
      { doubleValue: 0.1 + 0.2 },
    ];
    for (const value of values) {
      const back = decodeValue(JSON.parse(encodeValue(value)), 'x');
      if (value.integerValue !== undefined) assert.equal(back.integerValue, String(value.integerValue));
      else assert.ok(Object.is(back.doubleValue, value.doubleValue), `${encodeValue(value)}`);
    }
    assert.equal(encodeValue({ doubleValue: -0 }), '{"doubleValue":"-0"}');
    assert.throws(() => decodeValue({ integerValue: '9223372036854775808' }, 'n'), /outside int64/);
  });

  it('writes map keys in UTF-8 order whatever their insertion order, so equal documents give equal lines', () => {
    const fields = (keys: string[]) => Object.fromEntries(keys.map((k) => [k, { booleanValue: true }]));
    const keys = ['b', 'a', '10', '9', 'é', '😀', '\uffff', 'A'];
    const one = encodeDocument({
      name: 'projects/p/databases/d/documents/c/x',
      fields: fields(keys),
      createTime: 1,
      updateTime: 2,
    });
    const two = encodeDocument({
      name: 'projects/p/databases/d/documents/c/x',
      fields: fields([...keys].reverse()),
      createTime: 1,
      updateTime: 2,
    });
    assert.equal(one, two);
    assert.deepEqual(Object.keys(JSON.parse(one).fields).length, keys.length);
    // Code point order: the astral emoji after U+FFFF's neighbours would be wrong in UTF-16 order.
    assert.match(one, /"é".*"\uffff".*"😀"/u);
  });

  it('refuses lines it did not write: unknown keys, two types in a value, bad base64, times out of order', () => {
    const line = (doc: object) =>
      JSON.stringify({
        name: 'projects/p/databases/d/documents/c/x',
        createTime: '2024-01-01T00:00:00Z',
        updateTime: '2024-01-01T00:00:00Z',
        fields: {},
        ...doc,
      });
    assert.throws(() => decodeDocument(line({ colour: 'red' })), /unknown field "colour"/);
    assert.throws(
      () => decodeDocument(line({ fields: { a: { stringValue: 'x', booleanValue: true } } })),
      /field a must have exactly one of .* it has stringValue, booleanValue/,
    );
    assert.throws(
      () => decodeDocument(line({ fields: { b: { bytesValue: 'not base64!' } } })),
      /field b: bytesValue must be base64/,
    );
    assert.throws(
      () => decodeDocument(line({ createTime: '2025-01-01T00:00:00Z' })),
      /updated \(updateTime\) before it was created/,
    );
    assert.throws(
      () =>
        decodeDocument(
          line({ fields: { 'odd key': { mapValue: { fields: { x: { arrayValue: { values: [{}] } } } } } } }),
        ),
      /field `odd key`\.x\[0\] must have exactly one of/,
    );
  });
});
