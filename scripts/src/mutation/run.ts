/**
 * `npm run mutation [-- <substring>...]`: Stryker over each module of modules.ts (or those whose
 * name contains a substring), one module at a time with concurrency 1 (the machine is shared),
 * the tap runner running Node's test runner under tsx, and the TypeScript checker weeding out
 * mutants that do not compile. Writes bench/results/mutation.json (per module: mutants, killed,
 * survived, score, and each surviving mutant with the reason it is equivalent, when it is listed
 * in equivalent.ts) and bench/results/mutation.md, the same as a readable report; Stryker's own
 * HTML report of each module is left in .cache/mutation/<module>/report.html.
 *
 * Runs are incremental (Stryker's own: unchanged mutants under unchanged tests keep their result;
 * `-- --full` re-tests everything); `-- --report-only` rewrites mutation.md from the last reports.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EQUIVALENT, type EquivalentMutant } from './equivalent';
import { MODULES, type MutatedCode, type MutationModule } from './modules';

const root = join(__dirname, '..', '..', '..');
const cache = join(root, '.cache', 'mutation');
const resultsFile = join(root, 'bench', 'results', 'mutation.json');
const reportFile = join(root, 'bench', 'results', 'mutation.md');
/** Stryker's own goal for a module, and the issue's: at least 80% of its mutants detected. */
const GOAL = 80;

const slug = (name: string) => name.replace(/[^a-z0-9]+/gi, '-');

/** Stryker `mutate` entries: a file, or `file:start-end` for each named top-level function. */
export function mutateRanges(code: MutatedCode, source: string): string[] {
  if (!code.functions) return [code.file];
  const lines = source.split('\n');
  return code.functions.map((name) => {
    const start = lines.findIndex((l) => new RegExp(`^(export )?(async )?function\\*? ${name}\\b`).test(l));
    if (start < 0) throw new Error(`${code.file} has no top-level function ${name}`);
    const end = lines.findIndex((l, i) => i > start && l === '}');
    if (end < 0) throw new Error(`${code.file}: function ${name} has no closing line`);
    return `${code.file}:${start + 1}-${end + 1}`;
  });
}

interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number }; end: { line: number; column: number } };
  status: string;
}
interface Report {
  files: Record<string, { source: string; mutants: ReportMutant[] }>;
}

/** The source text a mutant replaces (what equivalent.ts matches on, so line moves do not matter). */
function originalOf(source: string, m: ReportMutant): string {
  const lines = source.split('\n');
  const { start, end } = m.location;
  if (start.line === end.line) return lines[start.line - 1]!.slice(start.column - 1, end.column - 1);
  const first = lines[start.line - 1]!.slice(start.column - 1);
  const middle = lines.slice(start.line, end.line - 1);
  const last = lines[end.line - 1]!.slice(0, end.column - 1);
  return [first, ...middle, last].join('\n');
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

function equivalenceOf(file: string, m: ReportMutant, original: string): EquivalentMutant | undefined {
  return EQUIVALENT.find(
    (e) =>
      e.file === file &&
      e.mutator === m.mutatorName &&
      squash(e.original) === squash(original) &&
      (e.replacement === undefined || squash(e.replacement) === squash(m.replacement ?? '')),
  );
}

interface Survivor {
  file: string;
  line: number;
  mutator: string;
  original: string;
  replacement: string;
  status: string;
  equivalent?: string;
}

export interface ModuleResult {
  what: string;
  mutated: string[];
  tests: string[];
  mutants: number;
  killed: number;
  timedOut: number;
  survived: number;
  noCoverage: number;
  compileErrors: number;
  runtimeErrors: number;
  /** Stryker's mutation score: detected (killed or timed out) / (detected + survived + no coverage). */
  score: number;
  /** Surviving mutants listed in equivalent.ts, with the reason; the rest are unexplained. */
  equivalent: number;
  /** The score with the listed equivalent mutants left out (they cannot be killed). */
  scoreWithoutEquivalent: number;
  survivors: Survivor[];
  seconds: number;
  measuredAt: string;
}

/**
 * The checker typechecks only the mutated files, the tests and what they import: a fraction of the
 * whole repo's typecheck, and untouched by unfinished work elsewhere in the tree.
 */
function writeTsconfig(module: MutationModule): string {
  const tsconfig = join(cache, `${slug(module.name)}.tsconfig.json`);
  const files = [...module.mutate.map((c) => c.file), ...module.tests];
  const config = {
    extends: relative(cache, join(root, 'tsconfig.json')),
    files: files.map((f) => relative(cache, join(root, f))),
    include: [],
  };
  writeFileSync(tsconfig, JSON.stringify(config, null, 2));
  return tsconfig;
}

function writeConfig(module: MutationModule): { config: string; report: string; html: string } {
  const dir = join(cache, slug(module.name));
  mkdirSync(dir, { recursive: true });
  const mutate = module.mutate.flatMap((code) =>
    mutateRanges(code, readFileSync(join(root, code.file), 'utf8')),
  );
  const tsconfig = writeTsconfig(module);
  const report = join(dir, 'report.json');
  const html = join(dir, 'report.html');
  // Incremental: a mutant whose code and covering tests are unchanged since the last run keeps its
  // result, so a run after adding a test re-tests only what that test covers. The first run after
  // a full one starts from that run's report (the same format).
  const incremental = join(dir, 'incremental.json');
  if (!existsSync(incremental) && existsSync(report)) copyFileSync(report, incremental);
  const config = join(cache, `${slug(module.name)}.stryker.json`);
  writeFileSync(
    config,
    JSON.stringify(
      {
        $schema: '../../node_modules/@stryker-mutator/core/schema/stryker-schema.json',
        packageManager: 'npm',
        plugins: ['@stryker-mutator/tap-runner', '@stryker-mutator/typescript-checker'],
        testRunner: 'tap',
        tap: {
          testFiles: module.tests,
          // tsx runs the TypeScript tests and sources, as `npm test` does.
          nodeArgs: ['--import', 'tsx', '--test-reporter=tap', '-r', '{{hookFile}}', '{{testFile}}'],
          forceBail: true,
        },
        checkers: ['typescript'],
        tsconfigFile: relative(root, tsconfig),
        typescriptChecker: { prioritizePerformanceOverAccuracy: true },
        mutate,
        coverageAnalysis: 'perTest',
        incremental: !process.argv.includes('--full'),
        incrementalFile: relative(root, incremental),
        concurrency: 1,
        // Generous: on a loaded machine a slow test run must not pass for a mutant's endless loop
        // (a timed-out mutant counts as detected).
        timeoutMS: 30_000,
        reporters: ['json', 'html', 'clear-text', 'progress'],
        jsonReporter: { fileName: relative(root, report) },
        htmlReporter: { fileName: relative(root, html) },
        clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
        tempDirName: relative(root, join(dir, 'sandbox')),
        cleanTempDir: true,
        // What no mutated module's tests read: kept out of each sandbox copy.
        // (.cache/mutation's own files, the configs, are needed there; its module folders are not.)
        ignorePatterns: [
          '/data',
          '/web',
          '/bench',
          '/functions/lib',
          '**/dist',
          '*.log',
          '/.cache/*',
          '!/.cache/mutation',
          '/.cache/mutation/*/',
        ],
        thresholds: { high: 90, low: GOAL, break: null },
      },
      null,
      2,
    ),
  );
  return { config, report, html };
}

function summarise(module: MutationModule, report: Report, seconds: number): ModuleResult {
  const count = (status: string) =>
    Object.values(report.files).reduce((n, f) => n + f.mutants.filter((m) => m.status === status).length, 0);
  const killed = count('Killed');
  const timedOut = count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const survivors: Survivor[] = [];
  for (const [file, f] of Object.entries(report.files)) {
    for (const m of f.mutants) {
      if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
      const original = originalOf(f.source, m);
      const equivalent = equivalenceOf(file, m, original)?.reason;
      survivors.push({
        file,
        line: m.location.start.line,
        mutator: m.mutatorName,
        original: squash(original).slice(0, 160),
        replacement: squash(m.replacement ?? '').slice(0, 160),
        status: m.status,
        ...(equivalent ? { equivalent } : {}),
      });
    }
  }
  survivors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const detected = killed + timedOut;
  const valid = detected + survived + noCoverage;
  const equivalent = survivors.filter((s) => s.equivalent).length;
  const pct = (n: number, d: number) => (d === 0 ? 100 : Math.round((1000 * n) / d) / 10);
  return {
    what: module.what,
    mutated: module.mutate.map((c) => (c.functions ? `${c.file} (${c.functions.join(', ')})` : c.file)),
    tests: module.tests,
    mutants: valid + count('CompileError') + count('RuntimeError'),
    killed,
    timedOut,
    survived,
    noCoverage,
    compileErrors: count('CompileError'),
    runtimeErrors: count('RuntimeError'),
    score: pct(detected, valid),
    equivalent,
    scoreWithoutEquivalent: pct(detected, valid - equivalent),
    survivors,
    seconds: Math.round(seconds),
    measuredAt: new Date().toISOString(),
  };
}

function markdown(results: Record<string, ModuleResult>): string {
  const out = [
    '# Mutation testing',
    '',
    "Written by `npm run mutation` (Stryker with the tap runner over Node's test runner, and the",
    'TypeScript checker; concurrency 1). Score = mutants detected (killed, or timed out) / mutants that',
    `compiled and ran; goal ${GOAL}% per module. A surviving mutant is either listed as equivalent`,
    '(`scripts/src/mutation/equivalent.ts`, with the reason) or unexplained: a gap in the tests.',
    '',
    '| module | mutants | did not compile | killed | timed out | survived | no coverage | score | equivalent | score without them |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [name, r] of Object.entries(results)) {
    out.push(
      `| ${name} | ${r.mutants} | ${r.compileErrors + r.runtimeErrors} | ${r.killed} | ${r.timedOut} | ${r.survived} | ${r.noCoverage} | ${r.score}% | ${r.equivalent} | ${r.scoreWithoutEquivalent}% |`,
    );
  }
  for (const [name, r] of Object.entries(results)) {
    out.push('', `## ${name}`, '', `${r.what[0]!.toUpperCase()}${r.what.slice(1)}.`, '');
    out.push(
      `Mutated: ${r.mutated.join('; ')}. Tests: ${r.tests.join(', ')}. ${r.seconds} s, ${r.measuredAt}.`,
    );
    if (r.survivors.length === 0) {
      out.push('', 'Every mutant was detected.');
      continue;
    }
    out.push(
      '',
      '| where | mutator | original | mutant | why it survives |',
      '| --- | --- | --- | --- | --- |',
    );
    const cell = (s: string) => '`' + s.replace(/\|/g, '\\|').replace(/`/g, "'") + '`';
    for (const s of r.survivors) {
      const why = s.equivalent ? `equivalent: ${s.equivalent}` : `**unexplained** (${s.status})`;
      out.push(
        `| ${s.file}:${s.line} | ${s.mutator} | ${cell(s.original)} | ${cell(s.replacement)} | ${why} |`,
      );
    }
  }
  return out.join('\n') + '\n';
}

/** Each module's last result again from Stryker's report, with equivalent.ts as it is now. */
function resummarise(results: Record<string, ModuleResult>): void {
  for (const module of MODULES) {
    const kept = results[module.name];
    const report = join(cache, slug(module.name), 'report.json');
    if (!kept || !existsSync(report)) continue;
    const again = summarise(module, JSON.parse(readFileSync(report, 'utf8')), kept.seconds);
    results[module.name] = { ...again, measuredAt: kept.measuredAt };
  }
}

function main(): void {
  // --report-only rewrites mutation.md from mutation.json (after equivalent.ts changed, say).
  const reportOnly = process.argv.includes('--report-only');
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const selected = MODULES.filter(
    (m) => !reportOnly && (filters.length === 0 || filters.some((f) => m.name.includes(f))),
  );
  if (selected.length === 0 && !reportOnly) {
    console.error(
      `no module matches ${filters.join(' ')}; modules: ${MODULES.map((m) => m.name).join(', ')}`,
    );
    process.exit(1);
  }
  const results: Record<string, ModuleResult> = existsSync(resultsFile)
    ? (JSON.parse(readFileSync(resultsFile, 'utf8')).modules ?? {})
    : {};
  if (reportOnly) resummarise(results);
  let failed = false;
  for (const module of selected) {
    console.log(`\n== mutation testing ${module.name}: ${module.what}`);
    const { config, report } = writeConfig(module);
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'),
        'run',
        relative(root, config),
      ],
      { cwd: root, stdio: 'inherit' },
    );
    if (run.status !== 0 || !existsSync(report)) {
      console.error(`Stryker failed on ${module.name} (exit ${run.status})`);
      failed = true;
      continue;
    }
    const result = summarise(module, JSON.parse(readFileSync(report, 'utf8')), (Date.now() - started) / 1000);
    results[module.name] = result;
    const unexplained = result.survivors.filter((s) => !s.equivalent).length;
    console.log(
      `${module.name}: ${result.mutants} mutants, ${result.killed} killed, ${result.timedOut} timed out, ` +
        `${result.survived} survived, ${result.noCoverage} without coverage: score ${result.score}% ` +
        `(${result.scoreWithoutEquivalent}% without the ${result.equivalent} equivalent), ${unexplained} unexplained`,
    );
  }
  const ordered = Object.fromEntries(
    MODULES.filter((m) => results[m.name]).map((m) => [m.name, results[m.name]!]),
  );
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(
    resultsFile,
    JSON.stringify(
      { tool: 'stryker 9.6.1 (tap runner, typescript checker)', goal: GOAL, modules: ordered },
      null,
      2,
    ) + '\n',
  );
  writeFileSync(reportFile, markdown(ordered));
  console.log(`\nwrote ${relative(root, resultsFile)} and ${relative(root, reportFile)}`);
  process.exit(failed ? 1 : 0);
}

if (require.main === module) main();
