/**
 * Rules coverage as the emulator records it: each allow statement's outcomes, and each operand of
 * && and || that was evaluated (not those a short circuit skipped), written on demand per ruleset.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { StoredDocument } from '../../src/model/types';
import type { Caller } from '../../src/server/auth';
import { type CoverageFile, writeCoverage } from '../../src/rules/coverage';
import { compileRulesPolicy, type RulesPolicy } from '../../src/rules/policy';

const DB = 'projects/p/databases/(default)/documents';
const caller = (uid: string): Caller => ({ kind: 'user', uid, token: { sub: uid } });
const RULES = `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    match /notes/{id} {
      allow get: if request.auth.uid == 'alice' || resource.data.public == true;
      allow delete: if false;
      allow update: if resource.data.missing == 1 && request.auth.uid == 'alice';
    }
    match /never/{id} {
      allow read: if true;
    }
  }
}`;

describe('rules coverage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rules-coverage-'));
  process.env.HEARTH_RULES_COVERAGE_DIR = dir;
  const policy = compileRulesPolicy(RULES, 'p').policy as RulesPolicy;
  // The same source loaded again adds to the same counts.
  const reloaded = compileRulesPolicy(RULES, 'p').policy as RulesPolicy;
  const note = (fields: StoredDocument['fields']): StoredDocument => ({
    name: `${DB}/notes/n`,
    fields,
    createTime: 1,
    updateTime: 1,
  });
  const get = (p: RulesPolicy, uid: string, fields: StoredDocument['fields']) => {
    try {
      p.checkGet(caller(uid), 'p', '(default)', `${DB}/notes/n`, note(fields), () => null);
      return true;
    } catch {
      return false;
    }
  };

  it('counts allow statements and the operands they evaluated', () => {
    assert.equal(get(policy, 'alice', {}), true); // left operand true: the right is skipped
    assert.equal(get(reloaded, 'bob', { public: { booleanValue: true } }), true);
    assert.equal(get(policy, 'bob', { public: { booleanValue: false } }), false);
    assert.equal(get(policy, 'bob', {}), false); // resource.data.public is an error
    const update = () =>
      policy.checkWrites(
        caller('alice'),
        'p',
        '(default)',
        [{ method: 'update', docName: `${DB}/notes/n`, before: note({}), after: note({}) }],
        () => null,
        () => null,
      );
    assert.throws(update);

    writeCoverage(dir);
    const files = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CoverageFile);
    assert.equal(files.length, 1);
    const [file] = files;
    assert.equal(file!.source, RULES);
    const allow = (line: number) => file!.allows.find((a) => a.line === line);
    assert.deepEqual(allow(5), {
      line: 5,
      column: 7,
      methods: ['get'],
      match: '/databases/{database}/documents/notes/{id}',
      allowed: 2,
      denied: 1,
      errors: 1,
    });
    assert.deepEqual(
      { ...allow(7), match: undefined },
      {
        line: 7,
        column: 7,
        methods: ['update'],
        match: undefined,
        allowed: 0,
        denied: 0,
        errors: 1,
      },
    );
    assert.equal(allow(6)!.allowed + allow(6)!.denied + allow(6)!.errors, 0);
    assert.equal(allow(10)!.allowed + allow(10)!.denied, 0);
    const condition = (line: number, column: number) =>
      file!.conditions.find((c) => c.line === line && c.column === column);
    assert.deepEqual(condition(5, 21), { line: 5, column: 21, true: 1, false: 3, error: 0, unknown: 0 });
    assert.deepEqual(condition(5, 52), { line: 5, column: 52, true: 1, false: 1, error: 1, unknown: 0 });
    // The error of the left operand of && leaves the right one evaluated (an error absorbs nothing).
    assert.deepEqual(condition(7, 24), { line: 7, column: 24, true: 0, false: 0, error: 1, unknown: 0 });
    assert.deepEqual(condition(7, 54), { line: 7, column: 54, true: 1, false: 0, error: 0, unknown: 0 });
    assert.equal(file!.conditions.length, 4);
  });
});
