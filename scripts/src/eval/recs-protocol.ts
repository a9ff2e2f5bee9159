/**
 * The evaluation protocol's data and measures, shared by every method so they are judged alike.
 * Two splits in time, each a validation window (where every knob is chosen) that ends where the
 * test window begins; the test window is never looked at while tuning. Lists and relevance are
 * compared by product id, so methods trained on differently weighted matrices (whose user and item
 * sets can differ at the edges) are still scored on exactly the same customers and purchases.
 */
import {
  heldOutTargets,
  type LaterPurchases,
  addLaterPurchase,
} from '../../../functions/src/recommendations/holdout';
import {
  InteractionMatrixBuilder,
  type InteractionMatrix,
  type WeightOptions,
} from '../../../functions/src/recommendations/interactions';
import type { Ranked } from '../../../functions/src/recommendations/top-k';
import { readRetailTransactions } from '../data/online-retail';
import { toEvent, type Split } from './retail-split';

export interface SplitPair {
  name: string;
  validation: Split;
  test: Split;
}

/** `late` is the split reported before (test from November 2011); `early` the same shape in summer. */
export const splitPairs: Record<'late' | 'early', SplitPair> = {
  late: {
    name: 'late',
    validation: { name: 'late-validation', trainEnd: '2011-10-01', testEnd: '2011-11-01' },
    test: { name: 'late-test', trainEnd: '2011-11-01', testEnd: '2011-12-10' },
  },
  early: {
    name: 'early',
    validation: { name: 'early-validation', trainEnd: '2011-07-01', testEnd: '2011-08-01' },
    test: { name: 'early-test', trainEnd: '2011-08-01', testEnd: '2011-09-01' },
  },
};

export interface TestUser {
  customer: string;
  relevant: Set<string>;
  /** Relevant purchases, including products no model saw in training (cold items count too). */
  count: number;
}

export interface SplitData {
  split: Split;
  /** The training matrices, one per weighting asked for, keyed by name. */
  matrices: Record<string, InteractionMatrix>;
  test: TestUser[];
  /** Training customers per product (for novelty). */
  buyers: Map<string, number>;
  trainUsers: number;
  trainEvents: number;
}

const ms = (date: string) => Date.parse(`${date.length === 10 ? `${date}T00:00` : date}:00Z`);

/** One pass over the transactions; test users come from the first weighting's matrix. */
export async function loadSplit(
  split: Split,
  weightings: Record<string, Partial<WeightOptions>>,
): Promise<SplitData> {
  const trainEnd = ms(split.trainEnd);
  const testEnd = ms(split.testEnd);
  const builders = Object.entries(weightings).map(
    ([name, w]) => [name, new InteractionMatrixBuilder({ ...w, now: trainEnd - 1 })] as const,
  );
  const later: LaterPurchases = new Map();
  for await (const t of readRetailTransactions()) {
    if (!t.customerId) continue;
    const at = ms(t.date);
    if (at < trainEnd) for (const [, b] of builders) b.add(toEvent(t));
    else if (at < testEnd) addLaterPurchase(later, t.customerId, t.stockCode, t.quantity);
  }
  const matrices = Object.fromEntries(builders.map(([name, b]) => [name, b.build()]));
  const reference = matrices[builders[0]![0]]!;
  const held = heldOutTargets(reference, later);
  const test = Array.from(held.users, (u, n) => ({
    customer: reference.users[u]!,
    relevant: new Set(
      [...later.get(reference.users[u]!)!]
        .filter(([item, units]) => units > 0 && !ownedIds(reference, u).has(item))
        .map(([item]) => item),
    ),
    count: held.relevantCounts[n]!,
  }));
  const buyers = new Map<string, number>();
  for (const i of reference.cols) buyers.set(reference.items[i]!, (buyers.get(reference.items[i]!) ?? 0) + 1);
  return {
    split,
    matrices,
    test,
    buyers,
    trainUsers: reference.users.length,
    trainEvents: builders[0]![1].eventsSeen,
  };
}

function ownedIds(m: InteractionMatrix, u: number): Set<string> {
  return new Set(Array.from(m.owned.subarray(m.ownedPtr[u], m.ownedPtr[u + 1]), (i) => m.items[i]!));
}

/** A ranked list per test user, as product ids (empty when the method does not know the user). */
export function listsById(data: SplitData, m: InteractionMatrix, rank: (u: number) => Ranked): string[][] {
  const index = new Map(m.users.map((id, u) => [id, u]));
  return data.test.map(({ customer }) => {
    const u = index.get(customer);
    return u === undefined ? [] : Array.from(rank(u).items, (i) => m.items[i]!);
  });
}

export interface PerUser {
  recall10: number[];
  recall20: number[];
  ndcg10: number[];
}

export interface Summary {
  recall10: number;
  recall20: number;
  ndcg10: number;
  /** Share of the training catalog in at least one top 10. */
  coverage10: number;
  /** Mean self-information of a top-10 item, -log2(share of training customers who bought it). */
  novelty10: number;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

export function score(data: SplitData, lists: string[][]): { summary: Summary; perUser: PerUser } {
  const perUser: PerUser = { recall10: [], recall20: [], ndcg10: [] };
  const shown = new Set<string>();
  let novelty = 0;
  let noveltyItems = 0;
  data.test.forEach(({ relevant, count }, n) => {
    const list = lists[n]!;
    let hits10 = 0;
    let hits20 = 0;
    let dcg = 0;
    list.slice(0, 20).forEach((item, rank) => {
      if (rank < 10) {
        shown.add(item);
        novelty += -Math.log2(Math.max(1, data.buyers.get(item) ?? 0) / data.trainUsers);
        noveltyItems++;
      }
      if (!relevant.has(item)) return;
      hits20++;
      if (rank < 10) {
        hits10++;
        dcg += 1 / Math.log2(rank + 2);
      }
    });
    let ideal = 0;
    for (let r = 0; r < Math.min(10, count); r++) ideal += 1 / Math.log2(r + 2);
    perUser.recall10.push(hits10 / Math.min(10, count));
    perUser.recall20.push(hits20 / Math.min(20, count));
    perUser.ndcg10.push(dcg / ideal);
  });
  return {
    perUser,
    summary: {
      recall10: mean(perUser.recall10),
      recall20: mean(perUser.recall20),
      ndcg10: mean(perUser.ndcg10),
      coverage10: [...shown].filter((id) => data.buyers.has(id)).length / Math.max(1, data.buyers.size),
      novelty10: novelty / Math.max(1, noveltyItems),
    },
  };
}

/** Mean of b - a over the same users, with its standard error. */
export function pairedDifference(a: number[], b: number[]): { mean: number; stdErr: number } {
  const d = b.map((x, i) => x - a[i]!);
  const m = mean(d);
  const variance = d.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, d.length - 1);
  return { mean: m, stdErr: Math.sqrt(variance / d.length) };
}

export function stdErr(xs: number[]): number {
  return pairedDifference(
    xs.map(() => 0),
    xs,
  ).stdErr;
}
