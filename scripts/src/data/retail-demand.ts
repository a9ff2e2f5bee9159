/**
 * Which of the retail data's sale lines were demand, for the forecast backtest and the seed's sales
 * history alike. A sale cancelled in full later (same customer, SKU and quantity: the 80,995 and
 * 74,215-unit orders and their cancellations among them) was never demand and is dropped; other
 * cancellations are returns of goods that did sell, which Hearth records apart from sales, so they
 * do not reduce demand.
 */
import type { RetailTransaction } from './online-retail';

export class RetailDemand {
  private readonly sales: { line: RetailTransaction; dropped: boolean }[] = [];
  private readonly open = new Map<string, number[]>();
  cancelledInFull = 0;
  /** The data's last invoice time, over every line seen (kept or not). */
  lastDate = '';

  /** `keep` picks the SKUs to follow; lines of others only move `lastDate`. */
  constructor(private readonly keep: (stockCode: string) => boolean = () => true) {}

  /** Lines must come in the data's order: a cancellation matches a sale before it. */
  add(t: RetailTransaction): void {
    if (t.date > this.lastDate) this.lastDate = t.date;
    if (!this.keep(t.stockCode)) return;
    const key = `${t.customerId}|${t.stockCode}|${Math.abs(t.quantity)}`;
    if (!t.cancelled) {
      this.sales.push({ line: t, dropped: false });
      const earlier = this.open.get(key);
      if (earlier) earlier.push(this.sales.length - 1);
      else this.open.set(key, [this.sales.length - 1]);
      return;
    }
    const index = this.open.get(key)?.pop();
    if (index !== undefined) {
      this.sales[index]!.dropped = true;
      this.cancelledInFull++;
    }
  }

  get saleLines(): number {
    return this.sales.length;
  }

  /** The sale lines that were demand, in the data's order. */
  demand(): RetailTransaction[] {
    return this.sales.filter((s) => !s.dropped).map((s) => s.line);
  }
}

/** Passes every transaction on unchanged, showing each to `see` first. */
export async function* tapped<T>(rows: AsyncIterable<T>, see: (row: T) => void): AsyncGenerator<T> {
  for await (const row of rows) {
    see(row);
    yield row;
  }
}
