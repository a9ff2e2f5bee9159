/**
 * Firestore's total order of values, as a table: groups in ascending order, the values inside a
 * group equal to each other. Shared by the emulator's unit tests and the SDK conformance suite,
 * which turns each proto value into its SDK form (see `label` for what each one is). That suite
 * picks groups by index, so add new groups at the end of their type's run, not before group 14.
 */
import type { Value } from '../../src/model/types';

export interface OrderingEntry {
  label: string;
  value: Value;
}

const ref = (path: string): Value => ({ referenceValue: `projects/p/databases/(default)/documents/${path}` });
const vector = (...xs: number[]): Value => ({
  mapValue: {
    fields: {
      __type__: { stringValue: '__vector__' },
      value: { arrayValue: { values: xs.map((x) => ({ doubleValue: x })) } },
    },
  },
});
const int = (n: string | number): Value => ({ integerValue: String(n) });
const dbl = (n: number): Value => ({ doubleValue: n });
const ts = (seconds: number, nanos: number): Value => ({
  timestampValue: { seconds: String(seconds), nanos },
});
const bytes = (...b: number[]): Value => ({ bytesValue: Buffer.from(b) });
const geo = (latitude: number, longitude: number): Value => ({ geoPointValue: { latitude, longitude } });
const arr = (...values: Value[]): Value => ({ arrayValue: { values } });
const map = (fields: Record<string, Value>): Value => ({ mapValue: { fields } });
const str = (s: string): Value => ({ stringValue: s });

const e = (label: string, value: Value): OrderingEntry => ({ label, value });

export const ORDERING_TABLE: OrderingEntry[][] = [
  [e('null', { nullValue: 'NULL_VALUE' })],
  [e('false', { booleanValue: false })],
  [e('true', { booleanValue: true })],
  [e('NaN', dbl(NaN))],
  [e('-Infinity', dbl(-Infinity))],
  [e('-Number.MAX_VALUE', dbl(-Number.MAX_VALUE))],
  [e('int64 min', int('-9223372036854775808')), e('-2^63 as double', dbl(-9223372036854775808))],
  [e('int64 min + 1', int('-9223372036854775807'))],
  [e('-1.5', dbl(-1.5))],
  [e('-1', int(-1)), e('-1.0', dbl(-1))],
  [e('-Number.MIN_VALUE', dbl(-Number.MIN_VALUE))],
  [e('0', int(0)), e('0.0', dbl(0)), e('-0.0', dbl(-0))],
  [e('Number.MIN_VALUE', dbl(Number.MIN_VALUE))],
  [e('1', int(1)), e('1.0', dbl(1))],
  [e('1.5', dbl(1.5))],
  [e('2', int(2))],
  [e('2^53', int('9007199254740992')), e('2^53 as double', dbl(9007199254740992))],
  [e('2^53 + 1', int('9007199254740993'))],
  [e('2^53 + 2 as double', dbl(9007199254740994))],
  [e('int64 max', int('9223372036854775807'))],
  [e('2^63 as double', dbl(9223372036854775808))],
  [e('Number.MAX_VALUE', dbl(Number.MAX_VALUE))],
  [e('Infinity', dbl(Infinity))],
  [e('1969-12-31T23:59:59.999999Z', ts(-1, 999_999_000))],
  [e('epoch', ts(0, 0))],
  [e('epoch + 1us', ts(0, 1000))],
  [e('epoch + 1s', ts(1, 0))],
  [e('9999-12-31T23:59:59.999999Z', ts(253402300799, 999_999_000))],
  [e('empty string', str(''))],
  [e('"\\u0000"', str('\u0000'))],
  [e('"A"', str('A'))],
  [e('"a"', str('a'))],
  [e('"aa"', str('aa'))],
  [e('"b"', str('b'))],
  [e('"é" (U+00E9)', str('\u00e9'))],
  [e('U+E000 (private use)', str('\ue000'))],
  [e('U+FFFD', str('\ufffd'))],
  [e('"😀" (U+1F600, a surrogate pair in UTF-16)', str('\u{1f600}'))],
  [e('empty bytes', bytes())],
  [e('bytes 00', bytes(0))],
  [e('bytes 00 01', bytes(0, 1))],
  [e('bytes 01', bytes(1))],
  [e('bytes ff', bytes(255))],
  [e('ref c/a', ref('c/a'))],
  [e('ref c/a/sub/x', ref('c/a/sub/x'))],
  [e('ref c/b', ref('c/b'))],
  [e('ref c-/a (segment-wise: "c" < "c-")', ref('c-/a'))],
  [e('ref c0/a', ref('c0/a'))],
  [e('geo(-90,-180)', geo(-90, -180))],
  [e('geo(-90,0)', geo(-90, 0))],
  [e('geo(0,0)', geo(0, 0))],
  [e('geo(0,180)', geo(0, 180))],
  [e('geo(90,-180)', geo(90, -180))],
  [e('[]', arr())],
  [e('[null]', arr({ nullValue: 'NULL_VALUE' }))],
  [e('[1]', arr(int(1))), e('[1.0]', arr(dbl(1)))],
  [e('[1, 2]', arr(int(1), int(2)))],
  [e('[2]', arr(int(2)))],
  [e('["a"]', arr(str('a')))],
  [e('[{}]', arr(map({})))],
  [e('vector [100]', vector(100))],
  [e('vector [1, 2]', vector(1, 2))],
  [e('vector [1, 3]', vector(1, 3))],
  [e('vector [0, 0, 0]', vector(0, 0, 0))],
  [e('{}', map({}))],
  [e('{a: null}', map({ a: { nullValue: 'NULL_VALUE' } }))],
  [e('{a: 1}', map({ a: int(1) })), e('{a: 1.0}', map({ a: dbl(1) }))],
  [e('{a: 1, b: 0}', map({ a: int(1), b: int(0) }))],
  [e('{a: 2}', map({ a: int(2) }))],
  [e('{a: "x"}', map({ a: str('x') }))],
  [e('{aa: 0}', map({ aa: int(0) }))],
  [e('{b: 0}', map({ b: int(0) }))],
];
