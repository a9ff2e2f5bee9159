/**
 * The Wilson score interval of a proportion (Wilson 1927): unlike the normal approximation it stays
 * inside [0, 1] and keeps a sensible width at 0 or n successes and for small n, which an arm's
 * conversion is in the first days of an experiment.
 */
import type { Proportion } from '@hearth/contracts';

/** z for a two-sided 95% interval. */
const Z95 = 1.959964;

export function wilson(successes: number, trials: number, z = Z95): Proportion {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials)
    throw new RangeError(`wilson: need whole 0 <= successes <= trials, got ${successes} of ${trials}`);
  if (trials === 0) return { successes, trials, rate: null, low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return {
    successes,
    trials,
    rate: p,
    // Exactly 0 and 1 at the ends, where rounding would leave 1e-16 off.
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === trials ? 1 : Math.min(1, centre + half),
  };
}
