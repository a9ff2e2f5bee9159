/**
 * The evaluation protocol on the Online Retail data: a split in time. Interactions before
 * `trainEnd` train the models; each customer seen in training who buys in [trainEnd, testEnd)
 * is a test user, and the relevant items are the ones they bought then (net of cancellations)
 * that they had not bought before (see functions/src/recommendations/holdout.ts).
 */
import {
  addLaterPurchase,
  heldOutTargets,
  type LaterPurchases,
} from '../../../functions/src/recommendations/holdout';
import {
  InteractionMatrixBuilder,
  type InteractionEvent,
  type InteractionMatrix,
  type WeightOptions,
} from '../../../functions/src/recommendations/interactions';
import type { HeldOut } from '../../../functions/src/recommendations/metrics';
import { readRetailTransactions, type RetailTransaction } from '../data/online-retail';

export interface Split {
  name: string;
  trainEnd: string;
  testEnd: string;
}

/** Tuning happens on `validation` (October 2011); the reported numbers are on `test`. */
export const splits: Record<'validation' | 'test', Split> = {
  validation: { name: 'validation', trainEnd: '2011-10-01', testEnd: '2011-11-01' },
  test: { name: 'test', trainEnd: '2011-11-01', testEnd: '2011-12-10' },
};

export interface EvalData {
  split: Split;
  train: InteractionMatrix;
  test: HeldOut;
  trainEvents: number;
}

/** Transaction dates are local times without an offset; read them as UTC consistently. */
function ms(date: string): number {
  return Date.parse(`${date.length === 10 ? `${date}T00:00` : date}:00Z`);
}

export function toEvent(t: RetailTransaction): InteractionEvent {
  return {
    userId: t.customerId,
    itemId: t.stockCode,
    kind: t.cancelled ? 'cancel' : 'purchase',
    quantity: t.quantity,
    at: ms(t.date),
  };
}

export async function loadEvalData(split: Split, weights: Partial<WeightOptions> = {}): Promise<EvalData> {
  const trainEnd = ms(split.trainEnd);
  const testEnd = ms(split.testEnd);
  const builder = new InteractionMatrixBuilder({ ...weights, now: trainEnd - 1 });
  const later: LaterPurchases = new Map();
  for await (const t of readRetailTransactions()) {
    if (!t.customerId) continue;
    const at = ms(t.date);
    if (at < trainEnd) builder.add(toEvent(t));
    else if (at < testEnd) addLaterPurchase(later, t.customerId, t.stockCode, t.quantity);
  }
  const train = builder.build();
  return { split, train, test: heldOutTargets(train, later), trainEvents: builder.eventsSeen };
}
