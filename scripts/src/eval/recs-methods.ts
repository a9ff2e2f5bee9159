/**
 * The methods of the evaluation and their grids: each is trained and scored through
 * recs-protocol.ts, its knobs chosen on the validation window only.
 *  - popularity, item-knn: the simple baselines, on the recency-weighted matrix.
 *  - als: the baseline the goal is stated against: implicit ALS (Hu et al. 2008) as the `implicit`
 *    library fits it, on quantities without recency weighting, tuned over a wide grid of
 *    regularisation (0.01, 1, 100) x alpha (0.5, 5, 40), extended past its best corner (0.01, 0.5)
 *    with regularisation 0.001 and alpha 0.1 and 0.25, and inside its gaps with alpha 1 and 2 and
 *    regularisation 10, then alpha 0.1 and 0.25 at regularisation 1 and 10: 29 points, 64
 *    factors throughout.
 *  - tfjs: today's shipped model (weighted ALS in TF.js with the 30-day recency weighting), as shipped.
 *  - hybrid: the same factorisation with item side information folded in and a one-week trend bias
 *    (functions/src/recommendations/hybrid.ts), feature weight and trend weight tuned.
 */
import { loadavg } from 'node:os';
import { trainHybrid } from '../../../functions/src/recommendations/hybrid';
import {
  ownedItems,
  type InteractionMatrix,
  type WeightOptions,
} from '../../../functions/src/recommendations/interactions';
import {
  recommendTopK,
  trainRecommender,
  type TrainedModel,
} from '../../../functions/src/recommendations/model';
import { topKExcluding, type Ranked } from '../../../functions/src/recommendations/top-k';
import { alsScores, trainAls } from './implicit-als';
import { knnScores, trainItemKnn } from './item-knn';
import { popularityScores } from './popularity';
import { listsById, loadSplit, score, stdErr, type SplitData, type SplitPair } from './recs-protocol';
import type { GridPoint, MethodResult } from './recs-results';
import { retailItemTokens } from './retail-features';

/** In the order they run: the newest first, so a failure shows early. */
export const methods = ['hybrid', 'tfjs', 'als', 'item-knn', 'popularity'] as const;
export type Method = (typeof methods)[number];
type Params = Record<string, number>;

/** Today's shipped settings (functions/src/recommendations/model.ts defaults, 30-day half-life). */
const shipped = {
  objective: 'weighted-als',
  dim: 64,
  epochs: 10,
  l2: 1,
  alpha: 2,
  cgSteps: 3,
  seed: 42,
} as const;
const alsFixed = { factors: 64, iterations: 10, cgSteps: 3, seed: 42 };

const product = (axes: Record<string, number[]>): Params[] =>
  Object.entries(axes).reduce<Params[]>(
    (acc, [key, values]) => acc.flatMap((p) => values.map((v) => ({ ...p, [key]: v }))),
    [{}],
  );

export function gridOf(method: Method, grid: 'full' | 'coarse'): Params[] {
  const full = grid === 'full';
  switch (method) {
    case 'als':
      return full
        ? [
            // Both ranges end to end in two-decade and ~10x steps: what a shared 2-core machine allows.
            ...product({ regularization: [0.01, 1, 100], alpha: [0.5, 5, 40] }),
            // Past the corner where the first grid's best point fell on both splits (0.01, 0.5).
            ...product({ regularization: [0.001, 0.01], alpha: [0.1, 0.25, 0.5] }).filter(
              (p) => !(p.regularization === 0.01 && p.alpha === 0.5),
            ),
            // Inside the first grid's 10x and 100x gaps: alpha 1 and 2 at every regularisation, and
            // regularisation 10 across alpha.
            ...product({ regularization: [0.01, 1, 10, 100], alpha: [1, 2] }),
            ...product({ regularization: [10], alpha: [0.5, 5, 40] }),
            // The early split's best point of the above (10, 0.5) was at its row's low-alpha edge.
            ...product({ regularization: [1, 10], alpha: [0.1, 0.25] }),
          ]
        : product({ regularization: [0.1, 10], alpha: [2, 10] });
    case 'hybrid':
      return product(
        full
          ? { featureWeight: [0, 1, 3, 10], trendWeight: [0, 0.2, 0.4, 0.8, 1.6] }
          : { featureWeight: [3], trendWeight: [0, 0.4] },
      );
    case 'item-knn':
      return product({ neighbours: [10] });
    default:
      return [{}];
  }
}

const recent30 = { halfLifeDays: 30 };
const weightingsOf = (method: Method): Record<string, Partial<WeightOptions>> =>
  method === 'als'
    ? { recent30, flat: { halfLifeDays: Infinity } }
    : method === 'hybrid'
      ? { recent30, trend: { halfLifeDays: 7 } }
      : { recent30 };

const rankWith = (m: InteractionMatrix, scores: (u: number, out: Float32Array) => Float32Array) => {
  const out = new Float32Array(m.items.length);
  return (u: number): Ranked => topKExcluding(scores(u, out), ownedItems(m, u), 20);
};

async function tfjsLists(data: SplitData, model: TrainedModel, m: InteractionMatrix): Promise<string[][]> {
  const index = new Map(m.users.map((id, u) => [id, u]));
  const known = data.test.map((t) => index.get(t.customer)).filter((u): u is number => u !== undefined);
  const ranked = await recommendTopK(model, m, 20, known);
  const byUser = new Map(known.map((u, n) => [u, ranked[n]!]));
  return listsById(data, m, (u) => byUser.get(u)!);
}

/** Lists for each grid point that shares one training (the hybrid's trend is applied after it). */
async function listsFor(method: Method, data: SplitData, group: Params[]): Promise<string[][][]> {
  const m = data.matrices.recent30!;
  const p = group[0]!;
  if (method === 'popularity') {
    const s = popularityScores(m);
    return [
      listsById(
        data,
        m,
        rankWith(m, () => s),
      ),
    ];
  }
  if (method === 'item-knn') {
    const knn = trainItemKnn(m, p.neighbours!);
    return [
      listsById(
        data,
        m,
        rankWith(m, (u, out) => knnScores(knn, m, u, out)),
      ),
    ];
  }
  if (method === 'als') {
    const flat = data.matrices.flat!;
    const model = trainAls(flat, { ...alsFixed, regularization: p.regularization!, alpha: p.alpha! });
    return [
      listsById(
        data,
        flat,
        rankWith(flat, (u, out) => alsScores(model, u, flat.items.length, out)),
      ),
    ];
  }
  if (method === 'tfjs') return [await tfjsLists(data, await trainRecommender(m, shipped), m)];
  const tokens = retailItemTokens(data.split.trainEnd);
  const lists: string[][][] = [];
  const hybrid = await trainHybrid(
    m,
    data.matrices.trend!,
    p.featureWeight! > 0 ? tokens : new Map(),
    {
      features: { weight: p.featureWeight! },
      trendWeight: 1,
    },
    shipped,
  );
  const unit = hybrid.model.itemBias;
  for (const q of group) {
    hybrid.model.itemBias = unit.map((b) => b * q.trendWeight!);
    lists.push(await tfjsLists(data, hybrid.model, hybrid.matrix));
  }
  return lists;
}

/** Grid points that need one training each (for the hybrid: one per feature weight). */
function groups(method: Method, grid: Params[]): Params[][] {
  if (method !== 'hybrid') return grid.map((p) => [p]);
  const by = new Map<number, Params[]>();
  for (const p of grid) by.set(p.featureWeight!, [...(by.get(p.featureWeight!) ?? []), p]);
  return [...by.values()];
}

const sameParams = (a: Params, b: Params) =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => a[k] === b[k]);

/** The earlier run's points for every member of a training group, or undefined if any is missing. */
function reusable(prior: GridPoint[], group: Params[]): GridPoint[] | undefined {
  const known = group.map((params) => prior.find((q) => sameParams(q.params, params)));
  if (!known.every((q) => q !== undefined)) return undefined;
  return known.map((q) => ({ params: q.params, validation: q.validation, reused: true }));
}

/**
 * `prior`: validation scores of grid points from an earlier run of the same method and split (same
 * code and data, seeded training), kept as they are and marked `reused` instead of retrained.
 */
export async function runMethod(
  method: Method,
  pair: SplitPair,
  grid: Params[],
  prior: GridPoint[] = [],
): Promise<MethodResult & { perUser: ReturnType<typeof score>['perUser'] }> {
  const gridStarted = Date.now();
  const loadAverageStart = loadavg();
  const validation = await loadSplit(pair.validation, weightingsOf(method));
  const points: GridPoint[] = [];
  for (const group of groups(method, grid)) {
    const known = reusable(prior, group);
    if (known) {
      points.push(...known);
      for (const q of known)
        console.log(
          `${pair.name} ${method} ${JSON.stringify(q.params)}: validation recall@10 ` +
            `${q.validation.recall10.toFixed(4)} (earlier run)`,
        );
      continue;
    }
    const lists = await listsFor(method, validation, group);
    group.forEach((params, n) => {
      const { summary } = score(validation, lists[n]!);
      points.push({ params, validation: summary });
      console.log(
        `${pair.name} ${method} ${JSON.stringify(params)}: validation recall@10 ${summary.recall10.toFixed(4)}`,
      );
    });
  }
  const best = points.reduce((a, b) => (b.validation.recall10 > a.validation.recall10 ? b : a));
  const gridSeconds = (Date.now() - gridStarted) / 1000;
  const test = await loadSplit(pair.test, weightingsOf(method));
  const started = Date.now();
  const [lists] = await listsFor(method, test, [best.params]);
  const trainSeconds = (Date.now() - started) / 1000;
  const { summary, perUser } = score(test, lists!);
  console.log(
    `${pair.name} ${method} ${JSON.stringify(best.params)}: test recall@10 ${summary.recall10.toFixed(4)}`,
  );
  const m = test.matrices.recent30!;
  return {
    split: pair.name,
    method,
    params: method === 'tfjs' ? shipped : best.params,
    grid: points,
    validation: best.validation,
    test: summary,
    testRecall10StdErr: stdErr(perUser.recall10),
    testUsers: test.test.length,
    trainUsers: m.users.length,
    trainItems: m.items.length,
    trainEvents: test.trainEvents,
    trainSeconds,
    gridSeconds,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
    loadAverage: { start: loadAverageStart, end: loadavg() },
    perUser,
  };
}
