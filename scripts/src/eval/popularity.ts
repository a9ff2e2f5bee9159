/** Baseline: everyone gets the items with the most (recency-weighted) interaction weight. */
import type { InteractionMatrix } from '../../../functions/src/recommendations/interactions';

export function popularityScores(m: InteractionMatrix): Float32Array {
  const scores = new Float32Array(m.items.length);
  for (let p = 0; p < m.cols.length; p++) scores[m.cols[p]!]! += m.weights[p]!;
  return scores;
}
