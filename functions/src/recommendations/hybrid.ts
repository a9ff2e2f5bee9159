/**
 * The hybrid recommender: today's weighted-ALS factorisation on the interaction matrix with the
 * items' side information folded in as feature rows (feature-rows.ts), plus a short-half-life
 * popularity term as the item bias, so what is selling this week lifts every list a little (the
 * retail data is seasonal: what sells in November is not what sold in June). Both knobs were
 * chosen on a validation window before the test window (npm run eval:recs).
 */
import { withFeatureRows, type FeatureRowOptions } from './feature-rows';
import type { InteractionMatrix } from './interactions';
import { trainRecommender, type TrainHooks, type TrainedModel, type TrainOptions } from './model';

export interface HybridOptions {
  features: Partial<FeatureRowOptions>;
  /** Scale of the trend bias: the most-bought item this week gets this much added to its score. */
  trendWeight: number;
  /** Half-life of the trend's weights, in days (the matrix it is read from is built with it). */
  trendHalfLifeDays: number;
}

export const defaultHybridOptions: HybridOptions = {
  features: { weight: 3 },
  trendWeight: 0.4,
  trendHalfLifeDays: 7,
};

/**
 * Per item of `items`, log(1 + recent weight) scaled so the largest is `weight`; `recent` is a
 * matrix of the same events with a short half-life.
 */
export function trendBias(items: readonly string[], recent: InteractionMatrix, weight: number): Float32Array {
  const index = new Map(items.map((id, i) => [id, i]));
  const sums = new Float64Array(items.length);
  for (let p = 0; p < recent.cols.length; p++) {
    const i = index.get(recent.items[recent.cols[p]!]!);
    if (i !== undefined) sums[i]! += Math.max(0, recent.weights[p]!);
  }
  let max = 0;
  for (const s of sums) max = Math.max(max, Math.log1p(s));
  return Float32Array.from(sums, (s) => (max > 0 ? (weight * Math.log1p(s)) / max : 0));
}

export interface HybridModel {
  /** users are the customers followed by the feature rows; only the first `realUsers` are people. */
  model: TrainedModel;
  matrix: InteractionMatrix;
  realUsers: number;
  coldItems: number;
}

export async function trainHybrid(
  m: InteractionMatrix,
  recent: InteractionMatrix,
  tokensOf: ReadonlyMap<string, readonly string[]>,
  options: Partial<HybridOptions> = {},
  train: Partial<TrainOptions> = {},
  hooks: TrainHooks = {},
): Promise<HybridModel> {
  const o = { ...defaultHybridOptions, ...options };
  const { matrix, realUsers, coldItems } = withFeatureRows(m, tokensOf, o.features);
  const model = await trainRecommender(matrix, train, hooks);
  model.itemBias = trendBias(matrix.items, recent, o.trendWeight);
  return { model, matrix, realUsers, coldItems };
}
