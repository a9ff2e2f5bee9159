/**
 * Forecasting methods for weekly demand of one SKU: each takes the history (oldest first, zeros
 * included) and returns the next `horizon` weeks. Plain arithmetic, no fitting library: the
 * backtest (scripts/src/eval/eval-forecast.ts) compares them and the scheduled job uses `chosen`.
 */
export type Method = (history: readonly number[], horizon: number) => number[];

const flat = (value: number, horizon: number) => new Array<number>(horizon).fill(Math.max(0, value));

/** The mean of the last `window` weeks. */
export const movingAverage =
  (window: number): Method =>
  (history, horizon) => {
    const last = history.slice(-window);
    return flat(last.length ? last.reduce((a, b) => a + b, 0) / last.length : 0, horizon);
  };

/**
 * The same week a season (52 weeks) earlier. A year of data holds one cycle, so for most forecast
 * weeks there is no year-ago week: then it falls back to the last week (the naive forecast), and
 * `seasonalCoverage` tells how many forecasts really had a year-ago value.
 */
export const seasonalNaive =
  (period = 52): Method =>
  (history, horizon) =>
    Array.from({ length: horizon }, (_, h) => {
      const back = history.length + h - period;
      return back >= 0 ? history[back]! : (history.at(-1) ?? 0);
    });

export function seasonalCoverage(historyLength: number, horizon: number, period = 52): number {
  return Array.from({ length: horizon }, (_, h) => historyLength + h - period).filter((b) => b >= 0).length;
}

/** Simple exponential smoothing, started at the mean of the first weeks so one early spike does not set the level. */
export const ses =
  (alpha: number): Method =>
  (history, horizon) => {
    if (history.length === 0) return flat(0, horizon);
    const first = history.slice(0, 4);
    let level = first.reduce((a, b) => a + b, 0) / first.length;
    for (const y of history) level += alpha * (y - level);
    return flat(level, horizon);
  };

/**
 * Croston's method with the Syntetos-Boylan correction (SBA): smooths the size of the non-zero
 * weeks and the interval between them separately, forecasting size / interval * (1 - alpha / 2).
 * Built for intermittent demand, where SES chases every zero down and every sale up.
 */
export const crostonSba =
  (alpha: number): Method =>
  (history, horizon) => {
    let size: number | undefined;
    let interval = 1;
    let sinceLast = 1;
    for (const y of history) {
      if (y > 0) {
        if (size === undefined) {
          size = y;
          interval = sinceLast;
        } else {
          size += alpha * (y - size);
          interval += alpha * (sinceLast - interval);
        }
        sinceLast = 1;
      } else {
        sinceLast++;
      }
    }
    return flat(size === undefined ? 0 : (size / interval) * (1 - alpha / 2), horizon);
  };

/**
 * Holt's linear trend with a damped trend (Gardner-McKenzie): the level and trend are smoothed,
 * and the trend's effect fades by `phi` each week ahead, so a rising autumn does not project upward
 * forever. No seasonal term: one year of data cannot estimate one.
 */
export const dampedTrend =
  (alpha: number, beta: number, phi: number): Method =>
  (history, horizon) => {
    if (history.length < 2) return flat(history[0] ?? 0, horizon);
    let level = history[0]!;
    let trend = history[1]! - history[0]!;
    for (const y of history.slice(1)) {
      const prev = level;
      level = alpha * y + (1 - alpha) * (level + phi * trend);
      trend = beta * (level - prev) + (1 - beta) * phi * trend;
    }
    let damp = 0;
    return Array.from({ length: horizon }, (_, h) => {
      damp += phi ** (h + 1);
      return Math.max(0, level + damp * trend);
    });
  };

/**
 * The share of weeks with a sale below which a series counts as intermittent. Syntetos-Boylan's
 * cut-off is an average inter-demand interval of 1.32 weeks, which is a share of 1 / 1.32.
 */
export const intermittentBelow = 1 / 1.32;

/** SES for SKUs that sell most weeks, Croston-SBA for the intermittent ones. */
export const byIntermittency =
  (smooth: Method, intermittent: Method): Method =>
  (history, horizon) => {
    const selling = history.filter((y) => y > 0).length;
    return selling / Math.max(1, history.length) < intermittentBelow
      ? intermittent(history, horizon)
      : smooth(history, horizon);
  };
