/**
 * The retail year as weekly demand per SKU, for the forecast backtest. Weeks run Saturday to Friday
 * so that the last one ends with the data (Friday 2011-12-09); the partial first days
 * (2010-12-01 to 03) are left out, leaving 53 whole weeks.
 *
 * Demand is the sale lines, as the ledger's `sale` entries are in Hearth, less the sales cancelled
 * in full (data/retail-demand.ts says why).
 */
import { WeeklySeries } from '../../../functions/src/forecasting/weeks';
import { readRetailTransactions } from '../data/online-retail';
import { RetailDemand } from '../data/retail-demand';

export const dataEnd = new Date('2011-12-10T00:00:00Z');
export const dataWeeks = 53;

const ms = (date: string) => Date.parse(`${date}:00Z`);

export interface WeeklyDemand {
  weekly: WeeklySeries;
  saleLines: number;
  cancelledInFull: number;
}

export async function loadWeeklyDemand(): Promise<WeeklyDemand> {
  const demand = new RetailDemand();
  for await (const t of readRetailTransactions()) demand.add(t);
  const weekly = new WeeklySeries(dataEnd, dataWeeks);
  for (const s of demand.demand()) weekly.add(s.stockCode, ms(s.date), s.quantity);
  return { weekly, saleLines: demand.saleLines, cancelledInFull: demand.cancelledInFull };
}
