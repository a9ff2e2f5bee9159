/**
 * Forecast accuracy over many SKUs and weeks. WAPE weighs errors by volume (what a buyer feels in
 * units); MASE scales each series' error by its own in-sample naive error, so a slow SKU counts as
 * much as a fast one. A series that never changed in training has no scale and is left out of MASE.
 */
export class Accuracy {
  private absError = 0;
  private actual = 0;
  private forecast = 0;
  private scaledSum = 0;
  private scaledCount = 0;
  forecasts = 0;

  /** One series' forecast at one origin: the history it was trained on, its forecast, what happened. */
  add(history: readonly number[], forecast: readonly number[], actual: readonly number[]): void {
    let err = 0;
    actual.forEach((y, h) => {
      err += Math.abs(y - forecast[h]!);
      this.forecast += forecast[h]!;
      this.actual += y;
    });
    this.absError += err;
    this.forecasts += actual.length;
    const scale = naiveScale(history);
    if (scale > 0 && actual.length > 0) {
      this.scaledSum += err / actual.length / scale;
      this.scaledCount++;
    }
  }

  wape(): number {
    return this.actual > 0 ? this.absError / this.actual : 0;
  }

  /** Units forecast per unit sold: below 1, the method under-forecasts. */
  bias(): number {
    return this.actual > 0 ? this.forecast / this.actual : 0;
  }

  mase(): number {
    return this.scaledCount > 0 ? this.scaledSum / this.scaledCount : 0;
  }
}

/** The in-sample mean absolute error of the one-week naive forecast (MASE's denominator). */
export function naiveScale(history: readonly number[]): number {
  let sum = 0;
  for (let t = 1; t < history.length; t++) sum += Math.abs(history[t]! - history[t - 1]!);
  return history.length > 1 ? sum / (history.length - 1) : 0;
}
