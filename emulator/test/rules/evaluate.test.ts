import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RulesEvalError } from '../../src/rules/errors';
import { Evaluator, type Scope } from '../../src/rules/evaluate';
import { fromJson } from '../../src/rules/engine';
import { parseExpression, parseRules } from '../../src/rules/parser';
import { show, type RVal } from '../../src/rules/values';

const NOW = { t: 'timestamp' as const, nanos: BigInt(Date.UTC(2024, 1, 29, 13, 45, 30, 250)) * 1_000_000n };

function scope(): Scope {
  return {
    vars: new Map<string, RVal>([
      ['request', fromJson({ auth: { uid: 'alice', token: { staff: true } } })],
      ['doc', fromJson({ name: 'Sofa', tags: ['a', 'b'], price: 10, nested: { x: 1 } })],
      ['nothing', { t: 'null' }],
      ['now', NOW],
    ]),
    functions: new Map(),
  };
}

const host = { readDocument: (): RVal => ({ t: 'null' }), debug: () => {} };

function run(src: string, s: Scope = scope()): RVal {
  return new Evaluator(host).eval(parseExpression(src), s);
}

/** Evaluates and renders; an error renders as `error: <message>`. */
function value(src: string): string {
  try {
    return show(run(src));
  } catch (err) {
    if (err instanceof RulesEvalError) return `error: ${err.message}`;
    throw err;
  }
}

function table(name: string, rows: [string, string | RegExp][]) {
  describe(name, () => {
    for (const [src, expected] of rows) {
      it(`${src} -> ${expected}`, () => {
        const got = value(src);
        if (expected instanceof RegExp) assert.match(got, expected);
        else assert.equal(got, expected);
      });
    }
  });
}

table('operators', [
  ['1 + 2 * 3', '7'],
  ['7 / 2', '3'],
  ['-7 / 2', '-3'],
  ['7 % 3', '1'],
  ['7.0 / 2', '3.5'],
  ['1 + 0.5', '1.5'],
  ['1 == 1.0', 'true'],
  ['1 / 0', /^error: Division by zero/],
  ['9223372036854775807 + 1', /^error: Integer overflow/],
  ["'a' + 'b'", '"ab"'],
  ["'a' + 1", /^error: Operator \+ is not defined/],
  ['[1] + [2]', '[1, 2]'],
  ["'a' < 'b'", 'true'],
  ["1 < 'b'", /^error: Cannot compare/],
  ['[1, 2] == [1, 2]', 'true'],
  ["{'a': 1} == {'a': 1.0}", 'true'],
  ["{'a': 1} != {'a': 2}", 'true'],
  ["1 == '1'", 'false'],
  ['null == null', 'true'],
  ['!true', 'false'],
  ['!1', /^error: Operator ! expects bool/],
  ['-(1 + 1)', '-2'],
  ['true ? 1 : 2', '1'],
  ['false ? 1 : 2', '2'],
  ['1 ? 1 : 2', /^error: Ternary condition/],
  ["'b' in ['a', 'b']", 'true'],
  ["'name' in doc", 'true'],
  ["'missing' in doc", 'false'],
  ["'a' in ['a'].toSet()", 'true'],
  ["1 in 'abc'", /^error: Operator in expects/],
]);

table('errors in && and || as Firestore defines them', [
  ['doc.missing == 1 || true', 'true'],
  ['true || doc.missing == 1', 'true'],
  ['doc.missing == 1 || false', /^error: Property missing is undefined/],
  ['false || doc.missing == 1', /^error: Property missing is undefined/],
  ['false && doc.missing == 1', 'false'],
  ['doc.missing == 1 && false', 'false'],
  ['true && doc.missing == 1', /^error: Property missing is undefined/],
  ['1 && true', /^error: Operator && expects bool/],
  ['nothing.x == 1', /^error: Null value error/],
  ['true ? 1 : doc.missing', '1'],
]);

table('is type checks', [
  ['1 is int', 'true'],
  ['1 is number', 'true'],
  ['1.5 is float', 'true'],
  ['1.5 is int', 'false'],
  ["'x' is string", 'true'],
  ['doc.tags is list', 'true'],
  ['doc is map', 'true'],
  ['now is timestamp', 'true'],
  ['null is null', 'true'],
  ['true is bool', 'true'],
  ["b'x' is bytes", 'true'],
  ["duration.value(1, 's') is duration", 'true'],
  ["path('/a/b') is path", 'true'],
  ['latlng.value(1, 2) is latlng', 'true'],
  ['[1].toSet() is set', 'true'],
  ['1 is widget', /^error: Unknown type/],
]);

table('strings', [
  ["'Hearth'.size()", '6'],
  ["'héllo'.size()", '5'],
  ["'MiXed'.lower()", '"mixed"'],
  ["'MiXed'.upper()", '"MIXED"'],
  ["'  pad '.trim()", '"pad"'],
  ["'abc123'.matches('[a-z]+[0-9]+')", 'true'],
  ["'abc123x'.matches('[a-z]+[0-9]+')", 'false'],
  ["'ABC'.matches('(?i)abc')", 'true'],
  ["'a,b,,c'.split(',')", '["a", "b", "", "c"]'],
  ["'a1b22c'.replace('[0-9]+', '-')", '"a-b-c"'],
  ["'abc'[1]", '"b"'],
  ["'abcdef'[1:3]", '"bc"'],
  ["'abc'[5]", /^error: Index 5 is out of range/],
  ["'x'.matches('[')", /^error: Invalid regular expression/],
  // RE2, not JavaScript: its own syntax works, and what would need backtracking is refused.
  ["'a\\nb'.matches('(?s)a.b')", 'true'],
  ["'a\\nb'.matches('a.b')", 'false'],
  ["'héllo'.matches('\\\\pL+')", 'true'],
  ["'h3llo'.matches('\\\\pL+')", 'false'],
  ["'abc'.matches('abc\\\\z')", 'true'],
  ["'a.*'.matches('a\\\\Q.*\\\\E')", 'true'],
  ["'abc'.matches('a\\\\Q.*\\\\E')", 'false'],
  ["'aa'.matches('(a)\\\\1')", /^error: Invalid regular expression/],
  ["'ab'.matches('a(?=b)b')", /^error: Invalid regular expression/],
  ["'ab'.matches('(?<=a)b')", /^error: Invalid regular expression/],
  ["'ABC'.matches('(?i:ab)C')", 'true'],
  // Linear time: a backtracking engine takes forever here.
  [
    "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab'.matches('(a+)+c')",
    'false',
  ],
  ["'a,b,,c,'.split(',')", '["a", "b", "", "c", ""]'],
  ["'a1b2'.replace('([0-9])', '$1!')", '"a$1!b$1!"'],
  ["'a-b'.matches('a\\\\-b')", 'true'],
  ["'x'.frobnicate()", /^error: Function not found/],
  ["'é'.toUtf8().size()", '2'],
  ['string(12)', '"12"'],
  ['string(2.0)', '"2.0"'],
  ['string(-3.0)', '"-3.0"'],
  ['string(2.5)', '"2.5"'],
  ['string(1e300)', '"1e+300"'],
  ['string(true)', '"true"'],
  ["int('42') + 1", '43'],
  ['int(2.9)', '2'],
  ['float(1)', '1'],
  ["int('x')", /^error: Cannot convert/],
]);

table('lists', [
  ['doc.tags.size()', '2'],
  ["doc.tags.hasAll(['a'])", 'true'],
  ["doc.tags.hasAll(['a', 'z'])", 'false'],
  ["doc.tags.hasAny(['z', 'b'])", 'true'],
  ["doc.tags.hasOnly(['a', 'b', 'c'])", 'true'],
  ["doc.tags.hasOnly(['a'])", 'false'],
  ["doc.tags.join('|')", '"a|b"'],
  ["doc.tags.concat(['c'])", '["a", "b", "c"]'],
  ["['a', 'b', 'a'].removeAll(['a'])", '["b"]'],
  ["['a', 'a', 'b'].toSet().size()", '2'],
  ['[1, 2, 3][1:3]', '[2, 3]'],
  ['[1, 2, 3][0]', '1'],
  ['[1][3]', /^error: Index 3 is out of range/],
  ["[1, 'x'].join(',')", /^error: list.join\(\) expects string/],
]);

table('maps and MapDiff', [
  ["doc.keys().toSet() == ['name', 'tags', 'price', 'nested'].toSet()", 'true'],
  ['doc.size()', '4'],
  ["doc.get('price', 0)", '10'],
  ["doc.get('missing', 0)", '0'],
  ["doc.get(['nested', 'x'], 0)", '1'],
  ["doc.get(['nested', 'y'], 'dflt')", '"dflt"'],
  ["doc['name']", '"Sofa"'],
  ['doc.nested.x', '1'],
  ['doc.values().size()', '4'],
  // new.diff(old): keys only the receiver has were added, keys only the argument has were removed.
  ["{'a': 1, 'b': 2, 'c': 4}.diff({'a': 1, 'b': 3}).addedKeys()", 'set(["c"])'],
  ["{'a': 1, 'b': 2}.diff({'a': 1, 'b': 3, 'c': 4}).addedKeys()", 'set([])'],
  ["{'a': 1}.diff({'a': 1, 'b': 2}).removedKeys()", 'set(["b"])'],
  ["{'a': 1, 'b': 2}.diff({'a': 1}).removedKeys()", 'set([])'],
  ["{'a': 1, 'b': 2}.diff({'a': 1, 'b': 3}).changedKeys()", 'set(["b"])'],
  ["{'a': 1, 'b': 2}.diff({'a': 1, 'b': 3}).unchangedKeys()", 'set(["a"])'],
  ["{'a': 1, 'b': 2}.diff({'b': 3, 'c': 4}).affectedKeys().hasOnly(['a', 'b', 'c'])", 'true'],
  ["{'a': 1}.diff({'a': 1}).affectedKeys().size() == 0", 'true'],
  ["{'a': 1}.diff([1])", /^error: map.diff\(\) expects map/],
  ['{1: 2}', /^error: Map keys must be strings/],
]);

table('sets', [
  ['[1, 2].toSet().union([2, 3].toSet()) == [1, 2, 3].toSet()', 'true'],
  ['[1, 2].toSet().intersection([2, 3].toSet())', 'set([2])'],
  ['[1, 2].toSet().difference([2, 3].toSet())', 'set([1])'],
  ['[1, 2].toSet().hasAll([1])', 'true'],
  ['[1, 2].toSet() == [2, 1].toSet()', 'true'],
  ['2 in [1, 2].toSet()', 'true'],
]);

table('timestamps and durations', [
  ['now.year()', '2024'],
  ['now.month()', '2'],
  ['now.day()', '29'],
  ['now.hours()', '13'],
  ['now.minutes()', '45'],
  ['now.seconds()', '30'],
  ['now.nanos()', '250000000'],
  ['now.dayOfWeek()', '4'],
  ['now.dayOfYear()', '60'],
  ['now.toMillis()', String(Date.UTC(2024, 1, 29, 13, 45, 30, 250))],
  ['now.date() == timestamp.date(2024, 2, 29)', 'true'],
  ['now.time() == duration.time(13, 45, 30, 250000000)', 'true'],
  ["now + duration.value(1, 'd') > now", 'true'],
  ["(now + duration.value(2, 'h')).hours()", '15'],
  ["now - duration.value(1, 'w') < now", 'true'],
  ['(now - timestamp.date(2024, 2, 29)).seconds()', String(13 * 3600 + 45 * 60 + 30)],
  ["duration.value(90, 's').seconds()", '90'],
  ["duration.value(1500, 'ms').nanos()", '500000000'],
  ["duration.abs(duration.value(-5, 's')) == duration.value(5, 's')", 'true'],
  ['timestamp.value(1000).toMillis()', '1000'],
  ["duration.value(1, 'fortnight')", /^error: duration.value\(\): unknown unit/],
  ['now < 5', /^error: Cannot compare timestamp with int/],
]);

table('math, hashing, latlng, paths', [
  ['math.abs(-3)', '3'],
  ['math.abs(-2.5)', '2.5'],
  ['math.ceil(1.2)', '2'],
  ['math.floor(-1.2)', '-2'],
  ['math.round(2.5)', '3'],
  ['math.round(-2.5)', '-3'],
  ['math.sqrt(16)', '4'],
  ['math.pow(2, 10)', '1024'],
  ['math.isInfinite(1.0 / 0)', 'true'],
  ['math.isNaN(0.0 / 0)', 'true'],
  [
    "hashing.sha256('abc').toHexString()",
    '"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"',
  ],
  ["hashing.md5('abc').toHexString()", '"900150983CD24FB0D6963F7D28E17F72"'],
  ["hashing.crc32('abc').toHexString()", '"352441C2"'],
  ["hashing.crc32c('abc').toHexString()", '"364B3FB7"'],
  ["hashing.sha256(b'abc') == hashing.sha256('abc')", 'true'],
  ['hashing.sha256(1)', /^error: hashing.sha256 expects/],
  ['latlng.value(0, 0).distance(latlng.value(0, 1)) > 111000', 'true'],
  ['latlng.value(51.5, -0.1).latitude()', '51.5'],
  ["path('/databases/x/documents/a/b')[4]", '"b"'],
  ['/databases/$(request.auth.uid)/documents/a/b', '/databases/alice/documents/a/b'],
  ["path('/a/b') == /a/b", 'true'],
  ['debug(1 + 1)', '2'],
  ['undefinedThing', /^error: Variable 'undefinedThing' is not defined/],
  ['nope(1)', /^error: Function not found error: Name: \[nope\]/],
]);

describe('functions', () => {
  const ruleset = parseRules(`rules_version = '2';
service cloud.firestore {
  function double(x) { return x * 2; }
  function lazy(x) {
    let boom = x.missing;
    let fine = x.name;
    return fine == 'Sofa';
  }
  function d1(n) { return n < 1 ? 0 : d2(n - 1); }
  function d2(n) { return n < 1 ? 0 : d3(n - 1); }
  function d3(n) { return n < 1 ? 0 : d4(n - 1); }
  function d4(n) { return n < 1 ? 0 : d5(n - 1); }
  function d5(n) { return n < 1 ? 0 : d6(n - 1); }
  function d6(n) { return n < 1 ? 0 : d7(n - 1); }
  function d7(n) { return n < 1 ? 0 : d8(n - 1); }
  function d8(n) { return n < 1 ? 0 : d9(n - 1); }
  function d9(n) { return n < 1 ? 0 : d10(n - 1); }
  function d10(n) { return n < 1 ? 0 : d11(n - 1); }
  function d11(n) { return n < 1 ? 0 : d12(n - 1); }
  function d12(n) { return n < 1 ? 0 : d13(n - 1); }
  function d13(n) { return n < 1 ? 0 : d14(n - 1); }
  function d14(n) { return n < 1 ? 0 : d15(n - 1); }
  function d15(n) { return n < 1 ? 0 : d16(n - 1); }
  function d16(n) { return n < 1 ? 0 : d17(n - 1); }
  function d17(n) { return n < 1 ? 0 : d18(n - 1); }
  function d18(n) { return n < 1 ? 0 : d19(n - 1); }
  function d19(n) { return n < 1 ? 0 : d20(n - 1); }
  function d20(n) { return n < 1 ? 0 : d21(n - 1); }
  function d21(n) { return 21; }
  function wrongArity() { return double(1, 2); }
}`);
  const s = scope();
  for (const f of ruleset.functions) s.functions.set(f.name, { decl: f, scope: s });
  const ev = (src: string) => new Evaluator(host).eval(parseExpression(src), s);

  it('calls functions with parameters', () => assert.equal(show(ev('double(21)')), '42'));
  it('evaluates let bindings only when used', () => assert.equal(show(ev('lazy(doc)')), 'true'));
  it('stops calls at the depth limit of 20', () => {
    assert.equal(show(ev('d1(19)')), '0');
    assert.throws(() => ev('d1(25)'), /Maximum function call depth \(20\) exceeded/);
  });
  it('refuses a call with the wrong number of arguments', () =>
    assert.throws(() => ev('wrongArity()'), /expects 1 argument\(s\), got 2/));
});
