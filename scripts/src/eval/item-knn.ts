/**
 * Baseline: item-based kNN with cosine similarity over the weighted user-item matrix (Sarwar et al.
 * 2001). Each item keeps its `neighbours` most similar items; a user's score for an item is the sum
 * of its similarities to the items in the user's history.
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
  const norms = new Float64Array(n);
  for (let p = 0; p < m.cols.length; p++) norms[m.cols[p]!]! += m.weights[p]! ** 2;
  const ids = new Int32Array(n * neighbours);
  const sims = new Float32Array(n * neighbours);
  // One dense row of co-occurrence at a time keeps memory at O(items), not O(items^2).
  const items = byItem(m);
  const row = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    row.fill(0);
    for (let q = items.ptr[i]!; q < items.ptr[i + 1]!; q++) {
      const u = items.users[q]!;
      const wi = items.weights[q]!;
      for (let p = m.rowPtr[u]!; p < m.rowPtr[u + 1]!; p++) row[m.cols[p]!]! += wi * m.weights[p]!;
    }
    for (let j = 0; j < n; j++) if (row[j]) row[j] = row[j]! / Math.sqrt(norms[i]! * norms[j]!);
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
    for (let k = 0; k < knn.neighbours; k++) {
      const j = knn.ids[base + k]!;
      if (j >= 0) out[j]! += knn.sims[base + k]!;
    }
  }
  return out;
}
