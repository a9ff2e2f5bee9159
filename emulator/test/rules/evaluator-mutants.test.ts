/**
 * The rules evaluator's corners that mutation testing (npm run mutation -- rules-evaluator) found
 * unchecked: exact error messages (a rule author reads them), range and index bounds at their
 * edges, int results staying ints, timestamp and duration arithmetic, values a list query leaves
 * unknown (and those its filters pin), get/exists and their After forms, namespace calls shadowed by
 * a variable, and the call depth coming back down after each call.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RulesEvalError } from '../../src/rules/errors';
import { Evaluator, type EvalHost, type Scope } from '../../src/rules/evaluate';
import { fromJson } from '../../src/rules/engine';
import { parseExpression, parseRules } from '../../src/rules/parser';
import { queryFacts, symbolicResource } from '../../src/rules/symbolic';
import { show, UNKNOWN, type RVal } from '../../src/rules/values';

const NOW = { t: 'timestamp' as const, nanos: BigInt(Date.UTC(2024, 1, 29, 13, 45, 30, 250)) * 1_000_000n };

/** What a list query `where n > 5 and owner == 'alice' and tag != 'x'` leaves known of a document. */
function queried(): RVal {
  const [facts] = queryFacts({
    where: {
      compositeFilter: {
        op: 'AND',
        filters: [
          { fieldFilter: { field: { fieldPath: 'n' }, op: 'GREATER_THAN', value: { integerValue: '5' } } },
          { fieldFilter: { field: { fieldPath: 'owner' }, op: 'EQUAL', value: { stringValue: 'alice' } } },
          { fieldFilter: { field: { fieldPath: 'tag' }, op: 'NOT_EQUAL', value: { stringValue: 'x' } } },
        ],
      },
    },
  });
  const resource = symbolicResource(facts!);
  return (resource as { v: Map<string, RVal> }).v.get('data')!;
}

function scope(extra: [string, RVal][] = []): Scope {
  return {
    vars: new Map<string, RVal>([
      ['doc', fromJson({ name: 'Sofa', n: 1 })],
      ['nothing', { t: 'null' }],
      ['now', NOW],
      ['u', UNKNOWN],
      ['q', queried()],
      ['f', { t: 'float', v: 1.5 }],
      ['i', { t: 'int', v: 1n }],
      ['yes', { t: 'bool', v: true }],
      ['p', { t: 'path', segments: ['users', 'ada'] }],
      ...extra,
    ]),
    functions: new Map(),
  };
}

/** A host that records every document read and finds only /databases/db/documents/x/present. */
function host() {
  const reads: { path: string; after: boolean }[] = [];
  const h: EvalHost = {
    readDocument: (path, after) => {
      reads.push({ path: path.join('/'), after });
      return path[path.length - 1] === 'present' ? fromJson({ data: { v: after ? 2 : 1 } }) : { t: 'null' };
    },
    debug: () => {},
  };
  return { h, reads };
}

function value(src: string, s: Scope = scope()): string {
  try {
    return show(new Evaluator(host().h).eval(parseExpression(src), s));
  } catch (err) {
    if (err instanceof RulesEvalError) return `error: ${err.message}`;
    throw err;
  }
}

function table(name: string, rows: [string, string][]) {
  describe(name, () => {
    for (const [src, expected] of rows) it(`${src} -> ${expected}`, () => assert.equal(value(src), expected));
  });
}

table('conditions and unary operators', [
  ['-f', '-1.5'],
  ['-(duration.value(2, "s")) == duration.value(-2, "s")', 'true'],
  ["-'a'", 'error: Operator - expects a number, got string.'],
  ['!u', '<unknown>'],
  ['-u', '<unknown>'],
]);

describe('condition()', () => {
  const condition = (src: string) => {
    try {
      return show(new Evaluator(host().h).condition(parseExpression(src), scope()));
    } catch (err) {
      return `error: ${(err as Error).message}`;
    }
  };
  it('is a bool, or unknown for a list query; anything else is an error naming its type', () => {
    assert.equal(condition('1 == 1'), 'true');
    assert.equal(condition('u'), '<unknown>');
    assert.equal(condition('1'), 'error: Condition is int, not bool.');
  });
});

table('ternary on an unknown condition', [
  ['u ? 1 : 1', '1'],
  ['u ? 1 : 2', '<unknown>'],
  ['u ? u : u', '<unknown>'],
  ['u ? q.owner : "alice"', '"alice"'],
]);

table('ranges: bounds at their edges, exact messages', [
  ['[1, 2, 3][0:3]', '[1, 2, 3]'],
  ['[1, 2, 3][0:0]', '[]'],
  ['[1, 2, 3][1:1]', '[]'],
  ['[1, 2, 3][3:3]', '[]'],
  ['[1, 2, 3][0:4]', 'error: Range [0:4] is out of bounds for a list of 3.'],
  ['[1, 2, 3][2:1]', 'error: Range [2:1] is out of bounds for a list of 3.'],
  ['[1, 2, 3][-1:1]', 'error: Range [-1:1] is out of bounds for a list of 3.'],
  ["'abc'[0:3]", '"abc"'],
  ["'abc'[0:0]", '""'],
  ["'abc'[1:1]", '""'],
  ["'abc'[3:3]", '""'],
  ["'abc'[0:4]", 'error: Range [0:4] is out of bounds for a string of 3.'],
  ["'abc'[2:1]", 'error: Range [2:1] is out of bounds for a string of 3.'],
  ["'abc'[-1:1]", 'error: Range [-1:1] is out of bounds for a string of 3.'],
  ["[1, 2]['a':1]", 'error: Range bounds must be ints.'],
  ['i[0:1]', 'error: Cannot take a range of int.'],
  ['u[0:1]', '<unknown>'],
  ['[1, 2][u:1]', '<unknown>'],
  ['[1, 2][0:u]', '<unknown>'],
]);

table('indexes and members', [
  ['[1, 2][1]', '2'],
  ['[1, 2][2]', 'error: Index 2 is out of range (size 2).'],
  ['[1, 2][-1]', 'error: Index -1 is out of range (size 2).'],
  ["[1, 2]['a']", 'error: Index must be an int, got string.'],
  ['doc[1]', 'error: Map index must be a string, got int.'],
  ['nothing[0]', 'error: Null value error.'],
  ['yes[0]', 'error: Cannot index bool.'],
  ['[1, 2][u]', '<unknown>'],
  ['nothing.x', 'error: Null value error.'],
  ['i.x', 'error: Property x is undefined on int.'],
]);

table('comparisons', [
  ['1 < 1', 'false'],
  ['0 < 1', 'true'],
  ['1 <= 1', 'true'],
  ['2 <= 1', 'false'],
  ['1 > 1', 'false'],
  ['2 > 1', 'true'],
  ['1 >= 1', 'true'],
  ['0 >= 1', 'false'],
  ['2 >= 1', 'true'],
]);

// q is the document of a list query filtered on n > 5, owner == 'alice' and tag != 'x': what the
// filters pin is known, and a comparison the filters decide is decided for every document.
table('comparisons with what a list query pins', [
  ['q.owner', '"alice"'],
  ['q.n > 3', 'true'],
  ['q.n >= 5', 'true'],
  ['q.n <= 3', 'false'],
  ['q.n < 5', 'false'],
  ["q.tag == 'x'", 'false'],
  ["q.tag != 'x'", 'true'],
  ['q.n == 9', '<unknown>'],
  ['q.n + 1', '<unknown>'],
  ["q.get('owner', 'nobody')", '"alice"'],
  ["q.get(['owner'], 'nobody')", '"alice"'],
  ["q.get('other', 0)", '<unknown other>'],
  ["q.get(['owner', 1], 0)", '<unknown>'],
  ['q.get(1, 0)', '<unknown>'],
  ["q.get('owner')", '<unknown>'],
  ["q.replace('owner', 'x')", '<unknown>'],
]);

table('int arithmetic stays int; floats and time', [
  ['(7 - 2) is int', 'true'],
  ['7 - 2', '5'],
  ['(3 * 4) is int', 'true'],
  ['3 * 4', '12'],
  ['(7 % 3) is int', 'true'],
  ['7 % 0', 'error: Modulo by zero.'],
  ['7.5 - 2', '5.5'],
  ['1.5 * 2', '3'],
  ['7.5 % 2', '1.5'],
  ['7.5 / 2', '3.75'],
  ["now + duration.value(2, 's')", 'timestamp(2024-02-29T13:45:32.250Z)'],
  ["duration.value(2, 's') + now", 'timestamp(2024-02-29T13:45:32.250Z)'],
  ["(now + duration.value(2, 's')) - now == duration.value(2, 's')", 'true'],
  ["duration.value(3, 's') - duration.value(1, 's') == duration.value(2, 's')", 'true'],
  ["duration.value(1, 's') + duration.value(2, 's') == duration.value(3, 's')", 'true'],
  [
    'now + now',
    'error: Operator + is not defined for timestamp and timestamp (timestamp(2024-02-29T13:45:30.250Z), timestamp(2024-02-29T13:45:30.250Z)).',
  ],
]);

describe('calls', () => {
  it('a namespace name a variable shadows is that variable', () => {
    const shadowed = scope([['duration', fromJson({ a: 1, b: 2 })]]);
    assert.equal(value('duration.size()', shadowed), '2');
  });
  it('a namespace call with an unknown argument is unknown', () => {
    assert.equal(value("duration.value(u, 's')"), '<unknown>');
    assert.equal(value('math.abs(u)'), '<unknown>');
  });
  it('a method of null is a null value error', () => {
    assert.equal(value('nothing.size()'), 'error: Null value error.');
  });
  it('get and exists read the document as it is, getAfter and existsAfter as it will be', () => {
    const { h, reads } = host();
    const run = (src: string) => show(new Evaluator(h).eval(parseExpression(src), scope()));
    assert.equal(run('exists(/databases/db/documents/x/present)'), 'true');
    assert.equal(run('exists(/databases/db/documents/x/missing)'), 'false');
    assert.equal(run('existsAfter(/databases/db/documents/x/present)'), 'true');
    assert.equal(run('existsAfter(/databases/db/documents/x/missing)'), 'false');
    assert.equal(run('get(/databases/db/documents/x/present).data.v'), '1');
    assert.equal(run('getAfter(/databases/db/documents/x/present).data.v'), '2');
    assert.deepEqual(
      reads.map((r) => r.after),
      [false, false, true, true, false, true],
    );
  });
  it('get/exists, debug and path check their arguments, and pass unknowns through', () => {
    assert.equal(value('exists()'), 'error: Function exists() expects 1 argument.');
    assert.equal(value('getAfter(/a/b, 1)'), 'error: Function getAfter() expects 1 argument.');
    assert.equal(value("exists('a')"), 'error: Function exists() expects a path, got string.');
    assert.equal(value('exists(u)'), '<unknown>');
    assert.equal(value('debug()'), 'error: Function debug() expects 1 argument.');
    assert.equal(value('debug(1, 2)'), 'error: Function debug() expects 1 argument.');
    assert.equal(value('path()'), 'error: Function path() expects 1 argument.');
    assert.equal(value("path('a', 'b')"), 'error: Function path() expects 1 argument.');
    assert.equal(value('path(1)'), 'error: Function path() expects a string, got int.');
    assert.equal(value('path(u)'), '<unknown>');
    assert.equal(value("path('/a//b/')"), '/a/b');
  });
  it('paths take a whole path in a segment, strings and ints in text, and nothing else', () => {
    assert.equal(value('/databases/$(p)/x'), '/databases/users/ada/x');
    assert.equal(value('/databases/$(i)x/y'), '/databases/1x/y');
    assert.equal(value('/databases/$(u)/x'), '<unknown>');
    assert.equal(value('/databases/$(yes)/x'), 'error: Cannot use bool in a path.');
    assert.equal(value('/databases/x$(p)/y'), 'error: Cannot use path in a path.');
  });
  it('the call depth comes back down after each call, so many calls in a row are fine', () => {
    // f0 is true, f<k> calls f<k-1>: f<k> is k + 1 calls deep (recursion is refused at load).
    const chain = Array.from({ length: 21 }, (_, k) =>
      k === 0 ? 'function f0() { return true; }' : `function f${k}() { return f${k - 1}(); }`,
    ).join('\n    ');
    const rules = parseRules(`rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    ${chain}
  }
}`);
    const s = scope();
    for (const decl of rules.matches[0]!.functions) s.functions.set(decl.name, { decl, scope: s });
    assert.equal(value(Array.from({ length: 30 }, () => 'f0()').join(' && '), s), 'true');
    assert.equal(value('f10() && f10() && f10() && f19()', s), 'true');
    assert.equal(value('f19()', s), 'true');
    assert.equal(value('f20()', s), 'error: Maximum function call depth (20) exceeded in f0().');
  });
  it('an operator the parser cannot produce is an error, not a crash', () => {
    assert.throws(
      () => new Evaluator(host().h).binary('^', { t: 'int', v: 1n }, { t: 'int', v: 1n }),
      (e: Error) => e instanceof RulesEvalError && e.message === 'Unknown operator ^.',
    );
  });
  it('only functions and methods can be called', () => {
    assert.equal(value('(1)(2)'), 'error: Only functions and methods can be called.');
  });
});
