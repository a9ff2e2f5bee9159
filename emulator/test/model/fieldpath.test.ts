import assert from 'node:assert/strict';
import { test } from 'node:test';
import { status } from '../../src/errors';
import { deleteField, formatFieldPath, getField, parseFieldPath, setField } from '../../src/model/fieldpath';

test('parses simple, dotted and quoted paths', () => {
  const cases: [string, string[]][] = [
    ['a', ['a']],
    ['a.b.c', ['a', 'b', 'c']],
    ['a.`b.c`.d', ['a', 'b.c', 'd']],
    ['`x&y`', ['x&y']],
    ['`bak\\`tik`', ['bak`tik']],
    ['`back\\\\slash`', ['back\\slash']],
    ['`a`.b', ['a', 'b']],
    ['__name__', ['__name__']],
    ['a-b.0', ['a-b', '0']],
  ];
  for (const [path, segments] of cases) assert.deepEqual(parseFieldPath(path), segments, path);
});

test('rejects malformed paths with INVALID_ARGUMENT', () => {
  for (const bad of ['', '.', 'a.', '.a', 'a..b', '`a', '`a`b', 'a`b', '``']) {
    assert.throws(() => parseFieldPath(bad), { code: status.INVALID_ARGUMENT }, JSON.stringify(bad));
  }
});

test('formats segments back, quoting what is not a simple name', () => {
  const cases: string[][] = [['a', 'b_1'], ['b.c'], ['x&y', '0a'], ['bak`tik'], ['back\\slash'], ['日本']];
  for (const segments of cases) {
    assert.deepEqual(parseFieldPath(formatFieldPath(segments)), segments);
  }
  assert.equal(formatFieldPath(['a', 'b.c', '1']), 'a.`b.c`.`1`');
});

test('getField follows maps and ignores prototype members', () => {
  const fields = { a: { mapValue: { fields: { b: { integerValue: '1' } } } }, s: { stringValue: 'x' } };
  assert.deepEqual(getField(fields, ['a', 'b']), { integerValue: '1' });
  assert.equal(getField(fields, ['a', 'c']), undefined);
  assert.equal(getField(fields, ['s', 'x']), undefined);
  assert.equal(getField(fields, ['toString']), undefined);
  assert.equal(getField(fields, ['a', 'constructor']), undefined);
});

test('setField and deleteField copy instead of mutating', () => {
  const fields = { a: { mapValue: { fields: { b: { integerValue: '1' } } } } };
  const set = setField(fields, ['a', 'c'], { booleanValue: true });
  assert.deepEqual(Object.keys(set.a!.mapValue!.fields!), ['b', 'c']);
  assert.deepEqual(Object.keys(fields.a.mapValue.fields), ['b']);
  const replaced = setField({ a: { stringValue: 'x' } }, ['a', 'b'], { integerValue: '2' });
  assert.deepEqual(replaced, { a: { mapValue: { fields: { b: { integerValue: '2' } } } } });
  const removed = deleteField(fields, ['a', 'b']);
  assert.deepEqual(removed, { a: { mapValue: { fields: {} } } });
  assert.equal(deleteField(fields, ['zz']), fields);
});
