/**
 * The evaluation protocol on the Online Retail data: a split in time. Interactions before
 * `trainEnd` train the models; each customer seen in training who buys in [trainEnd, testEnd)
 * is a test user, and the relevant items are the ones they bought then (net of cancellations)
 * that they had not bought before, because recommendations leave owned items out.
 */
import {
  InteractionMatrixBuilder,
  type InteractionEvent,
  type InteractionMatrix,
  type WeightOptions,
} from '../../../functions/src/recommendations/interactions';
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
  /** Indices into `train.users`. */
  testUsers: Int32Array;
  /** Relevant train-item indices per test user (items unknown to training cannot be hit but count). */
  relevant: Int32Array[];
  relevantCounts: Int32Array;
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
  const testNet = new Map<string, Map<string, number>>();
  for await (const t of readRetailTransactions()) {
    if (!t.customerId) continue;
    const at = ms(t.date);
    if (at < trainEnd) builder.add(toEvent(t));
    else if (at < testEnd) {
      const net = testNet.get(t.customerId) ?? new Map<string, number>();
      net.set(t.stockCode, (net.get(t.stockCode) ?? 0) + t.quantity);
      testNet.set(t.customerId, net);
    }
  }
  const train = builder.build();
  const userIndex = new Map(train.users.map((u, i) => [u, i]));
  const itemIndex = new Map(train.items.map((it, i) => [it, i]));
  const testUsers: number[] = [];
  const relevant: Int32Array[] = [];
  const relevantCounts: number[] = [];
  for (const [customer, net] of [...testNet].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const u = userIndex.get(customer);
    if (u === undefined) continue;
    const owned = new Set(train.owned.subarray(train.ownedPtr[u], train.ownedPtr[u + 1]));
    const fresh = [...net].filter(([code, q]) => q > 0 && !owned.has(itemIndex.get(code) ?? -1));
    if (fresh.length === 0) continue;
    testUsers.push(u);
    relevantCounts.push(fresh.length);
    relevant.push(
      Int32Array.from(fresh.map(([code]) => itemIndex.get(code) ?? -1).filter((i) => i >= 0)).sort(),
    );
  }
  return {
    split,
    train,
    testUsers: Int32Array.from(testUsers),
    relevant,
    relevantCounts: Int32Array.from(relevantCounts),
    trainEvents: builder.eventsSeen,
  };
}
