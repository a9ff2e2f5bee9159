/**
 * getRecommendations: the caller's live personal list, filtered at read time, topped up from
 * popular-in-your-style.
 *
 * Reads per call: customers/{uid} and recommendations/{uid}, in one getAll (2 document reads);
 * models/current, serving/stock and serving/popular come from the instance's cache
 * (serving-state.ts). The profile is read on every call because consent is honoured at read time:
 * a customer who withdrew personalisation gets the non-personal answer at once, whatever list
 * is still stored for them.
 *
 * While an A/B experiment runs (models/current.experiment), a consenting customer's arm, a hash of
 * their uid (assignment.ts), decides the slot and version served, and each answer is recorded in
 * customers/{uid}/exposures/{experimentId} (one write) for the per-arm funnel.
 *
 * Filtering: out of stock via serving/stock (seconds behind inventory, plus the cache time);
 * already bought via the list itself (owned products are left out when it is written) and the
 * `bought` field the purchase-event trigger maintains since.
 */
import { z } from 'zod';
import {
  CustomerProfile,
  type FallbackReason,
  GetRecommendationsRequest,
  type GetRecommendationsResponse,
  type ModelSlot,
  Preferences,
  type RecommendationList,
  RecommendationsDoc,
  type RecommendedItem,
} from '@hearth/contracts';
import { customerRef, recommendationsRef } from '../platform/paths';
import { assignArm } from './assignment';
import { recordExposure } from './exposures';
import { readDocs, type ServingDeps, type ServingSnapshot } from './serving-state';

/** What serving reads of a profile; a partial or odd profile means no consent and no preferences. */
const ServingProfile = z.object({
  consent: CustomerProfile.shape.consent,
  preferences: Preferences.pick({ styles: true, rooms: true }).partial().optional(),
});

export async function getRecommendations(
  deps: ServingDeps,
  uid: string,
  req: z.output<typeof GetRecommendationsRequest>,
): Promise<GetRecommendationsResponse> {
  const shared = await deps.state.get(deps);
  const [profileSnap, listSnap] = await readDocs(deps, [
    customerRef(deps.db, uid),
    recommendationsRef(deps.db, uid),
  ]);
  const profile = ServingProfile.safeParse(profileSnap!.data() ?? {});
  const consents = profile.success && profile.data.consent.personalisation;
  const stored = RecommendationsDoc.safeParse(listSnap!.data() ?? {});
  const doc = stored.success ? stored.data : {};

  // While an experiment runs, a consenting customer is served their arm's slot and version.
  const experiment = shared.live?.experiment;
  const arm = consents && experiment ? assignArm(uid, experiment) : null;
  const model = arm ?? shared.live;
  const { list, fallback } = personalList(model, consents, doc);
  // Bought products and those already in the answer; the shared unavailable set is not copied.
  const excluded = new Set(doc.bought);
  const items: RecommendedItem[] = [];
  const add = (item: RecommendedItem) => {
    const id = item.productId;
    if (items.length >= req.limit || excluded.has(id) || shared.unavailable.has(id)) return;
    excluded.add(id);
    items.push(item);
  };
  for (const { productId, score } of list?.items ?? []) {
    add({ productId, source: 'personal', reason: 'Customers who furnish like you chose this', score });
  }
  const personal = items.length > 0;
  const prefs = profile.success ? profile.data.preferences : undefined;
  for (const candidate of popularInYourStyle(shared, prefs?.styles ?? [], prefs?.rooms ?? [])) {
    if (items.length >= req.limit) break;
    add(candidate);
  }
  if (arm && experiment) await recordExposure(deps, uid, experiment.id, arm, items);
  return {
    version: personal ? list!.version : 'popular',
    arm: arm && experiment ? { experimentId: experiment.id, slot: arm.slot, version: arm.version } : null,
    fallback,
    items,
  };
}

function personalList(
  model: { slot: ModelSlot; version: string } | null | undefined,
  consents: boolean,
  doc: RecommendationsDoc,
): { list: RecommendationList | null; fallback: FallbackReason | null } {
  if (!consents) return { list: null, fallback: 'no-consent' };
  if (!model) return { list: null, fallback: 'no-live-model' };
  const list = doc[model.slot];
  if (!list) return { list: null, fallback: 'no-list' };
  // The slot may still hold a list of an older model (its run crashed before the switch, or the
  // customer had no list in the live run): never serve a model that is not live.
  if (list.version !== model.version) return { list: null, fallback: 'stale-list' };
  return { list, fallback: null };
}

/**
 * Candidates in order: the customer's styles, taken in turn (so two styles mix rather than one
 * filling the page), then their rooms in turn, then the store's overall bestsellers.
 */
function* popularInYourStyle(
  shared: ServingSnapshot,
  styles: string[],
  rooms: string[],
): Generator<RecommendedItem> {
  const popular = shared.popular;
  if (!popular) return;
  const inTurn = function* (keys: string[], lists: Record<string, string[]>, source: 'style' | 'room') {
    const queues = keys.map((key) => ({ key, ids: lists[key] ?? [] }));
    const longest = Math.max(0, ...queues.map((q) => q.ids.length));
    for (let n = 0; n < longest; n++) {
      for (const { key, ids } of queues) {
        const productId = ids[n];
        if (productId) yield { productId, source, reason: `Popular in ${key}`, score: null };
      }
    }
  };
  yield* inTurn(styles, popular.byStyle, 'style');
  yield* inTurn(rooms, popular.byRoom, 'room');
  for (const productId of popular.overall) {
    yield { productId, source: 'popular' as const, reason: 'Popular in our store', score: null };
  }
}
