/**
 * Offline evaluation of the recommenders on the Online Retail data (data/online-retail/):
 *   npm run eval:recs                         both splits, every method, the full grids;
 *                                             writes bench/results/recs-eval.{json,svg}
 *   HEARTH_EVAL_GRID=coarse npm run eval:recs a few grid points only (for development)
 *   npm run eval:recs -- --only als,hybrid --splits late
 *   npm run eval:recs -- --reuse              rebuild the report from the methods' last results
 *   npm run eval:recs -- --only als --keep-grid
 *                     rerun ALS, keeping the validation scores of grid points its last result already
 *                     has (same code and data) and training only the new ones; then --reuse
 * For each split pair (recs-protocol.ts) and method, a child process chooses the method's knobs on
 * the validation window, then trains with them on everything before the test window and is scored
 * there once. Each child has its own process, so its peak memory is its own.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gridOf, methods, runMethod, type Method } from './recs-methods';
import { renderRecsPlot } from './recs-plot';
import { pairedDifference, splitPairs, type PerUser, type Summary } from './recs-protocol';
import type { EvalReport, MethodResult } from './recs-results';

const repoRoot = join(__dirname, '..', '..', '..');
const gridName = process.env.HEARTH_EVAL_GRID === 'coarse' ? 'coarse' : 'full';
/** Each method's result per split, kept so a report can be rebuilt (--reuse) without retraining. */
const cacheDir = join(repoRoot, '.cache', `eval-recs-${gridName}`);

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

type SplitName = keyof typeof splitPairs;

async function child(method: Method, splitName: SplitName, file: string): Promise<void> {
  const prior =
    process.argv.includes('--keep-grid') && existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as MethodResult).grid
      : [];
  const result = await runMethod(method, splitPairs[splitName], gridOf(method, gridName), prior);
  writeFileSync(file, JSON.stringify(result));
}

function runChild(method: Method, splitName: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [...process.execArgv, __filename, '--child', method, '--split', splitName, '--result', file];
    if (process.argv.includes('--keep-grid')) args.push('--keep-grid');
    const proc = spawn(process.execPath, args, { stdio: 'inherit' });
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${method} exited with ${code}`))));
  });
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function table(results: MethodResult[]): string {
  const rows = results.map((r) => {
    const s: Summary = r.test;
    return [
      r.split,
      r.method,
      s.recall10.toFixed(4),
      s.recall20.toFixed(4),
      s.ndcg10.toFixed(4),
      pct(s.coverage10),
      s.novelty10.toFixed(2),
      r.trainSeconds.toFixed(1),
      r.peakRssMB.toFixed(0),
    ].join(' | ');
  });
  return [
    '| split | method | recall@10 | recall@20 | NDCG@10 | coverage@10 | novelty@10 (bits) | train s | peak RSS MB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

/** The paired comparisons the goals are stated in, per split. */
function comparisons(results: (MethodResult & { perUser: PerUser })[]) {
  const pairs: [string, string][] = [
    ['als', 'hybrid'],
    ['tfjs', 'hybrid'],
    ['als', 'tfjs'],
  ];
  const out: EvalReport['comparisons'] = [];
  for (const split of new Set(results.map((r) => r.split))) {
    for (const [a, b] of pairs) {
      const ra = results.find((r) => r.split === split && r.method === a);
      const rb = results.find((r) => r.split === split && r.method === b);
      if (!ra || !rb) continue;
      const d = pairedDifference(ra.perUser.recall10, rb.perUser.recall10);
      out.push({
        split,
        metric: 'recall10',
        a,
        b,
        bMinusA: d.mean,
        stdErr: d.stdErr,
        relative: d.mean / ra.test.recall10,
        relativeStdErr: d.stdErr / ra.test.recall10,
      });
    }
  }
  return out;
}

/** Runs (or with --reuse, reads back) each method on each split; a failed method is left out. */
async function runAll(splits: SplitName[], only: string[], reuse: boolean) {
  mkdirSync(cacheDir, { recursive: true });
  const results: (MethodResult & { perUser: PerUser })[] = [];
  for (const split of splits) {
    for (const method of methods.filter((m) => only.includes(m))) {
      const file = join(cacheDir, `${split}-${method}.json`);
      if (!reuse) {
        console.log(`--- ${split} / ${method} (${gridName} grid)`);
        try {
          await runChild(method, split, file);
        } catch (error) {
          // One method failing must not lose the others' hours: report it and go on.
          console.error(`${split} / ${method} failed: ${String(error)}`);
          continue;
        }
      }
      if (existsSync(file))
        results.push(JSON.parse(readFileSync(file, 'utf8')) as MethodResult & { perUser: PerUser });
    }
  }
  return results;
}

async function main(): Promise<void> {
  const splitArg = arg('split') as SplitName | undefined;
  const childMethod = arg('child') as Method | undefined;
  if (childMethod && splitArg) return child(childMethod, splitArg, arg('result')!);

  const only = arg('only')?.split(',') ?? [...methods];
  const splits = (arg('splits')?.split(',') ?? Object.keys(splitPairs)) as SplitName[];
  const unknown = only.filter((m) => !methods.includes(m as Method));
  if (unknown.length) throw new Error(`unknown methods ${unknown.join(', ')}; known: ${methods.join(', ')}`);
  const reuse = process.argv.includes('--reuse');
  const started = Date.now();
  const loadBefore = loadavg();
  const results = await runAll(splits, only, reuse);
  const report: EvalReport = {
    generatedBy: `${gridName === 'coarse' ? 'HEARTH_EVAL_GRID=coarse ' : ''}npm run eval:recs`,
    data: 'data/online-retail/transactions.csv.gz (UCI Online Retail, CC BY 4.0, doi:10.24432/C5BW33)',
    grid: gridName,
    splits: Object.fromEntries(splits.map((s) => [s, splitPairs[s]])),
    protocol:
      'per split pair: every knob chosen by recall@10 on the validation window (train before its start, ' +
      'score on it), which ends where the test window starts; then train on everything before the test ' +
      'window with the chosen knobs and score once. Test users = customers with training history who ' +
      'bought, in the window, products they had not bought before; lists exclude owned products; ' +
      'recall@K = hits/min(K, relevant), relevant including products no model saw; NDCG@K binary; ' +
      'coverage = share of trained products in any top 10; novelty = mean -log2(share of training ' +
      'customers who bought the item) over the top 10s',
    machine: {
      cpus: 'one core per method (single-threaded), on a 2-core machine shared with other work',
      node: process.version,
      // A report rebuilt with --reuse did not run the methods: their load was not measured here.
      loadAverageBefore: reuse ? null : loadBefore,
      loadAverageAfter: reuse ? null : loadavg(),
    },
    // With --reuse, the methods' own time (grid and test training, data loading aside).
    totalSeconds: reuse
      ? Math.round(results.reduce((t, r) => t + r.gridSeconds + r.trainSeconds, 0))
      : Math.round((Date.now() - started) / 100) / 10,
    results: results.map(({ perUser: _perUser, ...r }) => r),
    comparisons: comparisons(results),
  };
  const out = join(repoRoot, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const name = gridName === 'coarse' ? 'recs-eval-coarse' : 'recs-eval';
  writeFileSync(join(out, `${name}.json`), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(out, `${name}.svg`), renderRecsPlot(report));
  const lines = report.comparisons.map(
    (c) =>
      `${c.split}: ${c.b} - ${c.a} recall@10 ${c.bMinusA.toFixed(4)} ± ${c.stdErr.toFixed(4)} ` +
      `(${pct(c.relative)} ± ${pct(c.relativeStdErr)}, paired std. error)`,
  );
  console.log(`\n${table(report.results)}\n\n${lines.join('\n')}\n`);
  console.log(
    `wrote bench/results/${name}.json and .svg in ${report.totalSeconds} s; load ${loadavg().join(' ')}`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
