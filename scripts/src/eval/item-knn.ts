/**
 * Baseline: item-based kNN (Sarwar et al. 2001; Deshpande & Karypis 2004). Similarity is the cosine
 * of the items' binary buyer vectors (on the validation split this beat cosine over the weighted
 * vectors, 0.086 against 0.047 recall@10); each item keeps its `neighbours` most similar items, and
 * a user's score for an item is the sum of its similarities to their items, each weighted by the
 * user's (recency-weighted) interaction weight.
 */
import { byItem, type InteractionMatrix } from '../../../functions/src/recommendations/interactions';
import { topKExcluding } from '../../../functions/src/recommendations/top-k';

export interface ItemKnn {
  /** items x neighbours: neighbour ids (-1 = none) and similarities. */
  neighbours: number;
  ids: Int32Array;
  sims: Float32Array;
}

export function trainItemKnn(m: InteractionMatrix, neighbours: number): ItemKnn {
  const n = m.items.length;
  const buyers = new Float64Array(n);
  for (const i of m.cols) buyers[i]!++;
  const ids = new Int32Array(n * neighbours);
  const sims = new Float32Array(n * neighbours);
  // One dense row of co-occurrence at a time keeps memory at O(items), not O(items^2).
  const items = byItem(m);
  const row = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    row.fill(0);
    for (let q = items.ptr[i]!; q < items.ptr[i + 1]!; q++) {
      const u = items.users[q]!;
      for (let p = m.rowPtr[u]!; p < m.rowPtr[u + 1]!; p++) row[m.cols[p]!]!++;
    }
    for (let j = 0; j < n; j++) if (row[j]) row[j] = row[j]! / Math.sqrt(buyers[i]! * buyers[j]!);
    const best = topKExcluding(row, [i], neighbours);
    ids.fill(-1, i * neighbours, (i + 1) * neighbours);
    ids.set(best.items, i * neighbours);
    sims.set(best.scores, i * neighbours);
  }
  return { neighbours, ids, sims };
}

export function knnScores(knn: ItemKnn, m: InteractionMatrix, u: number, out: Float32Array): Float32Array {
  out.fill(0);
  for (let p = m.rowPtr[u]!; p < m.rowPtr[u + 1]!; p++) {
    const base = m.cols[p]! * knn.neighbours;
    const w = m.weights[p]!;
    for (let k = 0; k < knn.neighbours; k++) {
      const j = knn.ids[base + k]!;
      if (j >= 0) out[j]! += w * knn.sims[base + k]!;
    }
  }
  return out;
}
