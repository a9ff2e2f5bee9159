/** Top-K selection over one user's item scores, leaving out what the user already owns. */

export interface Ranked {
  items: Int32Array;
  scores: Float32Array;
}

/**
 * The k best items of `scores` (ties: lower item index first), skipping `exclude`. Keeps a small
 * sorted buffer instead of sorting all items: k is tiny next to the catalog.
 */
export function topKExcluding(scores: Float32Array, exclude: ArrayLike<number>, k: number): Ranked {
  const excluded = new Uint8Array(scores.length);
  for (let j = 0; j < exclude.length; j++) excluded[exclude[j]!] = 1;
  const items = new Int32Array(k).fill(-1);
  const best = new Float32Array(k).fill(-Infinity);
  let filled = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (excluded[i] || Number.isNaN(s) || (filled === k && s <= best[k - 1]!)) continue;
    let pos = Math.min(filled, k - 1);
    while (pos > 0 && best[pos - 1]! < s) {
      best[pos] = best[pos - 1]!;
      items[pos] = items[pos - 1]!;
      pos--;
    }
    best[pos] = s;
    items[pos] = i;
    if (filled < k) filled++;
  }
  return { items: items.subarray(0, filled), scores: best.subarray(0, filled) };
}
