/**
 * Runs every `*.test.ts` of the workspaces with Node's own test runner (one process per file, so
 * each file gets a fresh in-process emulator unless FIRESTORE_EMULATOR_HOST names one already).
 * Extra arguments filter files by substring: `npm run test:only -- rules`.
 *
 * Every file runs under a deadline (`--test-timeout`, which Node 20's runner applies to each file's
 * process as a whole): a lost event or a hung child then fails that file, named, instead of hanging
 * CI until its own limit. Five minutes is above the slowest files (the first hour on its real stack
 * gives itself four); TEST_FILE_TIMEOUT_MS overrides it for a slower machine.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeRulesCoverageReport } from './rules-coverage';

const root = join(__dirname, '..', '..', '..');
const roots = [
  'contracts/test',
  'emulator/test',
  'functions/test',
  'client/test',
  'scripts/test',
  'web/test',
  'test',
];

function collect(dir: string, out: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry);
    if (entry === 'node_modules') continue;
    if (statSync(path).isDirectory()) collect(path, out);
    else if (entry.endsWith('.test.ts')) out.push(path);
  }
}

const files: string[] = [];
for (const r of roots) collect(join(root, r), files);
const filters = process.argv.slice(2);
const selected = files
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((needle) => f.includes(needle)))
  .sort();
if (selected.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const FILE_TIMEOUT_MS = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 300_000);
// Every emulator the tests start (in their processes or as children) records rules coverage here.
const coverageDir = join(root, '.cache', 'rules-coverage');
const rawCoverage = join(coverageDir, 'raw');
rmSync(rawCoverage, { recursive: true, force: true });
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=1',
    `--test-timeout=${FILE_TIMEOUT_MS}`,
    ...selected,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, HEARTH_RULES_COVERAGE_DIR: rawCoverage } },
);
const summary = writeRulesCoverageReport(
  rawCoverage,
  coverageDir,
  readFileSync(join(root, 'firestore.rules'), 'utf8'),
);
if (summary) console.log(`\n${summary}: ${relative(root, join(coverageDir, 'report.txt'))}`);
process.exit(result.status ?? 1);
