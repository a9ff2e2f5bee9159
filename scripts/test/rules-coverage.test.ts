/** The rules coverage report: files of the same ruleset add up, and the report marks what was never reached. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CoverageFile } from '../../emulator/src/rules/coverage';
import { mergeCoverage, operandText, writeRulesCoverageReport } from '../src/test/rules-coverage';

const SOURCE = [
  "rules_version = '2';",
  'service cloud.firestore { match /databases/{d}/documents { match /a/{b} {',
  "  allow get: if request.auth != null && (b == 'x' || b.size() > 3);",
  '  allow delete: if false;',
  '} } }',
].join('\n');

const file = (allowed: number, left: number, right: number): CoverageFile => ({
  format: 'hearth-rules-coverage/1',
  sourceHash: 'h1',
  source: SOURCE,
  allows: [
    {
      line: 3,
      column: 3,
      methods: ['get'],
      match: '/databases/{d}/documents/a/{b}',
      allowed,
      denied: 1,
      errors: 0,
    },
    {
      line: 4,
      column: 3,
      methods: ['delete'],
      match: '/databases/{d}/documents/a/{b}',
      allowed: 0,
      denied: 0,
      errors: 0,
    },
  ],
  conditions: [
    { line: 3, column: 17, true: left, false: 1, error: 0, unknown: 0 },
    { line: 3, column: 42, true: right, false: 0, error: 0, unknown: 0 },
    { line: 3, column: 52, true: 0, false: 0, error: 0, unknown: 0 },
  ],
});

describe('rules coverage report', () => {
  it('adds up the files of one ruleset and keeps other rulesets apart', () => {
    const other = { ...file(9, 9, 9), sourceHash: 'h2', source: 'other' };
    const merged = mergeCoverage([file(1, 2, 0), file(3, 4, 5), other]);
    assert.equal(merged.length, 2);
    const [m] = merged;
    assert.equal(m!.processes, 2);
    assert.deepEqual(
      m!.allows.map((a) => [a.allowed, a.denied]),
      [
        [4, 2],
        [0, 0],
      ],
    );
    assert.deepEqual(
      m!.conditions.map((c) => [c.true, c.false]),
      [
        [6, 2],
        [5, 0],
        [0, 0],
      ],
    );
  });

  it('cuts an operand at the && or || that ends it, or the bracket that closes around it', () => {
    assert.equal(operandText("request.auth != null && (b == 'x' || b.size() > 3);"), 'request.auth != null');
    assert.equal(operandText("b == 'x' || b.size() > 3);"), "b == 'x'");
    assert.equal(operandText('b.size() > 3);'), 'b.size() > 3');
    assert.equal(operandText("s.matches('a&&b') && x"), "s.matches('a&&b')");
  });

  it('writes report.txt with firestore.rules first, marking what was never reached', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-report-'));
    const raw = join(dir, 'raw');
    mkdirSync(raw);
    writeFileSync(join(raw, '1-a.json'), JSON.stringify({ ...file(1, 1, 0), sourceHash: 'h0', source: 'x' }));
    writeFileSync(join(raw, '2-b.json'), JSON.stringify(file(1, 1, 0)));
    const summary = writeRulesCoverageReport(raw, dir, SOURCE);
    assert.equal(
      summary,
      'rules coverage of firestore.rules: 1 of 2 allow statements evaluated, 1 of 3 conditions reached',
    );
    const text = readFileSync(join(dir, 'report.txt'), 'utf8');
    assert.ok(text.startsWith('firestore.rules: evaluated in 1 test process(es)'), text);
    assert.match(text, /L3 +get +1 +1 +0 +\/databases\/\{d\}\/documents\/a\/\{b\}\n/);
    assert.match(text, /L4 +delete +0 +0 +0 +\S+ +NEVER EVALUATED/);
    assert.match(text, /L3:17 +1 +1 +0 +0 +request\.auth != null\n/);
    assert.match(text, /L3:42 +0 +0 +0 +0 +b == 'x' +NEVER REACHED/);
    assert.match(text, /ruleset 1 of the tests \(inline\)/);
    assert.equal(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).length, 2);
    assert.equal(writeRulesCoverageReport(join(dir, 'none'), dir, SOURCE), null);
  });
});
