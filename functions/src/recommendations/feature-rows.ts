/**
 * Folds item side information into the factorisation (collective matrix factorisation, Singh &
 * Gordon 2008, in its simplest form): every feature token becomes one more "user" row of the
 * implicit-feedback matrix whose items are the products that carry it. The item half-step of ALS
 * then fits each product's vector to its buyers and to its tokens at once, so products that share
 * a category, style or words move together, and a product nobody bought yet still gets a vector
 * from its tokens alone (cold start). Nothing else in the solver changes.
 *
 * Pseudo-rows come after the real customers, so user index u < realUsers is still customer u.
 */
import type { InteractionMatrix } from './interactions';

export interface FeatureRowOptions {
  /** The weight of an (item, token) pair, on the scale of one purchase today. */
  weight: number;
  /** Tokens carried by fewer items say nothing about similarity. */
  minItems: number;
  /** Nor do tokens carried by more than this share of the items. */
  maxShare: number;
}

export const defaultFeatureRowOptions: FeatureRowOptions = { weight: 0.5, minItems: 2, maxShare: 0.2 };

export interface WithFeatures {
  matrix: InteractionMatrix;
  /** Customers are rows 0..realUsers-1; the rest are feature tokens. */
  realUsers: number;
  /** Items that have no interactions, only tokens (appended after the matrix's own items). */
  coldItems: number;
}

export function withFeatureRows(
  m: InteractionMatrix,
  tokensOf: ReadonlyMap<string, readonly string[]>,
  options: Partial<FeatureRowOptions> = {},
): WithFeatures {
  const o = { ...defaultFeatureRowOptions, ...options };
  const itemIndex = new Map(m.items.map((id, i) => [id, i]));
  const items = [...m.items];
  for (const id of [...tokensOf.keys()].sort()) {
    if (!itemIndex.has(id)) {
      itemIndex.set(id, items.length);
      items.push(id);
    }
  }
  const byToken = new Map<string, number[]>();
  for (const [id, tokens] of tokensOf) {
    const i = itemIndex.get(id)!;
    for (const t of tokens) {
      const list = byToken.get(t) ?? [];
      list.push(i);
      byToken.set(t, list);
    }
  }
  const maxItems = Math.max(o.minItems, Math.floor(o.maxShare * items.length));
  const rows = [...byToken]
    .filter(([, list]) => list.length >= o.minItems && list.length <= maxItems)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const extra = rows.reduce((s, [, list]) => s + list.length, 0);
  const rowPtr = new Int32Array(m.users.length + rows.length + 1);
  rowPtr.set(m.rowPtr);
  const cols = new Int32Array(m.cols.length + extra);
  cols.set(m.cols);
  const weights = new Float32Array(m.cols.length + extra);
  weights.set(m.weights);
  let at = m.cols.length;
  rows.forEach(([, list], r) => {
    for (const i of [...list].sort((a, b) => a - b)) {
      cols[at] = i;
      weights[at++] = o.weight;
    }
    rowPtr[m.users.length + r + 1] = at;
  });
  const ownedPtr = new Int32Array(m.users.length + rows.length + 1).fill(m.owned.length);
  ownedPtr.set(m.ownedPtr);
  return {
    matrix: {
      users: [...m.users, ...rows.map(([t]) => `\u0000${t}`)],
      items,
      rowPtr,
      cols,
      weights,
      ownedPtr,
      owned: m.owned,
    },
    realUsers: m.users.length,
    coldItems: items.length - m.items.length,
  };
}
