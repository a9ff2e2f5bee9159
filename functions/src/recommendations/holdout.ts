/**
 * The held-out half of a split in time: given the training matrix and what each customer bought
 * after it (net units per product), the customers to evaluate and their relevant products. Only
 * customers seen in training count, and only products they had not bought before, because
 * recommendations leave owned products out.
 */
import { type InteractionMatrix, ownedItems } from './interactions';
import type { HeldOut } from './metrics';

/** customer id -> product id -> net units bought in the held-out period. */
export type LaterPurchases = Map<string, Map<string, number>>;

export function addLaterPurchase(later: LaterPurchases, userId: string, itemId: string, units: number): void {
  const net = later.get(userId) ?? new Map<string, number>();
  net.set(itemId, (net.get(itemId) ?? 0) + units);
  later.set(userId, net);
}

export function heldOutTargets(train: InteractionMatrix, later: LaterPurchases): HeldOut {
  const userIndex = new Map(train.users.map((u, i) => [u, i]));
  const itemIndex = new Map(train.items.map((it, i) => [it, i]));
  const users: number[] = [];
  const relevant: Int32Array[] = [];
  const relevantCounts: number[] = [];
  for (const [customer, net] of [...later].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const u = userIndex.get(customer);
    if (u === undefined) continue;
    const owned = new Set(ownedItems(train, u));
    const fresh = [...net].filter(([item, units]) => units > 0 && !owned.has(itemIndex.get(item) ?? -1));
    if (fresh.length === 0) continue;
    users.push(u);
    relevantCounts.push(fresh.length);
    relevant.push(
      Int32Array.from(fresh.map(([item]) => itemIndex.get(item) ?? -1).filter((i) => i >= 0)).sort(),
    );
  }
  return { users: Int32Array.from(users), relevant, relevantCounts: Int32Array.from(relevantCounts) };
}
