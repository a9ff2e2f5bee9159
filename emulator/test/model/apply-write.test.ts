import assert from 'node:assert/strict';
import { test } from 'node:test';
import { status } from '../../src/errors';
import { applyWrite } from '../../src/model/apply-write';
import { MAX_DOCUMENT_BYTES, documentSize } from '../../src/model/size';
import { timestampFromMicros } from '../../src/model/time';
import type { Fields, StoredDocument, Value, Write } from '../../src/model/types';

const NAME = 'projects/p/databases/(default)/documents/c/d';
const T1 = 1_700_000_000_000_000;
const T2 = T1 + 1_234_567;

const int = (n: string | number): Value => ({ integerValue: String(n) });
const dbl = (n: number): Value => ({ doubleValue: n });
const str = (s: string): Value => ({ stringValue: s });
const arr = (...values: Value[]): Value => ({ arrayValue: { values } });
const map = (fields: Fields): Value => ({ mapValue: { fields } });
const NULL: Value = { nullValue: 'NULL_VALUE' };

const doc = (fields: Fields, time = T1): StoredDocument => ({
  name: NAME,
  fields,
  createTime: time,
  updateTime: time,
});
const update = (fields: Fields, extra: Partial<Write> = {}): Write => ({
  update: { name: NAME, fields },
  ...extra,
});
const transformWrite = (transform: Record<string, unknown>, fields: Fields = {}): Write =>
  update(fields, { updateMask: { fieldPaths: [] }, updateTransforms: [{ fieldPath: 'n', ...transform }] });

function transformOn(current: Value | undefined, transform: Record<string, unknown>) {
  const outcome = applyWrite(doc(current === undefined ? {} : { n: current }), transformWrite(transform), T2);
  return { value: outcome.document!.fields.n, result: outcome.transformResults[0] };
}

test('an update without a mask replaces the document; a new one gets createTime = updateTime', () => {
  const created = applyWrite(null, update({ a: int(1) }), T1).document!;
  assert.deepEqual(created, { name: NAME, fields: { a: int(1) }, createTime: T1, updateTime: T1 });
  const replaced = applyWrite(created, update({ b: int(2) }), T2).document!;
  assert.deepEqual(replaced, { name: NAME, fields: { b: int(2) }, createTime: T1, updateTime: T2 });
});

test('an update mask changes only masked paths and deletes masked paths absent from the update', () => {
  const current = doc({ a: int(1), b: int(2), m: map({ x: int(1), y: int(2) }) });
  const write = update(
    { a: int(10), m: map({ x: int(10), ignored: int(0) }), notMasked: int(5) },
    { updateMask: { fieldPaths: ['a', 'm.x', 'b', 'm.y', 'gone'] } },
  );
  const after = applyWrite(current, write, T2).document!;
  assert.deepEqual(after.fields, { a: int(10), m: map({ x: int(10) }) });
});

test('a mask may repeat a path or name one under another: the broader path writes the whole map', () => {
  const current = doc({ m: map({ x: int(1), y: int(2) }), keep: int(1) });
  for (const fieldPaths of [
    ['m.x', 'm', 'm'],
    ['m', 'm.x'],
    ['m.z', 'm'],
  ]) {
    const after = applyWrite(current, update({ m: map({ x: int(5) }) }, { updateMask: { fieldPaths } }), T2);
    assert.deepEqual(after.document!.fields, { m: map({ x: int(5) }), keep: int(1) }, fieldPaths.join(', '));
  }
});

test('a masked update of a path through a non-map replaces it with a map', () => {
  const after = applyWrite(
    doc({ a: str('x') }),
    update({ a: map({ b: int(1) }) }, { updateMask: { fieldPaths: ['a.b'] } }),
    T2,
  );
  assert.deepEqual(after.document!.fields, { a: map({ b: int(1) }) });
});

test('an escaped mask path addresses a dotted field name', () => {
  const after = applyWrite(doc({}), update({ 'a.b': int(1) }, { updateMask: { fieldPaths: ['`a.b`'] } }), T2);
  assert.deepEqual(after.document!.fields, { 'a.b': int(1) });
});

test('a write that changes nothing keeps the stored document and its update time', () => {
  const current = doc({ a: int(1) });
  assert.equal(applyWrite(current, update({ a: int(1) }), T2).document, current);
  assert.equal(applyWrite(current, update({}, { updateMask: { fieldPaths: ['zz'] } }), T2).document, current);
  // 1 and 1.0 are equal in queries but a different stored value.
  assert.equal(applyWrite(current, update({ a: dbl(1) }), T2).document!.updateTime, T2);
});

test('delete removes, and deleting a missing document is fine', () => {
  assert.equal(applyWrite(doc({ a: int(1) }), { delete: NAME }, T2).document, null);
  assert.equal(applyWrite(null, { delete: NAME }, T2).document, null);
});

test('verify only checks its precondition', () => {
  const current = doc({ a: int(1) });
  assert.equal(
    applyWrite(current, { verify: NAME, currentDocument: { exists: true } }, T2).document,
    current,
  );
  assert.throws(() => applyWrite(null, { verify: NAME, currentDocument: { exists: true } }, T2), {
    code: status.NOT_FOUND,
  });
});

test('preconditions answer NOT_FOUND, ALREADY_EXISTS and FAILED_PRECONDITION', () => {
  const current = doc({ a: int(1) });
  const exists = (e: boolean) => ({ currentDocument: { exists: e } });
  assert.throws(() => applyWrite(null, update({}, exists(true)), T2), {
    code: status.NOT_FOUND,
    message: `No document to update: ${NAME}`,
  });
  assert.throws(() => applyWrite(current, update({}, exists(false)), T2), {
    code: status.ALREADY_EXISTS,
    message: `Document already exists: ${NAME}`,
  });
  assert.throws(() => applyWrite(current, { delete: NAME, ...exists(false) }, T2), {
    code: status.ALREADY_EXISTS,
  });
  assert.equal(applyWrite(null, update({ a: int(1) }, exists(false)), T2).document!.createTime, T2);
  assert.equal(applyWrite(current, update({ a: int(2) }, exists(true)), T2).document!.updateTime, T2);

  const at = (micros: number) => ({ currentDocument: { updateTime: timestampFromMicros(micros) } });
  assert.equal(applyWrite(current, update({ a: int(2) }, at(T1)), T2).document!.updateTime, T2);
  assert.throws(() => applyWrite(current, update({ a: int(2) }, at(T1 + 1)), T2), {
    code: status.FAILED_PRECONDITION,
    message: `the stored version (${T1}) does not match the required base version (${T1 + 1})`,
  });
  assert.throws(() => applyWrite(null, { delete: NAME, ...at(T1) }, T2), {
    code: status.FAILED_PRECONDITION,
  });
});

test('server time is the commit time to the microsecond, and is the transform result', () => {
  const { value, result } = transformOn(undefined, { setToServerValue: 'REQUEST_TIME' });
  assert.deepEqual(value, { timestampValue: timestampFromMicros(T2) });
  assert.deepEqual(result, value);
});

test('increment: integers stay integers and saturate, any double makes a double, non-numbers are replaced', () => {
  const cases: [Value | undefined, Value, Value][] = [
    [int(1), int(2), int(3)],
    [int('9223372036854775800'), int(100), int('9223372036854775807')],
    [int('-9223372036854775800'), int(-100), int('-9223372036854775808')],
    [int(1), dbl(0.5), dbl(1.5)],
    [dbl(0.5), int(1), dbl(1.5)],
    [dbl(0.1), dbl(0.2), dbl(0.1 + 0.2)],
    [dbl(NaN), int(1), dbl(NaN)],
    [dbl(Infinity), dbl(-Infinity), dbl(NaN)],
    [undefined, int(5), int(5)],
    [str('x'), dbl(2.5), dbl(2.5)],
    [NULL, int(7), int(7)],
  ];
  for (const [current, operand, expected] of cases) {
    const { value, result } = transformOn(current, { increment: operand });
    assert.deepEqual(value, expected, `${JSON.stringify(current)} + ${JSON.stringify(operand)}`);
    assert.deepEqual(result, expected);
  }
});

test('maximum and minimum: larger/smaller operand with its type, equivalents keep the stored value, NaN wins', () => {
  const cases: ['maximum' | 'minimum', Value | undefined, Value, Value][] = [
    ['maximum', int(1), int(2), int(2)],
    ['maximum', int(3), dbl(2.5), int(3)],
    ['maximum', int(2), dbl(2.5), dbl(2.5)],
    ['maximum', int(3), dbl(3), int(3)],
    ['maximum', dbl(3), int(3), dbl(3)],
    ['maximum', dbl(-0), int(0), dbl(-0)],
    ['maximum', int(0), dbl(-0), int(0)],
    ['maximum', int(1), dbl(NaN), dbl(NaN)],
    ['maximum', dbl(NaN), int(1), dbl(NaN)],
    ['maximum', undefined, int(4), int(4)],
    ['maximum', str('a'), dbl(1.5), dbl(1.5)],
    ['minimum', int(1), int(2), int(1)],
    ['minimum', int(3), dbl(2.5), dbl(2.5)],
    ['minimum', dbl(3), int(3), dbl(3)],
    ['minimum', dbl(0), dbl(-0), dbl(0)],
    ['minimum', int(1), dbl(NaN), dbl(NaN)],
    ['minimum', int('9223372036854775807'), int('9223372036854775806'), int('9223372036854775806')],
    ['minimum', undefined, dbl(-1), dbl(-1)],
  ];
  for (const [kind, current, operand, expected] of cases) {
    const { value, result } = transformOn(current, { [kind]: operand });
    assert.deepEqual(value, expected, `${kind}(${JSON.stringify(current)}, ${JSON.stringify(operand)})`);
    assert.deepEqual(result, expected);
  }
});

test('appendMissingElements adds what is missing by Firestore equality, once; the result is null', () => {
  const { value, result } = transformOn(arr(int(1), str('a')), {
    appendMissingElements: { values: [dbl(1), int(2), int(2), dbl(NaN), NULL] },
  });
  assert.deepEqual(value, arr(int(1), str('a'), int(2), dbl(NaN), NULL));
  assert.deepEqual(result, NULL);
  assert.deepEqual(transformOn(str('x'), { appendMissingElements: { values: [int(1)] } }).value, arr(int(1)));
  assert.deepEqual(transformOn(undefined, { appendMissingElements: { values: [] } }).value, arr());
});

test('removeAllFromArray removes every equivalent element; non-arrays become empty', () => {
  const { value, result } = transformOn(arr(int(1), dbl(1), int(2), dbl(NaN), NULL, int(1)), {
    removeAllFromArray: { values: [int(1), dbl(NaN), NULL] },
  });
  assert.deepEqual(value, arr(int(2)));
  assert.deepEqual(result, NULL);
  assert.deepEqual(transformOn(int(3), { removeAllFromArray: { values: [int(3)] } }).value, arr());
});

test('transforms apply in order after the update, with results in order', () => {
  const write = update(
    { n: int(1) },
    {
      updateTransforms: [
        { fieldPath: 'n', increment: int(2) },
        { fieldPath: 'n', maximum: int(10) },
        { fieldPath: 'm.`x.y`', appendMissingElements: { values: [int(1)] } },
      ],
    },
  );
  const outcome = applyWrite(null, write, T2);
  assert.deepEqual(outcome.document!.fields, { n: int(10), m: map({ 'x.y': arr(int(1)) }) });
  assert.deepEqual(outcome.transformResults, [int(3), int(10), NULL]);
});

test('the legacy transform operation applies to the stored document', () => {
  const outcome = applyWrite(
    doc({ a: int(1) }),
    { transform: { document: NAME, fieldTransforms: [{ fieldPath: 'a', increment: int(1) }] } },
    T2,
  );
  assert.deepEqual(outcome.document!.fields, { a: int(2) });
});

test('vectors are stored; other reserved names are rejected', () => {
  const vector = map({ __type__: str('__vector__'), value: arr(dbl(1), dbl(2)) });
  assert.deepEqual(applyWrite(null, update({ v: vector }), T1).document!.fields.v, vector);
  // `__type__` is allowed only as the one shape Firestore defines, exactly; every other name
  // matching __.*__, at any depth, is refused.
  const refused: [string, Fields][] = [
    ['__type__ as a field of the document', { __type__: str('__vector__') }],
    [
      'a vector with an extra field',
      { v: map({ __type__: str('__vector__'), value: arr(dbl(1)), x: int(1) }) },
    ],
    ['a vector without its value', { v: map({ __type__: str('__vector__') }) }],
    ['a vector whose value is not an array', { v: map({ __type__: str('__vector__'), value: dbl(1) }) }],
    ['__value__ beside a vector', { v: vector, __value__: int(1) }],
    ['a reserved name in a map in an array', { a: arr(map({ __x__: int(1) })) }],
    ['a bare __ name', { ____: int(1) }],
  ];
  for (const [label, fields] of refused) {
    assert.throws(() => applyWrite(null, update(fields), T1), { code: status.INVALID_ARGUMENT }, label);
  }
  // Names that only look reserved are ordinary.
  const ordinary = { _a_: int(1), __b: int(2), c__: int(3) };
  assert.deepEqual(applyWrite(null, update(ordinary), T1).document!.fields, ordinary);
});

test('malformed writes are INVALID_ARGUMENT', () => {
  const bad: [string, Write][] = [
    ['no operation', {}],
    ['two operations', { update: { name: NAME, fields: {} }, delete: NAME }],
    ['mask on delete', { delete: NAME, updateMask: { fieldPaths: ['a'] } }],
    ['transforms on delete', { delete: NAME, updateTransforms: [{ fieldPath: 'a', increment: int(1) }] }],
    ['reserved field name', update({ __x__: int(1) })],
    ['nested reserved field name', update({ m: map({ __y__: int(1) }) })],
    ['empty field name', update({ '': int(1) })],
    ['bad vector type', update({ v: map({ __type__: str('__other__'), value: arr() }) })],
    ['vector of strings', update({ v: map({ __type__: str('__vector__'), value: arr(str('x')) }) })],
    ['array in array', update({ a: arr(arr()) })],
    ['mask with __name__', update({}, { updateMask: { fieldPaths: ['__name__'] } })],
    ['mask with bad path', update({}, { updateMask: { fieldPaths: ['a..b'] } })],
    ['transform on __name__', transformWriteAt('__name__', { increment: int(1) })],
    ['transform without a kind', transformWriteAt('n', {})],
    ['increment by a string', transformWriteAt('n', { increment: str('1') })],
    ['maximum of null', transformWriteAt('n', { maximum: NULL })],
    ['unknown server value', transformWriteAt('n', { setToServerValue: 'SERVER_VALUE_UNSPECIFIED' })],
    ['legacy transform with nothing', { transform: { document: NAME, fieldTransforms: [] } }],
    ['collection name', { update: { name: 'projects/p/databases/(default)/documents/c', fields: {} } }],
    ['no name', { update: { fields: {} } }],
    [
      'reserved document id',
      { update: { name: 'projects/p/databases/(default)/documents/c/__x__', fields: {} } },
    ],
    ['too deep', update({ a: nested(25) })],
    ['untyped value', update({ a: {} })],
    ['timestamp before year 1', update({ t: { timestampValue: { seconds: '-62135596801', nanos: 0 } } })],
    [
      'timestamp nanos out of range',
      update({ t: { timestampValue: { seconds: '0', nanos: 1_000_000_000 } } }),
    ],
    ['latitude out of range', update({ g: { geoPointValue: { latitude: 91, longitude: 0 } } })],
    ['array in an array union', transformWriteAt('n', { appendMissingElements: { values: [arr()] } })],
  ];
  for (const [label, write] of bad) {
    assert.throws(() => applyWrite(null, write, T1), { code: status.INVALID_ARGUMENT }, label);
  }
});

function transformWriteAt(fieldPath: string, transform: Record<string, unknown>): Write {
  return update({}, { updateMask: { fieldPaths: [] }, updateTransforms: [{ fieldPath, ...transform }] });
}

function nested(depth: number): Value {
  return depth === 0 ? int(1) : map({ x: nested(depth - 1) });
}

test('documents over 1 MiB are INVALID_ARGUMENT; exactly at the limit is fine', () => {
  const base = documentSize({ name: NAME, fields: { s: str('') } });
  const fits = 'x'.repeat(MAX_DOCUMENT_BYTES - base);
  assert.equal(documentSize({ name: NAME, fields: { s: str(fits) } }), MAX_DOCUMENT_BYTES);
  assert.ok(applyWrite(null, update({ s: str(fits) }), T1).document);
  assert.throws(() => applyWrite(null, update({ s: str(fits + 'x') }), T1), {
    code: status.INVALID_ARGUMENT,
    message: /exceeds the maximum/,
  });
});

test('documentSize follows Firestore storage size rules', () => {
  // The storage-size page example: name 6 + 5 + 6 + 11 + 16 = 44, fields 14 + 6 + 17 + 34 = 71, plus 32.
  const name = 'projects/p/databases/(default)/documents/users/jeff/tasks/my_task_id';
  const fields: Fields = {
    type: str('Personal'),
    done: { booleanValue: false },
    priority: int(1),
    description: str('Learn Cloud Firestore'),
  };
  assert.equal(documentSize({ name, fields }), 147);
});

test('timestamps are stored with microsecond precision, in fields and in array unions', () => {
  const t = (nanos: number): Value => ({ timestampValue: { seconds: '1', nanos } });
  const written = applyWrite(null, update({ t: t(123_456_789), m: map({ a: arr(t(999)) }) }), T1).document!;
  assert.deepEqual(written.fields, { t: t(123_456_000), m: map({ a: arr(t(0)) }) });
  const unioned = transformOn(undefined, { appendMissingElements: { values: [t(1_001)] } });
  assert.deepEqual(unioned.value, arr(t(1_000)));
});
