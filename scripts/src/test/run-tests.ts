/**
 * Runs every `*.test.ts` of the workspaces with Node's own test runner (one process per file, so
 * each file gets a fresh in-process emulator unless FIRESTORE_EMULATOR_HOST names one already).
 * Extra arguments filter files by substring: `npm run test:only -- rules`.
 *
 * Two lanes run side by side, one file at a time each, so both cores are used. The stack lane holds
 * the files that build functions/lib or the web bundle, or bring up a stack (its fixed ports, a
 * functions host): they would race each other on the same build output and ports, so they never
 * overlap. Everything else (each file on its own in-process emulator and free ports) is the unit
 * lane. The unit lane prints live; the stack lane's report is written to .cache/tests/stack.log
 * (`tail -f` it to follow) and printed whole when both are done. TEST_LANES=1 runs all in one lane.
 *
 * Every file runs under a deadline (`--test-timeout`, which Node 20's runner applies to each file's
 * process as a whole): a lost event or a hung child then fails that file, named, instead of hanging
 * CI until its own limit. Five minutes is above the slowest files (the first hour on its real stack
 * gives itself four); TEST_FILE_TIMEOUT_MS overrides it for a slower machine.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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
/** What makes a file a stack-lane file: the helpers that build or start the shared pieces. */
const STACK_MARKERS = [
  'buildFunctions',
  'startTestStack',
  'FoldInScenario',
  'FreePortStack',
  "'run', 'build'",
  'scripts/src/dev/start.ts',
];
const isStackFile = (file: string) => {
  const source = readFileSync(join(root, file), 'utf8');
  return STACK_MARKERS.some((marker) => source.includes(marker));
};
const UNIT_CONCURRENCY = Number(process.env.TEST_UNIT_CONCURRENCY ?? 2);
const FILE_TIMEOUT_MS = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 300_000);
// Every emulator the tests start (in their processes or as children) records rules coverage here.
const coverageDir = join(root, '.cache', 'rules-coverage');
const rawCoverage = join(coverageDir, 'raw');
rmSync(rawCoverage, { recursive: true, force: true });
const env = { ...process.env, HEARTH_RULES_COVERAGE_DIR: rawCoverage };
const nodeTest = (lane: string[], concurrency: number) => [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  `--test-concurrency=${concurrency}`,
  `--test-timeout=${FILE_TIMEOUT_MS}`,
  ...lane,
];

/** One lane's run: its exit status, and where its report went when it did not print live. */
function runLane(lane: string[], concurrency: number, logFile?: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, nodeTest(lane, concurrency), {
      cwd: root,
      env,
      stdio: logFile ? ['ignore', openSync(logFile, 'w'), openSync(logFile, 'a')] : 'inherit',
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const stack = process.env.TEST_LANES === '1' ? [] : selected.filter(isStackFile);
  const unit = selected.filter((f) => !stack.includes(f));
  if (stack.length === 0 || unit.length === 0) return runLane(selected, 1);
  const logDir = join(root, '.cache', 'tests');
  mkdirSync(logDir, { recursive: true });
  const stackLog = join(logDir, 'stack.log');
  console.log(
    `${unit.length} files in the unit lane (below, live) and ${stack.length} in the stack lane ` +
      `(${relative(root, stackLog)}, printed when done)\n`,
  );
  const started = Date.now();
  const [unitStatus, stackStatus] = await Promise.all([
    runLane(unit, UNIT_CONCURRENCY),
    runLane(stack, 1, stackLog),
  ]);
  console.log(`\n--- stack lane (${stack.length} files) ---\n`);
  process.stdout.write(readFileSync(stackLog, 'utf8'));
  console.log(
    `\nunit lane ${unitStatus === 0 ? 'passed' : 'FAILED'}, stack lane ${stackStatus === 0 ? 'passed' : 'FAILED'}, ` +
      `${Math.round((Date.now() - started) / 1000)} s in all`,
  );
  return unitStatus || stackStatus;
}

void main().then((status) => {
  const summary = writeRulesCoverageReport(
    rawCoverage,
    coverageDir,
    readFileSync(join(root, 'firestore.rules'), 'utf8'),
  );
  if (summary) console.log(`\n${summary}: ${relative(root, join(coverageDir, 'report.txt'))}`);
  process.exit(status);
});
