import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RulesSyntaxError } from '../../src/rules/errors';
import type { Expr } from '../../src/rules/ast';
import { parseExpression, parseRules } from '../../src/rules/parser';

const wrap = (body: string) => `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
${body}
  }
}`;

function syntaxError(source: string): RulesSyntaxError {
  try {
    parseRules(source);
  } catch (err) {
    assert.ok(err instanceof RulesSyntaxError, `expected a RulesSyntaxError, got ${err}`);
    return err;
  }
  assert.fail('expected a syntax error');
}

/** An expression as a fully parenthesised string: its tree, for precedence and associativity. */
function shape(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return 'v' in e.value ? String(e.value.v) : e.value.t;
    case 'ident':
      return e.name;
    case 'unary':
      return `(${e.op}${shape(e.operand)})`;
    case 'binary':
      return `(${shape(e.left)} ${e.op} ${shape(e.right)})`;
    case 'is':
      return `(${shape(e.operand)} is ${e.type})`;
    case 'ternary':
      return `(${shape(e.cond)} ? ${shape(e.then)} : ${shape(e.otherwise)})`;
    case 'member':
      return `${shape(e.object)}.${e.name}`;
    case 'index':
      return `${shape(e.object)}[${shape(e.index)}]`;
    case 'call':
      return `${shape(e.callee)}(${e.args.map(shape).join(', ')})`;
    case 'list':
      return `[${e.items.map(shape).join(', ')}]`;
    default:
      return e.kind;
  }
}

describe('rules parser', () => {
  it('parses nested matches, wildcards, functions, lets and allows', () => {
    const r = parseRules(
      wrap(`
    function isOwner(uid) {
      let me = request.auth.uid;
      return me == uid;
    }
    match /customers/{uid} {
      allow read, update: if isOwner(uid);
      allow create;
      match /events/{eventId} {
        allow create: if isOwner(uid) && request.resource.data.kind in ['view', 'purchase'];
      }
    }
    match /{document=**} {
      allow read, write: if false;
    }`),
    );
    assert.equal(r.version, '2');
    assert.equal(r.service, 'cloud.firestore');
    const root = r.matches[0]!;
    assert.deepEqual(root.segments, [
      { kind: 'literal', text: 'databases' },
      { kind: 'single', name: 'database' },
      { kind: 'literal', text: 'documents' },
    ]);
    assert.equal(root.functions[0]!.name, 'isOwner');
    assert.deepEqual(root.functions[0]!.params, ['uid']);
    assert.equal(root.functions[0]!.lets[0]!.name, 'me');
    const customers = root.matches[0]!;
    assert.deepEqual(customers.allows[0]!.methods, ['get', 'list', 'update']);
    assert.equal(customers.allows[1]!.condition, null);
    assert.equal(customers.allows[0]!.line, 10);
    assert.equal(customers.matches[0]!.pathText, '/events/{eventId}');
    assert.deepEqual(root.matches[1]!.segments, [{ kind: 'rest', name: 'document' }]);
  });

  it('gives operators their precedence', () => {
    // The whole tree, fully parenthesised: a root-kind check alone passes with any two levels
    // below the root swapped, or with left and right associativity confused.
    const cases: [string, string][] = [
      ['a || b && c == d + e * f', '(a || (b && (c == (d + (e * f)))))'],
      ['a * b + c == d && e || f', '(((((a * b) + c) == d) && e) || f)'],
      ['a && b || c', '((a && b) || c)'],
      ['a || b || c', '((a || b) || c)'],
      ['a - b - c', '((a - b) - c)'],
      ['a / b % c', '((a / b) % c)'],
      ['a + b < c * d', '((a + b) < (c * d))'],
      ['-a * b', '((-a) * b)'],
      ['!a && b', '((!a) && b)'],
      ['!(a && b)', '(!(a && b))'],
      ['!a.b[1].c(2)', '(!a.b[1].c(2))'],
      ['x ? y : z || w', '(x ? y : (z || w))'],
      ['a ? b : c ? d : e', '(a ? b : (c ? d : e))'],
      ['a || b ? c : d', '((a || b) ? c : d)'],
      [
        'request.resource.data.name is string && 1 in [1]',
        '((request.resource.data.name is string) && (1 in [1]))',
      ],
      ['a + 1 in b', '((a + 1) in b)'],
    ];
    for (const [source, tree] of cases) assert.equal(shape(parseExpression(source)), tree, source);
  });

  it('parses literals: numbers, strings with escapes, raw strings, bytes, lists and maps', () => {
    const l = (s: string) => {
      const e = parseExpression(s);
      assert.equal(e.kind, 'literal');
      return e.kind === 'literal' ? e.value : undefined;
    };
    assert.deepEqual(l('42'), { t: 'int', v: 42n });
    assert.deepEqual(l('-7'), { t: 'int', v: -7n });
    assert.deepEqual(l('0x1F'), { t: 'int', v: 31n });
    assert.deepEqual(l('1.5e3'), { t: 'float', v: 1500 });
    assert.deepEqual(l("'a\\n\\'b'"), { t: 'string', v: "a\n'b" });
    assert.deepEqual(l('"\\u00e9"'), { t: 'string', v: 'é' });
    assert.deepEqual(l("r'a\\d'"), { t: 'string', v: 'a\\d' });
    assert.equal(l("b'ab'")!.t, 'bytes');
    assert.equal(parseExpression('[1, 2,]').kind, 'list');
    assert.equal(parseExpression("{'a': 1, 'b': [2]}").kind, 'map');
  });

  it('parses path literals with $() interpolation next to division', () => {
    const e = parseExpression('get(/databases/$(database)/documents/users/$(request.auth.uid)).data.n / 2');
    assert.equal(e.kind, 'binary');
    const call =
      e.kind === 'binary' && e.left.kind === 'member' && e.left.object.kind === 'member'
        ? e.left.object.object
        : undefined;
    assert.equal(call?.kind, 'call');
    const path = call?.kind === 'call' ? call.args[0] : undefined;
    assert.equal(path?.kind, 'path');
    if (path?.kind === 'path') {
      assert.equal(path.segments.length, 5);
      assert.deepEqual(path.segments[0], [{ text: 'databases' }]);
      assert.ok('expr' in path.segments[1]![0]!);
    }
    const literal = parseExpression('/databases/(default)/documents/a/item-1');
    assert.ok(literal.kind === 'path' && 'text' in literal.segments[1]![0]!);
  });

  it('accepts a last statement without its semicolon', () => {
    const r = parseRules(
      "rules_version = '2'\nservice cloud.firestore { match /a/{b} { allow read: if true } }",
    );
    assert.equal(r.matches[0]!.allows.length, 1);
  });

  it('skips comments', () => {
    const r = parseRules(wrap('    // a comment\n    /* block\n comment */ match /a/{b} { allow read; }'));
    assert.equal(r.matches[0]!.matches[0]!.pathText, '/a/{b}');
  });

  const cases: [string, string, number, number, RegExp][] = [
    ['unknown method', wrap('    match /a/{b} { allow erase: if true; }'), 4, 26, /unknown method 'erase'/],
    ['malformed wildcard', wrap('    match /a/{b=*} { allow read; }'), 4, 14, /malformed wildcard/],
    ['wildcard bound twice', wrap('    match /a/{b}/c/{b} { allow read; }'), 4, 20, /bound twice/],
    ['unterminated string', wrap("    match /a/{b} { allow read: if 'abc; }"), 4, 35, /unterminated string/],
    [
      'unexpected character',
      wrap('    match /a/{b} { allow read: if a # b; }'),
      4,
      37,
      /unexpected character '#'/,
    ],
    ['chained comparison', wrap('    match /a/{b} { allow read: if 1 < 2 < 3; }'), 4, 41, /do not chain/],
    ['function without return', wrap('    function f() { let x = 1; }'), 4, 31, /expected 'return'/],
    ['unsupported service', 'service firebase.storage { }', 1, 1, /unsupported service/],
    [
      'unsupported version',
      "rules_version = '3'; service cloud.firestore {}",
      1,
      17,
      /unsupported rules_version/,
    ],
    [
      'missing closing brace',
      "rules_version = '2';\nservice cloud.firestore {\n  match /a/{b} {\n",
      4,
      1,
      /end of file/,
    ],
    [
      'allow outside match',
      'service cloud.firestore { allow read; }',
      1,
      27,
      /expected 'match', 'function' or '}'/,
    ],
    ['keyword as a name', wrap('    function if() { return true; }'), 4, 14, /expected a function name/],
    ['unterminated comment', wrap('    /* never closed'), 4, 5, /unterminated comment/],
    ['empty expression', wrap('    match /a/{b} { allow read: if ; }'), 4, 35, /expected an expression/],
  ];
  for (const [name, source, line, column, message] of cases) {
    it(`refuses ${name} with its line and column`, () => {
      const err = syntaxError(source);
      assert.match(err.message, message);
      assert.deepEqual([err.line, err.column], [line, column], err.message);
      assert.match(err.message, new RegExp(`line ${line}, column ${column}`));
    });
  }
});
