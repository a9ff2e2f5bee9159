/**
 * Turns orders and behaviour events into the implicit-feedback matrix the recommenders train on:
 * one weight per (customer, product), summed over events weighted by kind, quantity and recency.
 * Returns and cancellations carry negative weight, so a product bought and sent back ends at or
 * below zero and is not a positive example. Events stream in through `add` (a page at a time)
 * and only the aggregated pairs stay in memory.
 */

export const interactionKinds = ['view', 'wishlist', 'cartAdd', 'purchase', 'return', 'cancel'] as const;
export type InteractionKind = (typeof interactionKinds)[number];

export interface InteractionEvent {
  userId: string;
  itemId: string;
  kind: InteractionKind;
  /** Units for purchases, returns and cancellations (sign ignored); 1 when absent. */
  quantity?: number;
  /** When it happened, ms since the epoch. */
  at: number;
}

export interface WeightOptions {
  kindWeights: Record<InteractionKind, number>;
  /** An event this many days older than `now` counts half. */
  halfLifeDays: number;
  /** The end of the data window (ms); later events are ignored. */
  now: number;
}

export const defaultKindWeights: Record<InteractionKind, number> = {
  view: 0.1,
  wishlist: 0.5,
  cartAdd: 0.3,
  purchase: 1,
  return: -1,
  cancel: -1,
};

/** Kinds that mean the customer owns (or owned) the product: never recommend it back. */
const ownershipKinds: ReadonlySet<InteractionKind> = new Set(['purchase', 'return', 'cancel']);

const dayMs = 86_400_000;

/** 30 days: best of 15-365 on the retail data's validation window (bench/results/recs-eval.json). */
export const defaultHalfLifeDays = 30;

export function eventWeight(event: InteractionEvent, options: WeightOptions): number {
  const units = Math.abs(event.quantity ?? 1);
  // Wholesale-sized lines would otherwise drown everything else: a line of 100 counts ~6.7x one unit.
  const amount = ownershipKinds.has(event.kind) ? Math.log2(1 + units) : 1;
  const ageDays = Math.max(0, (options.now - event.at) / dayMs);
  return options.kindWeights[event.kind] * amount * 0.5 ** (ageDays / options.halfLifeDays);
}

/**
 * Compressed sparse rows over users (sorted by id) and items (sorted by id): row u holds the
 * positive-weight items of user u. `owned*` lists, per user, every model item they bought at any time.
 */
export interface InteractionMatrix {
  users: string[];
  items: string[];
  rowPtr: Int32Array;
  cols: Int32Array;
  weights: Float32Array;
  ownedPtr: Int32Array;
  owned: Int32Array;
}

export class InteractionMatrixBuilder {
  private readonly userIndex = new Map<string, number>();
  private readonly itemIndex = new Map<string, number>();
  /** key = user * 2^24 + item (exact in a double up to 2^29 users). */
  private readonly sums = new Map<number, number>();
  private readonly ownedKeys = new Set<number>();
  private readonly options: WeightOptions;
  eventsSeen = 0;

  constructor(options: Partial<WeightOptions> & { now: number }) {
    this.options = { kindWeights: defaultKindWeights, halfLifeDays: defaultHalfLifeDays, ...options };
  }

  add(event: InteractionEvent): void {
    if (event.at > this.options.now) return;
    this.eventsSeen++;
    const u = intern(this.userIndex, event.userId);
    const i = intern(this.itemIndex, event.itemId);
    if (i >= 2 ** 24) throw new Error('more than 16.7M distinct items: the pair key would overflow');
    const key = u * 2 ** 24 + i;
    this.sums.set(key, (this.sums.get(key) ?? 0) + eventWeight(event, this.options));
    if (ownershipKinds.has(event.kind)) this.ownedKeys.add(key);
  }

  build(): InteractionMatrix {
    const positive: [number, number, number][] = [];
    const usedUsers = new Set<number>();
    const usedItems = new Set<number>();
    for (const [key, weight] of this.sums) {
      if (!(weight > 0)) continue;
      const u = Math.floor(key / 2 ** 24);
      const i = key % 2 ** 24;
      positive.push([u, i, weight]);
      usedUsers.add(u);
      usedItems.add(i);
    }
    const userIds = sortedIds(this.userIndex, usedUsers);
    const itemIds = sortedIds(this.itemIndex, usedItems);
    const userRank = rankOf(this.userIndex, userIds);
    const itemRank = rankOf(this.itemIndex, itemIds);
    const rows = (pairs: [number, number, number][]) => {
      const mapped = pairs
        .map(([u, i, w]) => [userRank[u]!, itemRank[i]!, w] as const)
        .filter(([u, i]) => u >= 0 && i >= 0)
        .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const ptr = new Int32Array(userIds.length + 1);
      for (const [u] of mapped) ptr[u + 1]!++;
      for (let u = 0; u < userIds.length; u++) ptr[u + 1]! += ptr[u]!;
      return {
        ptr,
        cols: Int32Array.from(mapped, (m) => m[1]),
        weights: Float32Array.from(mapped, (m) => m[2]),
      };
    };
    const pos = rows(positive);
    const owned = rows(
      [...this.ownedKeys].map(
        (key) => [Math.floor(key / 2 ** 24), key % 2 ** 24, 1] as [number, number, number],
      ),
    );
    return {
      users: userIds,
      items: itemIds,
      rowPtr: pos.ptr,
      cols: pos.cols,
      weights: pos.weights,
      ownedPtr: owned.ptr,
      owned: owned.cols,
    };
  }
}

function intern(index: Map<string, number>, id: string): number {
  let n = index.get(id);
  if (n === undefined) {
    n = index.size;
    index.set(id, n);
  }
  return n;
}

function sortedIds(index: Map<string, number>, used: Set<number>): string[] {
  return [...index]
    .filter(([, n]) => used.has(n))
    .map(([id]) => id)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Internal index -> position in `ids`, or -1 when left out. */
function rankOf(index: Map<string, number>, ids: string[]): Int32Array {
  const rank = new Int32Array(index.size).fill(-1);
  ids.forEach((id, r) => (rank[index.get(id)!] = r));
  return rank;
}

export function userItems(m: InteractionMatrix, u: number): Int32Array {
  return m.cols.subarray(m.rowPtr[u], m.rowPtr[u + 1]);
}

export function ownedItems(m: InteractionMatrix, u: number): Int32Array {
  return m.owned.subarray(m.ownedPtr[u], m.ownedPtr[u + 1]);
}

/** The same pairs by item: for item i, its users and weights in `ptr[i]..ptr[i + 1]`. */
export function byItem(m: InteractionMatrix): { ptr: Int32Array; users: Int32Array; weights: Float32Array } {
  const n = m.items.length;
  const ptr = new Int32Array(n + 1);
  for (const i of m.cols) ptr[i + 1]!++;
  for (let i = 0; i < n; i++) ptr[i + 1]! += ptr[i]!;
  const next = ptr.slice(0, n);
  const users = new Int32Array(m.cols.length);
  const weights = new Float32Array(m.cols.length);
  for (let u = 0; u < m.users.length; u++) {
    for (let p = m.rowPtr[u]!; p < m.rowPtr[u + 1]!; p++) {
      const at = next[m.cols[p]!]!++;
      users[at] = u;
      weights[at] = m.weights[p]!;
    }
  }
  return { ptr, users, weights };
}
