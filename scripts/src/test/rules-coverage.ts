/**
 * The rules coverage report of a test run: merges what each test process's emulator recorded
 * (emulator/src/rules/coverage.ts, one JSON file per process and ruleset) and writes, for
 * firestore.rules and any other ruleset the suites loaded, which allow statements and which
 * conditions were exercised, allowed and denied. README "Rules coverage" says how to read it.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AllowCounts, ConditionCounts, CoverageFile } from '../../../emulator/src/rules/coverage';

export interface MergedCoverage extends CoverageFile {
  /** How many test processes evaluated this ruleset. */
  processes: number;
}

/** Adds up the files of the same ruleset (by source hash). */
export function mergeCoverage(files: CoverageFile[]): MergedCoverage[] {
  const byHash = new Map<string, MergedCoverage>();
  for (const f of files) {
    const m = byHash.get(f.sourceHash);
    if (!m) {
      byHash.set(f.sourceHash, structuredClone({ ...f, processes: 1 }));
      continue;
    }
    m.processes++;
    const add = <T extends { line: number; column: number }>(into: T[], from: T[], fields: (keyof T)[]) => {
      for (const x of from) {
        const y = into.find((i) => i.line === x.line && i.column === x.column);
        if (!y) into.push(structuredClone(x));
        else for (const k of fields) (y[k] as number) += x[k] as number;
      }
    };
    add<AllowCounts>(m.allows, f.allows, ['allowed', 'denied', 'errors']);
    add<ConditionCounts>(m.conditions, f.conditions, ['true', 'false', 'error', 'unknown']);
  }
  return [...byHash.values()];
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);

function allowNote(a: AllowCounts): string {
  if (a.allowed + a.denied + a.errors === 0) return 'NEVER EVALUATED';
  const missing = [a.allowed === 0 && 'never allowed', a.denied + a.errors === 0 && 'never denied'];
  return missing.filter(Boolean).join(', ');
}

function conditionNote(c: ConditionCounts): string {
  if (c.true + c.false + c.error + c.unknown === 0) return 'NEVER REACHED';
  const missing = [c.true === 0 && 'never true', c.false + c.error === 0 && 'never false'];
  return missing.filter(Boolean).join(', ');
}

/**
 * The operand that starts a line's text: up to the next && or || or ; outside brackets and quotes,
 * or the bracket that closes around it (the coverage files keep where an operand starts, not its end).
 */
export function operandText(rest: string): string {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) {
      if (depth === 0) return rest.slice(0, i).trim();
      depth--;
    } else if (depth === 0 && (rest.startsWith('&&', i) || rest.startsWith('||', i) || ch === ';'))
      return rest.slice(0, i).trim();
  }
  return rest.trim();
}

/** The text report of one ruleset: every allow statement and condition, in source order. */
export function formatRuleset(m: MergedCoverage, name: string): string {
  const lines = m.source.split('\n');
  const byPos = <T extends { line: number; column: number }>(xs: T[]) =>
    [...xs].sort((a, b) => a.line - b.line || a.column - b.column);
  const allows = byPos(m.allows);
  const conditions = byPos(m.conditions);
  const evaluated = allows.filter((a) => a.allowed + a.denied + a.errors > 0).length;
  const bothWays = allows.filter((a) => a.allowed > 0 && a.denied + a.errors > 0).length;
  const reached = conditions.filter((c) => c.true + c.false + c.error + c.unknown > 0).length;
  const both = conditions.filter((c) => c.true > 0 && c.false + c.error > 0).length;
  const out = [
    `${name}: evaluated in ${m.processes} test process(es), sha256 ${m.sourceHash.slice(0, 12)}`,
    `  allow statements: ${evaluated} of ${allows.length} evaluated, ${bothWays} both allowed and denied`,
    `  conditions (operands of && and ||): ${reached} of ${conditions.length} reached, ${both} both true and false`,
    '',
    '  allow statements      allowed  denied  errors',
  ];
  for (const a of allows) {
    out.push(
      `  L${pad(a.line, 4)} ${pad(a.methods.join(','), 14)} ${pad(a.allowed, 8)} ${pad(a.denied, 7)} ${pad(a.errors, 7)} ${a.match}  ${allowNote(a)}`.trimEnd(),
    );
  }
  out.push('', '  conditions        true   false  error  unknown  source');
  for (const c of conditions) {
    const text = operandText((lines[c.line - 1] ?? '').slice(c.column - 1)).slice(0, 70);
    out.push(
      `  L${pad(`${c.line}:${c.column}`, 8)} ${pad(c.true, 6)} ${pad(c.false, 6)} ${pad(c.error, 6)} ${pad(c.unknown, 8)} ${pad(text, 72)} ${conditionNote(c)}`.trimEnd(),
    );
  }
  return out.join('\n') + '\n';
}

/**
 * Reads every coverage file in `rawDir`, writes report.txt (firestore.rules first, in full; then
 * every other ruleset the suites loaded) and report.json beside it, and returns a one-line summary.
 */
export function writeRulesCoverageReport(
  rawDir: string,
  outDir: string,
  projectRules: string,
): string | null {
  let names: string[];
  try {
    names = readdirSync(rawDir).filter((n) => n.endsWith('.json'));
  } catch {
    return null;
  }
  const files = names.map((n) => JSON.parse(readFileSync(join(rawDir, n), 'utf8')) as CoverageFile);
  const merged = mergeCoverage(files);
  if (merged.length === 0) return null;
  const isProject = (m: MergedCoverage) => m.source === projectRules;
  merged.sort((a, b) => Number(isProject(b)) - Number(isProject(a)));
  const text = merged
    .map((m, i) => formatRuleset(m, isProject(m) ? 'firestore.rules' : `ruleset ${i} of the tests (inline)`))
    .join('\n');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'report.txt'), text);
  writeFileSync(join(outDir, 'report.json'), JSON.stringify(merged, null, 1));
  const project = merged.find(isProject);
  if (!project) return `rules coverage: ${merged.length} rulesets, none of them firestore.rules`;
  const evaluated = project.allows.filter((a) => a.allowed + a.denied + a.errors > 0).length;
  const reached = project.conditions.filter((c) => c.true + c.false + c.error + c.unknown > 0).length;
  return (
    `rules coverage of firestore.rules: ${evaluated} of ${project.allows.length} allow statements evaluated, ` +
    `${reached} of ${project.conditions.length} conditions reached`
  );
}
