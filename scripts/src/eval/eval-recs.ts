/**
 * Offline evaluation of the recommenders on the Online Retail data (data/online-retail/):
 *   npm run eval:recs                     the reported run (test split), writes bench/results/recs-eval.{json,svg}
 *   npm run eval:recs -- --split validation   the tuning run (train to Oct 2011, test on October)
 *   npm run eval:recs -- --only tfjs,als      a subset of methods
 * Each method trains in its own child process so its peak memory is its own.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownedItems, type WeightOptions } from '../../../functions/src/recommendations/interactions';
import {
  recommendTopK,
  trainRecommender,
  type TrainOptions,
} from '../../../functions/src/recommendations/model';
import { rankingMetrics, type RankingMetrics } from '../../../functions/src/recommendations/metrics';
import { topKExcluding, type Ranked } from '../../../functions/src/recommendations/top-k';
import { alsScores, trainAls, type AlsModel, type AlsOptions } from './implicit-als';
import { knnScores, trainItemKnn } from './item-knn';
import { renderPlot } from './plot';
import { popularityScores } from './popularity';
import { loadEvalData, splits, type EvalData } from './retail-split';

const repoRoot = join(__dirname, '..', '..', '..');

/** The tuned settings (chosen on the validation split; see bench/results/recs-eval-validation.json). */
export const config = {
  weights: { halfLifeDays: 30 } satisfies Partial<WeightOptions>,
  itemKnn: { neighbours: 10 },
  als: {
    factors: 64,
    iterations: 10,
    regularization: 1,
    alpha: 2,
    cgSteps: 3,
    seed: 42,
  } satisfies AlsOptions,
  /** The model the product trains: the same objective as the reference, on TF.js. */
  tfjs: {
    objective: 'weighted-als',
    dim: 64,
    epochs: 10,
    l2: 1,
    alpha: 2,
    cgSteps: 3,
    seed: 42,
  } satisfies Partial<TrainOptions>,
  /** The challenger it was chosen over. */
  'tfjs-softmax': {
    objective: 'softmax',
    dim: 64,
    epochs: 30,
    learningRate: 0.02,
    l2: 1e-4,
    dropout: 0.5,
    weightPower: 0.5,
    seed: 42,
  } satisfies Partial<TrainOptions>,
};

/** What was tried on the validation split (by hand, recall@10) before fixing `config`. */
const tuning = [
  'half-life 15/30/60/120/365/none days: 15-30 best for weighted ALS (0.096-0.098; 120: 0.088-0.091; none: 0.084-0.087)',
  'weighted ALS alpha 0.5-40, l2 0.1-10, 32/64/128 factors: alpha 1-2 and l2 0.1-1 best (0.097-0.098); 64 > 32',
  'item-kNN cosine over weighted vectors 0.03-0.05; binary cosine with weighted scoring 0.077-0.086, 10 neighbours best',
  'softmax: free user embeddings 0.071; history encoder 0.070-0.077 over lr 0.002-0.05, dropout 0.2/0.5, l2, 64/128/200 dims',
];

const methods = ['popularity', 'item-knn', 'als', 'tfjs', 'tfjs-softmax'] as const;
type Method = (typeof methods)[number];

export interface CurvePoint {
  epoch: number;
  loss?: number;
  recall10: number;
  ndcg10: number;
  ms: number;
}

export interface MethodResult {
  method: Method;
  params: object;
  metrics: RankingMetrics;
  trainSeconds: number;
  /** Peak RSS of the method's process, and the part of it above what loading the data took. */
  peakRssMB: number;
  peakRssAboveDataMB: number;
  backend?: string;
  curve: CurvePoint[];
}

const mb = (kb: number) => Math.round(kb / 102.4) / 10;

const evaluate = (data: EvalData, lists: Ranked[]) =>
  rankingMetrics(data.test, lists, data.train.items.length);

function rankAll(data: EvalData, score: (u: number, out: Float32Array) => Float32Array): Ranked[] {
  const out = new Float32Array(data.train.items.length);
  return Array.from(data.test.users, (u) => topKExcluding(score(u, out), ownedItems(data.train, u), 20));
}

interface Trained {
  params: object;
  trainSeconds: number;
  curve: CurvePoint[];
  backend?: string;
  lists: Ranked[];
}

async function runMethod(method: Method, data: EvalData): Promise<Trained> {
  const m = data.train;
  const started = Date.now();
  if (method === 'popularity') {
    const scores = popularityScores(m);
    const trainSeconds = (Date.now() - started) / 1000;
    return { params: {}, trainSeconds, curve: [], lists: rankAll(data, () => scores) };
  }
  if (method === 'item-knn') {
    const knn = trainItemKnn(m, config.itemKnn.neighbours);
    const trainSeconds = (Date.now() - started) / 1000;
    const lists = rankAll(data, (u, out) => knnScores(knn, m, u, out));
    return { params: config.itemKnn, trainSeconds, curve: [], lists };
  }
  if (method === 'als') {
    const curve: CurvePoint[] = [];
    const rank = (model: AlsModel) => rankAll(data, (u, out) => alsScores(model, u, m.items.length, out));
    const model = trainAls(m, config.als, (epoch, model, ms) => {
      const metrics = evaluate(data, rank(model));
      curve.push({ epoch, recall10: metrics.recall10, ndcg10: metrics.ndcg10, ms });
      console.log(
        `als iteration ${epoch}/${config.als.iterations}: ${ms} ms, recall@10 ${metrics.recall10.toFixed(4)}`,
      );
    });
    const trainSeconds = curve.reduce((s, p) => s + p.ms, 0) / 1000;
    return { params: config.als, trainSeconds, curve, lists: rank(model) };
  }
  const curve: CurvePoint[] = [];
  const params = config[method];
  const model = await trainRecommender(m, params, {
    onEpoch: async (report, snapshot) => {
      const metrics = evaluate(data, await recommendTopK(snapshot(), m, 20, data.test.users));
      curve.push({
        epoch: report.epoch,
        loss: report.loss,
        recall10: metrics.recall10,
        ndcg10: metrics.ndcg10,
        ms: report.ms,
      });
      console.log(
        `${method} epoch ${report.epoch}/${report.epochs}: loss ${report.loss.toFixed(4)}, ${report.ms} ms, ` +
          `recall@10 ${metrics.recall10.toFixed(4)}`,
      );
    },
  });
  const lists = await recommendTopK(model, m, 20, data.test.users);
  const trainSeconds = curve.reduce((s, p) => s + p.ms, 0) / 1000;
  return { params, trainSeconds, curve, backend: model.backend, lists };
}

/** Each test user's recall@10, for paired comparisons between methods. */
function perUserRecall10(data: EvalData, lists: Ranked[]): number[] {
  return lists.map(
    (list, n) =>
      rankingMetrics(
        {
          users: data.test.users.subarray(n, n + 1),
          relevant: [data.test.relevant[n]!],
          relevantCounts: data.test.relevantCounts.subarray(n, n + 1),
        },
        [list],
        data.train.items.length,
      ).recall10,
  );
}

async function child(method: Method, splitName: keyof typeof splits, resultFile: string): Promise<void> {
  const data = await loadEvalData(splits[splitName], config.weights);
  const dataRss = process.resourceUsage().maxRSS;
  const { lists, ...trained } = await runMethod(method, data);
  const peak = process.resourceUsage().maxRSS;
  const result: MethodResult & { perUserRecall10: number[] } = {
    method,
    ...trained,
    metrics: evaluate(data, lists),
    peakRssMB: mb(peak),
    peakRssAboveDataMB: mb(peak - dataRss),
    perUserRecall10: perUserRecall10(data, lists),
  };
  writeFileSync(resultFile, JSON.stringify(result));
}

/** Mean of b - a over the same users, with its standard error. */
function pairedDifference(a: number[], b: number[]): { mean: number; stdErr: number } {
  const d = b.map((x, i) => x - a[i]!);
  const mean = d.reduce((s, x) => s + x, 0) / d.length;
  const variance = d.reduce((s, x) => s + (x - mean) ** 2, 0) / (d.length - 1);
  return { mean, stdErr: Math.sqrt(variance / d.length) };
}

function runChild(method: Method, splitName: string, resultFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [
      ...process.execArgv,
      __filename,
      '--child',
      method,
      '--split',
      splitName,
      '--result',
      resultFile,
    ];
    const proc = spawn(process.execPath, args, { stdio: 'inherit' });
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${method} exited with ${code}`))));
  });
}

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

function table(results: MethodResult[]): string {
  const rows = results.map((r) =>
    [
      r.method,
      r.metrics.recall10.toFixed(4),
      r.metrics.recall20.toFixed(4),
      r.metrics.ndcg10.toFixed(4),
      (r.metrics.coverage10 * 100).toFixed(1) + '%',
      r.trainSeconds.toFixed(1),
      r.peakRssMB.toFixed(0),
      r.peakRssAboveDataMB.toFixed(0),
    ].join(' | '),
  );
  return [
    '| method | recall@10 | recall@20 | NDCG@10 | coverage@10 | train s | peak RSS MB | above data MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const splitName = (arg('split') ?? 'test') as keyof typeof splits;
  if (!(splitName in splits)) throw new Error(`--split must be one of ${Object.keys(splits).join(', ')}`);
  const childMethod = arg('child') as Method | undefined;
  if (childMethod) return child(childMethod, splitName, arg('result')!);

  const only = arg('only')?.split(',') ?? [...methods];
  const unknown = only.filter((m) => !methods.includes(m as Method));
  if (unknown.length) throw new Error(`unknown methods ${unknown.join(', ')}; known: ${methods.join(', ')}`);
  const started = Date.now();
  const data = await loadEvalData(splits[splitName], config.weights);
  const dir = join(tmpdir(), `hearth-eval-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const results: MethodResult[] = [];
  const perUserRecall = new Map<Method, number[]>();
  try {
    for (const method of methods.filter((m) => only.includes(m))) {
      console.log(`--- ${method}`);
      const file = join(dir, `${method}.json`);
      await runChild(method, splitName, file);
      const { perUserRecall10: perUser, ...result } = JSON.parse(
        readFileSync(file, 'utf8'),
      ) as MethodResult & {
        perUserRecall10: number[];
      };
      results.push(result);
      perUserRecall.set(method, perUser);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const report = {
    generatedBy: 'npm run eval:recs' + (splitName === 'test' ? '' : ` -- --split ${splitName}`),
    data: 'data/online-retail/transactions.csv.gz (UCI Online Retail, CC BY 4.0, doi:10.24432/C5BW33)',
    split: data.split,
    protocol:
      'train on interactions before trainEnd; test users = customers with training history who bought, in ' +
      '[trainEnd, testEnd), items they had not bought before; lists exclude owned items; ' +
      'recall@K = hits/min(K, relevant); NDCG@K binary; coverage = share of trained items in any top-10',
    sizes: {
      trainUsers: data.train.users.length,
      trainItems: data.train.items.length,
      trainPairs: data.train.cols.length,
      trainEvents: data.trainEvents,
      testUsers: data.test.users.length,
    },
    weights: config.weights,
    tuning,
    machine: { cpus: 'one core per method (single-threaded)', node: process.version },
    totalSeconds: Math.round((Date.now() - started) / 100) / 10,
    results,
    /** TF.js minus the ALS reference, per test user (positive: TF.js better). */
    recall10TfjsMinusAls:
      perUserRecall.has('tfjs') && perUserRecall.has('als')
        ? pairedDifference(perUserRecall.get('als')!, perUserRecall.get('tfjs')!)
        : null,
  };
  const out = join(repoRoot, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const name = splitName === 'test' ? 'recs-eval' : `recs-eval-${splitName}`;
  writeFileSync(join(out, `${name}.json`), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(out, `${name}.svg`), renderPlot(results, `${data.split.name} split`));
  const diff = report.recall10TfjsMinusAls;
  const paired = diff
    ? `\ntfjs - als recall@10: ${diff.mean.toFixed(4)} ± ${diff.stdErr.toFixed(4)} (paired std. error)`
    : '';
  console.log(
    `\n${table(results)}\n${paired}\nwrote bench/results/${name}.json and .svg in ${report.totalSeconds} s`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
