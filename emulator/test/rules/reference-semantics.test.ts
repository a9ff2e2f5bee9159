/**
 * Where the engine used to differ from the rules language reference, one case each: the ruleset
 * compiler (semicolons, recursion, recursive wildcards per rules_version) and the policy
 * (collection groups, get() per document in a batch, request.time). The stdlib cases (map diff,
 * string(float), RE2) are in evaluate.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredDocument } from '../../src/model/types';
import type { WriteAccess } from '../../src/server/access';
import { RulesSyntaxError } from '../../src/rules/errors';
import { parseRules } from '../../src/rules/parser';
import type { RulesPolicy } from '../../src/rules/policy';
import { alice, compilePolicy, DB, denied, inDocuments } from './support/policy';

function refused(source: string, message: RegExp): RulesSyntaxError {
  try {
    parseRules(source);
  } catch (err) {
    assert.ok(err instanceof RulesSyntaxError, String(err));
    assert.match(err.message, message);
    return err;
  }
  assert.fail('the ruleset compiled');
}

const doc = (path: string, fields: StoredDocument['fields'] = {}, updateTime = 1): StoredDocument => ({
  name: `${DB}/${path}`,
  fields,
  createTime: 1,
  updateTime,
});
const none = () => null;

const get = (policy: RulesPolicy, path: string) => () =>
  policy.checkGet(alice, 'p', '(default)', `${DB}/${path}`, doc(path), none);

describe('semicolons between statements are optional', () => {
  it('compiles allow statements with no semicolon between them, as Firebase does', () => {
    const policy = compilePolicy(
      inDocuments(`    match /a/{b} {
      allow get: if b == 'x'
      allow list: if false
      allow write: if false
    }`),
    );
    get(policy, 'a/x')();
    denied(get(policy, 'a/y'));
  });
  it('still refuses a statement cut short', () =>
    void refused(inDocuments('    match /a/{b} { allow get: if }'), /expected an expression/));
});

describe('recursive functions are refused', () => {
  it('refuses a function that calls itself, at the call', () => {
    const err = refused(
      inDocuments(`    function f(n) {
      return n == 0 || f(n - 1);
    }
    match /a/{b} { allow read: if f(3); }`),
      /recursive function calls are not allowed: f\(\) -> f\(\)/,
    );
    assert.equal(err.line, 5);
  });
  it('refuses recursion through other functions and across blocks', () =>
    void refused(
      `rules_version = '2';
service cloud.firestore {
  function outer(n) { return inner(n); }
  match /databases/{database}/documents {
    function inner(n) { return n > 0; }
    match /a/{b} {
      function inner(n) { return outer(n); }
      allow read: if inner(1);
    }
  }
}`.replace('return inner(n); }', 'return middle(n); }\n  function middle(n) { return outer(n - 1); }'),
      /outer\(\) -> middle\(\) -> outer\(\)/,
    ));
  it('accepts functions that call others without a cycle, and a parameter named like a function', () => {
    const policy = compilePolicy(
      inDocuments(`    function ok(x) { return x == 'x'; }
    function twice(ok) { return ok == 'x' && yes(ok); }
    function yes(v) { return ok(v); }
    match /a/{b} { allow get: if twice(b); }`),
    );
    get(policy, 'a/x')();
  });
});

describe('recursive wildcards', () => {
  const anywhere = (version: string) =>
    compilePolicy(
      inDocuments(
        `    match /cities/{rest=**} {
      allow get: if true;
    }`,
        version,
      ),
    );
  it("in rules_version '2' match zero or more segments", () => {
    anywhere("rules_version = '2';").checkGet(
      alice,
      'p',
      '(default)',
      `${DB}/cities/sf/streets/main`,
      null,
      none,
    );
    // Zero segments: /cities/{city}/{rest=**} matches the document /cities/sf itself.
    const zero = compilePolicy(inDocuments('    match /cities/{city}/{rest=**} { allow get: if true; }'));
    zero.checkGet(alice, 'p', '(default)', `${DB}/cities/sf`, null, none);
  });
  it("in rules_version '1' (or none) match one or more segments", () => {
    for (const version of ["rules_version = '1';", '']) {
      const zero = compilePolicy(
        inDocuments('    match /cities/{city}/{rest=**} { allow get: if true; }', version),
      );
      zero.checkGet(alice, 'p', '(default)', `${DB}/cities/sf/streets/main`, null, none);
      assert.match(
        denied(() => zero.checkGet(alice, 'p', '(default)', `${DB}/cities/sf`, null, none)),
        /No matching allow statements/,
      );
    }
  });
  it("in rules_version '1' must be the last segment; '2' allows it anywhere", () => {
    const source = (version: string) =>
      inDocuments('    match /{path=**}/events/{id} { allow list: if true; }', version);
    refused(source("rules_version = '1';"), /recursive wildcard must be the last segment/);
    refused(source(''), /recursive wildcard must be the last segment/);
    compilePolicy(source("rules_version = '2';"));
  });
  it('refuses two recursive wildcards in one path', () =>
    void refused(
      inDocuments('    match /{a=**}/events/{b=**} { allow read: if true; }'),
      /one recursive wildcard, not two/,
    ));
  it("in rules_version '1' never admit a collection-group query", () => {
    const v1 = compilePolicy(
      inDocuments('    match /{rest=**} { allow list: if true; }', "rules_version = '1';"),
    );
    const query = { from: [{ collectionId: 'events', allDescendants: true }] };
    denied(() => v1.checkList(alice, 'p', '(default)', DB, query, [], none));
    const v2 = compilePolicy(inDocuments('    match /{rest=**} { allow list: if true; }'));
    v2.checkList(alice, 'p', '(default)', DB, query, [], none);
  });
});

describe('collection-group queries need a rule on a recursive-wildcard path', () => {
  const own = {
    fieldFilter: {
      field: { fieldPath: '__name__' },
      op: 'EQUAL',
      value: { referenceValue: `${DB}/customers/alice/events/e1` },
    },
  };
  const groupQuery = { from: [{ collectionId: 'events', allDescendants: true }], where: own };
  const event = doc('customers/alice/events/e1');

  it("refuses one pinned to the caller's own document when only the exact path has a rule", () => {
    const policy = compilePolicy(
      inDocuments('    match /customers/{uid}/events/{id} { allow list: if request.auth.uid == uid; }'),
    );
    // The same document through its own collection is allowed: the rule is there.
    policy.checkList(
      alice,
      'p',
      '(default)',
      `${DB}/customers/alice`,
      { from: [{ collectionId: 'events' }] },
      [event],
      none,
    );
    assert.match(
      denied(() => policy.checkList(alice, 'p', '(default)', DB, groupQuery, [event], none)),
      /No matching allow statements/,
    );
  });
  it('allows it through a rule whose recursive wildcard covers the parents', () => {
    const policy = compilePolicy(
      inDocuments("    match /{path=**}/events/{id} { allow list: if resource.id == 'e1'; }"),
    );
    policy.checkList(alice, 'p', '(default)', DB, groupQuery, [event], none);
  });
});

describe('get()/exists() in a batched write: 10 per document, 20 per request', () => {
  // Every document read is missing, so each `!exists()` is true: only a limit can deny.
  const reads = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => `!exists(/databases/$(database)/documents/k/k${from + i})`).join(
      ' && ',
    );
  const policy = compilePolicy(
    inDocuments(`    match /ten/{id} { allow create: if ${reads(0, 10)}; }
    match /eleven/{id} { allow create: if ${reads(0, 11)}; }
    match /other/{id} { allow create: if ${reads(10, 10)}; }
    match /more/{id} { allow create: if ${reads(20, 1)}; }`),
  );
  const write = (path: string): WriteAccess => ({
    method: 'create',
    docName: `${DB}/${path}`,
    before: null,
    after: doc(path),
  });
  const commit =
    (...paths: string[]) =>
    () =>
      policy.checkWrites(alice, 'p', '(default)', paths.map(write), none, none);

  it('allows 10 reads for each of two documents (20 in all)', () => commit('ten/a', 'other/b')());
  it('refuses an 11th read for one document, even in a batch whose total is under 20', () => {
    assert.match(denied(commit('eleven/a', 'ten/b')), /limit of 10 document reads .* one document/);
    assert.match(denied(commit('ten/b', 'eleven/a')), /limit of 10 document reads .* one document/);
    assert.match(denied(commit('eleven/a')), /limit of 10 document reads/);
  });
  it('counts a document another write of the batch read already', () =>
    // other/b reads k10..k19; eleven would need k0..k10, and k10 is cached but still its 11th.
    void denied(commit('other/b', 'eleven/a')));
  it('refuses a 21st distinct read in the batch', () =>
    void assert.match(denied(commit('ten/a', 'other/b', 'more/c')), /limit of 20 document reads/));
});

describe('request.time has microseconds', () => {
  const policy = compilePolicy(
    inDocuments(`    match /stamped/{id} {
      allow create: if request.resource.data.at == request.time
        && request.time.nanos() % 1000000 == 123000;
    }
    match /clock/{id} {
      allow get: if request.time.nanos() % 1000000 == 0;
    }`),
  );
  it('is the commit time to the microsecond, so a serverTimestamp() equals it', () => {
    const micros = Date.UTC(2025, 0, 1) * 1000 + 123;
    const at = { timestampValue: { seconds: Math.floor(micros / 1e6), nanos: (micros % 1e6) * 1000 } };
    const write = (stamp: typeof at): WriteAccess => ({
      method: 'create',
      docName: `${DB}/stamped/s`,
      before: null,
      after: doc('stamped/s', { at: stamp }, micros),
    });
    policy.checkWrites(alice, 'p', '(default)', [write(at)], none, none);
    // The same time to the millisecond is not request.time.
    const millis = { timestampValue: { ...at.timestampValue, nanos: at.timestampValue.nanos - 123_000 } };
    denied(() => policy.checkWrites(alice, 'p', '(default)', [write(millis)], none, none));
  });
  it('carries microseconds on reads too (not a millisecond clock times 1000)', () => {
    let withMicros = 0;
    for (let i = 0; i < 20; i++) {
      try {
        get(policy, 'clock/c')();
      } catch {
        withMicros++;
      }
    }
    // A millisecond clock would always be a multiple of 1000 microseconds.
    assert.ok(withMicros > 0, 'request.time was always a whole millisecond');
  });
});
