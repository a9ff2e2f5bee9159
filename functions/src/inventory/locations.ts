/**
 * The stock locations, read at most once a minute per process: they change rarely (staff edit
 * them) and every reservation needs them, so reading them each time would double its reads.
 */
import type { Firestore } from 'firebase-admin/firestore';
import { LocationDoc } from '@hearth/contracts';
import { countReads } from '../platform/deps';
import type { Deps } from './deps';
import { locationsCol } from './paths';

const TTL_MS = 60_000;
const cache = new WeakMap<Firestore, { at: number; byId: Map<string, LocationDoc> }>();

export async function loadLocations(deps: Deps): Promise<Map<string, LocationDoc>> {
  const now = deps.clock.now().getTime();
  const hit = cache.get(deps.db);
  if (hit && now - hit.at < TTL_MS && now >= hit.at) return hit.byId;
  const snap = await locationsCol(deps.db).get();
  countReads(deps, Math.max(1, snap.size));
  const byId = new Map(snap.docs.map((d) => [d.id, LocationDoc.parse({ ...d.data(), id: d.id })]));
  cache.set(deps.db, { at: now, byId });
  return byId;
}

/** Forget the cached locations (after staff change them, and in tests). */
export function forgetLocations(db: Firestore): void {
  cache.delete(db);
}
