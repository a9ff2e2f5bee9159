/**
 * Ranking quality of top-K lists against what users later bought. recall@K = hits in the top K /
 * min(K, relevant items), so a perfect list scores 1 even for customers who bought more than K new
 * items (the convention of Liang et al. 2018); NDCG@K uses binary relevance with the same ideal.
 * Coverage = share of the catalog that appears in at least one top 10.
 */
import type { Ranked } from './top-k';

export interface RankingMetrics {
  recall10: number;
  recall20: number;
  ndcg10: number;
  coverage10: number;
}

export interface HeldOut {
  /** Indices of the evaluated users in the training matrix. */
  users: Int32Array;
  /** Per evaluated user, the relevant item indices known to the model. */
  relevant: Int32Array[];
  /** Per evaluated user, how many items were relevant, including ones the model cannot know. */
  relevantCounts: Int32Array;
}

export function rankingMetrics(heldOut: HeldOut, lists: Ranked[], nItems: number): RankingMetrics {
  let recall10 = 0;
  let recall20 = 0;
  let ndcg10 = 0;
  const shown = new Uint8Array(nItems);
  lists.forEach((list, n) => {
    const relevant = new Set(heldOut.relevant[n]);
    const total = heldOut.relevantCounts[n]!;
    let hits10 = 0;
    let hits20 = 0;
    let dcg = 0;
    list.items.subarray(0, 20).forEach((item, rank) => {
      if (rank < 10) shown[item] = 1;
      if (!relevant.has(item)) return;
      hits20++;
      if (rank < 10) {
        hits10++;
        dcg += 1 / Math.log2(rank + 2);
      }
    });
    let ideal = 0;
    for (let r = 0; r < Math.min(10, total); r++) ideal += 1 / Math.log2(r + 2);
    recall10 += hits10 / Math.min(10, total);
    recall20 += hits20 / Math.min(20, total);
    ndcg10 += dcg / ideal;
  });
  const n = Math.max(1, lists.length);
  return {
    recall10: recall10 / n,
    recall20: recall20 / n,
    ndcg10: ndcg10 / n,
    coverage10: shown.reduce((a, b) => a + b, 0) / Math.max(1, nItems),
  };
}
