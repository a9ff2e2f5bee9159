/**
 * How wrong the method has been one week ahead on this SKU's own history: the safety stock is
 * sized from it. Each week after a short warm-up is forecast from the weeks before it, as the
 * method would have forecast it then.
 */
import type { Method } from './methods';

const warmUpWeeks = 4;

export function oneWeekErrorSd(method: Method, history: readonly number[]): number {
  let sumSq = 0;
  let n = 0;
  for (let t = warmUpWeeks; t < history.length; t++) {
    const e = history[t]! - method(history.slice(0, t), 1)[0]!;
    sumSq += e * e;
    n++;
  }
  // Too short a history to measure: the demand's own spread is the honest stand-in.
  if (n === 0) return spread(history);
  return Math.sqrt(sumSq / n);
}

function spread(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
}
