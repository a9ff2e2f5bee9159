/**
 * The per-arm funnel of the running experiment, written to models/current.experiment.metrics by the
 * hourly job (index.ts) for the console. Per arm: the customers serving put in it and the items it
 * showed them (their exposures), clicks (views of a product the arm showed that customer), and the
 * cart adds and purchases those customers made after their first answer, counted only from trusted
 * events (trusted-events.ts: purchases only as the store recorded them, app events within their
 * hourly bound). Rates carry 95% Wilson intervals; conversion is per customer, so its trials are
 * independent.
 */
import type { QueryDocumentSnapshot } from 'firebase-admin/firestore';
import {
  type ArmMetrics,
  CurrentModelDoc,
  CustomerEvent,
  type Experiment,
  type ExperimentMetrics,
  ExposureDoc,
} from '@hearth/contracts';
import { Timestamp } from 'firebase-admin/firestore';
import type { Deps } from '../platform/deps';
import { eventsOf } from '../platform/paths';
import { currentModelRef } from './publish';
import { EventGate } from './trusted-events';
import { wilson } from './wilson';

const pageSize = 500;
/** Customers whose events are read at once. */
const concurrency = 16;

interface Tally {
  customers: number;
  answers: number;
  impressions: number;
  clicks: number;
  cartAdds: number;
  purchases: number;
  cartAdders: number;
  buyers: number;
}

const emptyTally = (): Tally => ({
  customers: 0,
  answers: 0,
  impressions: 0,
  clicks: 0,
  cartAdds: 0,
  purchases: 0,
  cartAdders: 0,
  buyers: 0,
});

/** One exposed customer's part of their arm's tally. */
async function customerTally(deps: Deps, snap: QueryDocumentSnapshot): Promise<Tally> {
  const exposure = ExposureDoc.parse(snap.data());
  const uid = snap.ref.parent.parent!.id;
  const events = await eventsOf(deps.db, uid).where('at', '>=', exposure.firstAt).orderBy('at').get();
  const served = new Set(exposure.served);
  const gate = new EventGate();
  const t = { ...emptyTally(), customers: 1, answers: exposure.answers, impressions: exposure.impressions };
  for (const doc of events.docs) {
    const parsed = CustomerEvent.safeParse(doc.data());
    if (!parsed.success || !gate.admit(uid, doc.id, parsed.data)) continue;
    const e = parsed.data;
    if (e.kind === 'view' && served.has(e.productId)) t.clicks += 1;
    if (e.kind === 'cartAdd') t.cartAdds += 1;
    if (e.kind === 'purchase') t.purchases += 1;
  }
  t.cartAdders = t.cartAdds > 0 ? 1 : 0;
  t.buyers = t.purchases > 0 ? 1 : 0;
  return t;
}

function add(into: Tally, t: Tally): void {
  for (const key of Object.keys(into) as (keyof Tally)[]) into[key] += t[key];
}

export async function experimentMetrics(deps: Deps, experiment: Experiment): Promise<ExperimentMetrics> {
  const tallies = new Map(experiment.arms.map((a) => [a.slot, emptyTally()]));
  const query = deps.db
    .collectionGroup('exposures')
    .where('experimentId', '==', experiment.id)
    .orderBy('__name__')
    .limit(pageSize);
  let last: QueryDocumentSnapshot | undefined;
  for (;;) {
    const page = await (last ? query.startAfter(last) : query).get();
    for (let i = 0; i < page.docs.length; i += concurrency) {
      const chunk = page.docs.slice(i, i + concurrency);
      const parts = await Promise.all(chunk.map((d) => customerTally(deps, d)));
      chunk.forEach((d, n) => {
        const tally = tallies.get(d.get('slot'));
        // An exposure of a slot this experiment has no arm for cannot be written; skip it if it is.
        if (tally) add(tally, parts[n]!);
      });
    }
    if (page.docs.length < pageSize) break;
    last = page.docs[page.docs.length - 1];
  }
  const arms: ArmMetrics[] = experiment.arms.map(({ slot, version }) => {
    const t = tallies.get(slot)!;
    return {
      slot,
      version,
      customers: t.customers,
      answers: t.answers,
      impressions: t.impressions,
      clicks: t.clicks,
      cartAdds: t.cartAdds,
      purchases: t.purchases,
      clickRate: wilson(Math.min(t.clicks, t.impressions), t.impressions),
      cartAddRate: wilson(t.cartAdders, t.customers),
      conversion: wilson(t.buyers, t.customers),
    };
  });
  return { computedAt: Timestamp.fromDate(deps.clock.now()), arms };
}

/**
 * Computes the running experiment's metrics and stores them on it, unless the experiment changed
 * meanwhile (a new split or a promotion), whose document must not get an old experiment's figures.
 */
export async function refreshExperimentMetrics(deps: Deps): Promise<ExperimentMetrics | null> {
  const { db } = deps;
  const snap = await currentModelRef(db).get();
  const experiment = snap.exists ? CurrentModelDoc.parse(snap.data()).experiment : undefined;
  if (!experiment) return null;
  const metrics = await experimentMetrics(deps, experiment);
  const stored = await db.runTransaction(async (tx) => {
    const now = await tx.get(currentModelRef(db));
    if (now.get('experiment.id') !== experiment.id) return false;
    tx.update(currentModelRef(db), 'experiment.metrics', metrics);
    return true;
  });
  return stored ? metrics : null;
}
