/**
 * The allocation policy, as a pure function: which locations serve a cart line.
 *
 * Locations are ranked by `priority` (lowest first), then those in the customer's region, then
 * shortest lead time, then id (so the choice is deterministic). A line goes whole to the first
 * ranked location that can cover it; only if none can, and the customer allows split deliveries,
 * it is filled greedily down the ranking. Inactive locations never serve.
 *
 * Click and collect: a cart collected at a store is served by that store's stock alone, or, if the
 * customer allows a transfer into it (and a later pickup), by the ranking above when the store
 * cannot cover the line.
 */
import type { LocationDoc } from '@hearth/contracts';

export interface Source {
  location: LocationDoc;
  available: number;
}

export type LineAllocation =
  | { ok: true; allocations: { locationId: string; qty: number }[] }
  /**
   * `available`: the most this customer could get under the policy (one location unless split);
   * `total`: what all locations hold together (more than `available` only when split is refused).
   */
  | { ok: false; available: number; total: number };

function rankSources(sources: Source[], region: string | undefined): Source[] {
  const key = (s: Source) => [
    s.location.priority,
    s.location.region === region ? 0 : 1,
    s.location.leadTimeDays,
  ];
  return sources
    .filter((s) => s.location.active)
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
      return a.location.id < b.location.id ? -1 : a.location.id > b.location.id ? 1 : 0;
    });
}

export function allocateLine(
  qty: number,
  sources: Source[],
  customer: { region?: string; allowSplit: boolean; pickup?: { locationId: string; allowTransfer: boolean } },
): LineAllocation {
  const pickup = customer.pickup;
  if (pickup) {
    const store = allocateLine(
      qty,
      sources.filter((s) => s.location.id === pickup.locationId),
      { ...customer, pickup: undefined },
    );
    if (store.ok || !pickup.allowTransfer) return store;
  }
  const ranked = rankSources(sources, customer.region).filter((s) => s.available > 0);
  const whole = ranked.find((s) => s.available >= qty);
  if (whole) return { ok: true, allocations: [{ locationId: whole.location.id, qty }] };
  const total = ranked.reduce((sum, s) => sum + s.available, 0);
  if (!customer.allowSplit)
    return { ok: false, available: Math.max(0, ...ranked.map((s) => s.available)), total };
  if (total < qty) return { ok: false, available: total, total };
  const allocations: { locationId: string; qty: number }[] = [];
  let left = qty;
  for (const s of ranked) {
    if (left === 0) break;
    const take = Math.min(left, s.available);
    allocations.push({ locationId: s.location.id, qty: take });
    left -= take;
  }
  return { ok: true, allocations };
}
