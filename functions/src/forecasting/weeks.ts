/**
 * Demand is forecast by the week: a furniture store's daily sales are too sparse per SKU to model,
 * and purchase orders are placed weekly. A week is 7 days of UTC time from an anchor; the scheduled
 * job anchors on Monday 00:00 UTC, the backtest on the day after the retail data ends.
 */
export const weekMs = 7 * 24 * 60 * 60 * 1000;

/** Monday 00:00 UTC of the week holding `at`. */
export function mondayOf(at: Date): Date {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - sinceMonday * 24 * 60 * 60 * 1000);
}

/**
 * Units per week per SKU over the `weeks` weeks ending at `end` (exclusive): index 0 is the oldest
 * week, index weeks-1 the one ending at `end`. Weeks without a sale are zeros, which matters: most
 * SKUs sell in some weeks only, and the forecasting methods must see those empty weeks.
 */
export class WeeklySeries {
  private readonly bySku = new Map<string, number[]>();
  private readonly start: number;

  constructor(
    readonly end: Date,
    readonly weeks: number,
  ) {
    this.start = end.getTime() - weeks * weekMs;
  }

  add(sku: string, atMs: number, qty: number): void {
    if (atMs < this.start || atMs >= this.end.getTime() || qty <= 0) return;
    let series = this.bySku.get(sku);
    if (!series) this.bySku.set(sku, (series = new Array<number>(this.weeks).fill(0)));
    series[Math.floor((atMs - this.start) / weekMs)]! += qty;
  }

  skus(): string[] {
    return [...this.bySku.keys()].sort();
  }

  series(sku: string): number[] {
    return this.bySku.get(sku) ?? new Array<number>(this.weeks).fill(0);
  }
}
