/**
 * The retail year as weekly demand per SKU, for the forecast backtest. Weeks run Saturday to Friday
 * so that the last one ends with the data (Friday 2011-12-09); the partial first days
 * (2010-12-01 to 03) are left out, leaving 53 whole weeks.
 *
 * Demand is the sale lines, as the ledger's `sale` entries are in Hearth. A sale cancelled in full
 * later (same customer, SKU and quantity: the 80,995 and 74,215-unit orders and their
 * cancellations among them) was never demand and is dropped; other cancellations are returns of
 * goods that did sell, which Hearth records apart from sales, so they do not reduce demand.
 */
import { WeeklySeries } from '../../../functions/src/forecasting/weeks';
import { readRetailTransactions } from '../data/online-retail';

export const dataEnd = new Date('2011-12-10T00:00:00Z');
export const dataWeeks = 53;

const ms = (date: string) => Date.parse(`${date}:00Z`);

export interface RetailDemand {
  weekly: WeeklySeries;
  saleLines: number;
  cancelledInFull: number;
}

export async function loadWeeklyDemand(): Promise<RetailDemand> {
  const sales: { sku: string; at: number; qty: number; dropped: boolean }[] = [];
  const open = new Map<string, number[]>();
  let cancelledInFull = 0;
  for await (const t of readRetailTransactions()) {
    const key = `${t.customerId}|${t.stockCode}|${Math.abs(t.quantity)}`;
    if (!t.cancelled) {
      sales.push({ sku: t.stockCode, at: ms(t.date), qty: t.quantity, dropped: false });
      open.set(key, [...(open.get(key) ?? []), sales.length - 1]);
      continue;
    }
    const earlier = open.get(key);
    const index = earlier?.pop();
    if (index !== undefined) {
      sales[index]!.dropped = true;
      cancelledInFull++;
    }
  }
  const weekly = new WeeklySeries(dataEnd, dataWeeks);
  for (const s of sales) if (!s.dropped) weekly.add(s.sku, s.at, s.qty);
  return { weekly, saleLines: sales.length, cancelledInFull };
}
