/**
 * Rules coverage: for each loaded ruleset, how often each allow statement was evaluated and what it
 * gave (allowed, false, error), and how often each operand of `&&` and `||` (a "condition") was
 * evaluated true, false, an error or unprovable (list queries). Operands a short circuit skipped
 * are not counted: they were not exercised.
 *
 * Recording is on when HEARTH_RULES_COVERAGE_DIR names a directory: each process then writes one
 * JSON file per ruleset there when it exits, and `npm test` merges them into a report
 * (scripts/src/test/rules-coverage.ts). Otherwise nothing is recorded and nothing costs.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AllowStmt, type Expr, type Pos, type Ruleset, forEachExpr } from './ast';

export type Outcome = 'true' | 'false' | 'error' | 'unknown';

export interface AllowCounts {
  line: number;
  column: number;
  /** The methods as written (`read`, `update`...), and the full path of its match block. */
  methods: string[];
  match: string;
  allowed: number;
  /** Evaluated false, or not provable for every document of a list query. */
  denied: number;
  errors: number;
}

export interface ConditionCounts {
  line: number;
  column: number;
  true: number;
  false: number;
  error: number;
  unknown: number;
}

/** What one process recorded for one ruleset: the file format the report merges. */
export interface CoverageFile {
  format: 'hearth-rules-coverage/1';
  /** sha256 of the source: files of the same ruleset from several processes add up. */
  sourceHash: string;
  source: string;
  allows: AllowCounts[];
  conditions: ConditionCounts[];
}

const key = (p: Pos) => `${p.line}:${p.column}`;

export class RulesCoverage {
  // By position, not by node: the same source parsed again (a reload) has new nodes.
  private readonly allows = new Map<string, AllowCounts>();
  private readonly conditions = new Map<string, ConditionCounts>();

  constructor(
    readonly source: string,
    ruleset: Ruleset,
  ) {
    // Every allow statement and condition is listed, so the report shows what was never reached.
    const visitFunctions = (fs: Ruleset['functions']) =>
      fs.forEach((f) => [...f.lets.map((l) => l.value), f.body].forEach((e) => this.register(e)));
    visitFunctions(ruleset.functions);
    const walk = (blocks: Ruleset['matches'], prefix: string) => {
      for (const b of blocks) {
        const match = prefix + b.pathText;
        visitFunctions(b.functions);
        for (const a of b.allows) {
          this.allows.set(key(a), {
            line: a.line,
            column: a.column,
            methods: a.written,
            match,
            allowed: 0,
            denied: 0,
            errors: 0,
          });
          if (a.condition) this.register(a.condition);
        }
        walk(b.matches, match);
      }
    };
    walk(ruleset.matches, '');
  }

  private register(e: Expr): void {
    forEachExpr(e, (x) => {
      if (x.kind !== 'binary' || (x.op !== '&&' && x.op !== '||')) return;
      for (const side of [x.left, x.right]) {
        if (isLogical(side)) continue;
        if (!this.conditions.has(key(side)))
          this.conditions.set(key(side), { ...pos(side), true: 0, false: 0, error: 0, unknown: 0 });
      }
    });
  }

  allow(stmt: AllowStmt, outcome: Outcome): void {
    const c = this.allows.get(key(stmt));
    if (!c) return;
    if (outcome === 'true') c.allowed++;
    else if (outcome === 'error') c.errors++;
    else c.denied++;
  }

  /**
   * An operand of && or ||. Operands that are themselves && or || are not conditions: their own
   * operands are (and a chain's nodes share the position of its first term).
   */
  condition(at: Expr, outcome: Outcome): void {
    if (isLogical(at)) return;
    const c = this.conditions.get(key(at));
    if (c) c[outcome]++;
  }

  toFile(): CoverageFile {
    return {
      format: 'hearth-rules-coverage/1',
      sourceHash: hashOf(this.source),
      source: this.source,
      allows: [...this.allows.values()],
      conditions: [...this.conditions.values()],
    };
  }
}

const pos = (p: Pos): Pos => ({ line: p.line, column: p.column });
const isLogical = (e: Expr) => e.kind === 'binary' && (e.op === '&&' || e.op === '||');

export const hashOf = (source: string) => createHash('sha256').update(source).digest('hex');

// One recorder per distinct ruleset in this process: reloading the same rules adds up.
const recorders = new Map<string, RulesCoverage>();
let exitHook = false;

/** The recorder for a ruleset when coverage is on (HEARTH_RULES_COVERAGE_DIR), else undefined. */
export function coverageFor(source: string, ruleset: Ruleset): RulesCoverage | undefined {
  const dir = process.env.HEARTH_RULES_COVERAGE_DIR;
  if (!dir) return undefined;
  const hash = hashOf(source);
  let c = recorders.get(hash);
  if (!c) {
    c = new RulesCoverage(source, ruleset);
    recorders.set(hash, c);
  }
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => writeCoverage(dir));
  }
  return c;
}

/** Writes what this process recorded, one file per ruleset (synchronous: it runs on exit). */
export function writeCoverage(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [hash, c] of recorders)
    writeFileSync(join(dir, `${process.pid}-${hash.slice(0, 16)}.json`), JSON.stringify(c.toFile()));
}
