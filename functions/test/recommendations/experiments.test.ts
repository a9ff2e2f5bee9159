/**
 * A/B arms against the emulator: staff set a split between the two slots' models (refused for
 * customers and for bad shares, with nothing changed), every customer is served their arm's slot
 * and version on every call, the per-arm funnel is computed from seeded events with known counts,
 * fold-in follows each customer's arm, retraining waits while both slots serve, and promoting an
 * arm makes it the only live model.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { HttpsError } from 'firebase-functions/v2/https';
import { refusalOf } from './refusal';
import { CurrentModelDoc, type Experiment, type ModelDoc, type ModelSlot } from '@hearth/contracts';
import { customerRef, eventsOf, newProfile, recommendationsRef } from '../../src/customers/profile';
import { newMetrics } from '../../src/inventory/deps';
import { assignArm } from '../../src/recommendations/assignment';
import { recommendationCallables } from '../../src/recommendations/callables';
import { refreshExperimentMetrics } from '../../src/recommendations/experiment-metrics';
import { exposureRef } from '../../src/recommendations/exposures';
import { writeItemFactors } from '../../src/recommendations/factors-store';
import { FoldInCache, foldInCustomer } from '../../src/recommendations/fold-in';
import { currentModelRef, modelRef, switchIfBetter, writeLists } from '../../src/recommendations/publish';
import { retrainRecommender } from '../../src/recommendations/retrain';
import { getRecommendations } from '../../src/recommendations/serve';
import { ServingState, type ServingDeps } from '../../src/recommendations/serving-state';
import { wilson } from '../../src/recommendations/wilson';

const start = Date.UTC(2026, 5, 1);
const day = 86_400_000;
let t = start;
const clock = { now: () => new Date(t) };

const versions = { a: 'v-old', b: 'v-new' } as const;
const products = (slot: ModelSlot) => Array.from({ length: 5 }, (_, i) => `${slot}-prod-${i}`);
const uids = Array.from({ length: 40 }, (_, i) => `shopper-${i}`);

const modelDoc = (slot: ModelSlot, createdAt: number, status: ModelDoc['status'] = 'complete'): ModelDoc => ({
  version: versions[slot],
  slot,
  status,
  backend: 'hand-written',
  params: {},
  window: {
    from: Timestamp.fromMillis(createdAt - 365 * day),
    to: Timestamp.fromMillis(createdAt),
    holdoutFrom: Timestamp.fromMillis(createdAt - 14 * day),
  },
  counts: { events: 0, customers: uids.length, products: 10, excludedCustomers: 0 },
  metrics: { recall10: slot === 'a' ? 0.3 : 0.25, ndcg10: 0.2, coverage10: 0.5, holdoutUsers: 10 },
  trainSeconds: 0,
  createdAt: Timestamp.fromMillis(createdAt),
});

async function seed(db: Firestore): Promise<void> {
  const batch = db.batch();
  for (const id of [...products('a'), ...products('b')])
    batch.set(db.collection('products').doc(id), { name: id, category: 'decor', active: true });
  for (const uid of uids)
    batch.set(
      customerRef(db, uid),
      newProfile(
        {
          uid,
          displayName: uid,
          email: null,
          region: null,
          consent: { personalisation: true, marketing: false },
          consentSource: 'seed',
          preferences: { styles: [], rooms: [], budgetMinor: null },
        },
        new Date(start - 30 * day),
      ),
    );
  await batch.commit();
  // v-old went live first in slot a; v-new was trained later into slot b and not switched to
  // (its recall@10 was lower): the usual case for wanting to try it on real customers.
  await modelRef(db, versions.a).set(modelDoc('a', start - 2 * day));
  for (const slot of ['a', 'b'] as const) {
    await writeLists(
      db,
      slot,
      uids.map((uid) => ({
        uid,
        list: {
          version: versions[slot],
          generatedAt: Timestamp.fromMillis(start),
          items: products(slot).map((productId, n) => ({ productId, score: 1 - n / 10 })),
        },
      })),
    );
  }
  assert.deepEqual(await switchIfBetter(db, versions.a, 0.1, new Date(start - 2 * day)), { switched: true });
  await modelRef(db, versions.b).set({ ...modelDoc('b', start - day), status: 'rejected' });
}

describe('A/B arms', () => {
  let fs: TestFirestore;
  let db: Firestore;
  // A cache time of 0: every call sees models/current as it is now.
  const state = new ServingState(0);
  const deps = (): ServingDeps => ({ db, clock, metrics: newMetrics(), state });
  const api = () => recommendationCallables(deps);
  const staff = (data: unknown) => ({ data, auth: { uid: 'kim', token: { staff: true } } as never });
  const customer = (data: unknown) => ({ data, auth: { uid: 'shopper-1', token: {} } as never });
  const current = async () => CurrentModelDoc.parse((await currentModelRef(db).get()).data());
  let experiment: Experiment;
  const folded = new Set<string>();

  before(async () => {
    fs = await useEmulator();
    db = fs.adminDb;
    await seed(db);
  });
  after(() => fs.stop());

  test('a split is refused for non-staff and for bad shares or slots, with nothing changed', async () => {
    const dump = async () =>
      JSON.stringify((await db.collection('models').get()).docs.map((d) => [d.id, d.data()]));
    const before = await dump();
    const arms = (a: number, b: number) => [
      { slot: 'a', share: a },
      { slot: 'b', share: b },
    ];
    const key = 'split-refused-1';
    const cases: [Promise<unknown>, RegExp][] = [
      [
        api().setRecommenderSplit({ data: { arms: arms(50, 50), idempotencyKey: key }, auth: undefined }),
        /^unauthenticated/,
      ],
      [
        api().setRecommenderSplit(customer({ arms: arms(50, 50), idempotencyKey: key })),
        /^permission-denied: Only store staff/,
      ],
      [api().promoteRecommenderArm(customer({ slot: 'b', idempotencyKey: key })), /^permission-denied/],
      [
        api().setRecommenderSplit(staff({ arms: arms(50, 40), idempotencyKey: key })),
        /^invalid-argument: arms: the shares of the arms must add up to 100/,
      ],
      [
        api().setRecommenderSplit(staff({ arms: arms(110, -10), idempotencyKey: key })),
        /share must be at most 100; arms\.1\.share: share must be at least 0/,
      ],
      [
        api().setRecommenderSplit(staff({ arms: arms(50.5, 49.5), idempotencyKey: key })),
        /share must be a whole percent/,
      ],
      [
        api().setRecommenderSplit(
          staff({
            arms: [
              { slot: 'c', share: 50 },
              { slot: 'b', share: 50 },
            ],
            idempotencyKey: key,
          }),
        ),
        /^invalid-argument: arms\.0\.slot: slot must be "a" or "b"/,
      ],
      [
        api().setRecommenderSplit(
          staff({
            arms: [
              { slot: 'a', share: 50 },
              { slot: 'a', share: 50 },
            ],
            idempotencyKey: key,
          }),
        ),
        /arms must name each slot once/,
      ],
      [
        api().setRecommenderSplit(staff({ arms: [{ slot: 'a', share: 100 }], idempotencyKey: key })),
        /arms must name both slots/,
      ],
      [api().setRecommenderSplit(staff({ arms: arms(50, 50) })), /^invalid-argument: idempotencyKey/],
      [
        api().setRecommenderSplit(staff({ arms: arms(50, 50), idempotencyKey: key, extra: 1 })),
        /^invalid-argument: .*extra/,
      ],
      [
        api().setRecommenderSplit(
          staff({
            arms: [
              { slot: 'a', share: 50 },
              { slot: 'b', share: 50, version: 'v-other' },
            ],
            idempotencyKey: key,
          }),
        ),
        /^failed-precondition: Slot b holds v-new now, not v-other/,
      ],
      [
        api().promoteRecommenderArm(staff({ slot: 'b', idempotencyKey: key })),
        /^failed-precondition: No experiment is running/,
      ],
    ];
    for (const [call, expected] of cases) assert.match(await refusalOf(call), expected);
    assert.equal(await dump(), before);

    // A run writing into slot b right now: its half-written model may not serve anyone.
    const writing = { ...modelDoc('b', start), version: 'v-writing', status: 'writing' as const };
    await modelRef(db, 'v-writing').set(writing);
    const withWriting = await dump();
    assert.match(
      await refusalOf(api().setRecommenderSplit(staff({ arms: arms(50, 50), idempotencyKey: key }))),
      /^failed-precondition: Slot b's newest model v-writing is still being written/,
    );
    assert.equal(await dump(), withWriting);
    await modelRef(db, 'v-writing').delete();

    // A record in slot b that is no model record: the slot's content cannot be told, so no split.
    await modelRef(db, 'v-broken').set({ slot: 'b', version: 'v-broken' });
    const withBroken = await dump();
    assert.match(
      await refusalOf(api().setRecommenderSplit(staff({ arms: arms(50, 50), idempotencyKey: key }))),
      /^failed-precondition: models\/v-broken is not a model record/,
    );
    assert.equal(await dump(), withBroken);
    await modelRef(db, 'v-broken').delete();
  });

  test('staff set a 50/50 split of the two slots; a retry with the same key changes nothing', async () => {
    const request = {
      arms: [
        { slot: 'b', share: 50, version: versions.b },
        { slot: 'a', share: 50 },
      ],
      idempotencyKey: 'split-50-50-1',
    };
    const answer = await api().setRecommenderSplit(staff(request));
    assert.deepEqual(answer.live, { version: versions.a, slot: 'a' });
    assert.deepEqual(answer.arms, [
      { slot: 'a', version: versions.a, share: 50 },
      { slot: 'b', version: versions.b, share: 50 },
    ]);
    experiment = (await current()).experiment!;
    assert.equal(experiment.id, answer.experimentId);
    assert.equal(experiment.startedAt.toMillis(), t);

    t += 1000;
    const again = await api().setRecommenderSplit(staff(request));
    assert.deepEqual(again, answer);
    const sameSplit = await api().setRecommenderSplit(staff({ ...request, idempotencyKey: 'split-50-50-2' }));
    assert.equal(sameSplit.experimentId, answer.experimentId, 'the same split keeps the running experiment');
    assert.equal((await current()).experiment!.startedAt.toMillis(), start);
  });

  test("every customer is served their arm's slot and version, the same on every call", async () => {
    const seen = { a: 0, b: 0 };
    for (const uid of uids) {
      const arm = assignArm(uid, experiment);
      for (let call = 0; call < 2; call++) {
        const answer = await getRecommendations(deps(), uid, { limit: 3 });
        assert.deepEqual(answer.arm, { experimentId: experiment.id, slot: arm.slot, version: arm.version });
        assert.equal(answer.version, arm.version);
        assert.equal(answer.fallback, null);
        assert.deepEqual(
          answer.items.map((i) => i.productId),
          products(arm.slot).slice(0, 3),
          `${uid} in arm ${arm.slot}`,
        );
      }
      seen[arm.slot] += 1;
    }
    assert.ok(seen.a >= 10 && seen.b >= 10, `both arms serve: ${JSON.stringify(seen)}`);
    const exposure = (await exposureRef(db, uids[0]!, experiment.id).get()).data();
    assert.equal(exposure?.answers, 2);
    assert.equal(exposure?.impressions, 6);
    assert.equal(exposure?.firstAt.toMillis(), t);
  });

  test('per-arm funnel from seeded events: clicks, cart adds and purchases with Wilson intervals', async () => {
    const exposedAt = t;
    const expected = {
      a: { customers: 0, clicks: 0, cartAdds: 0, purchases: 0, cartAdders: 0, buyers: 0 },
      b: { customers: 0, clicks: 0, cartAdds: 0, purchases: 0, cartAdders: 0, buyers: 0 },
    };
    const batch = db.batch();
    const at = (ms: number) => Timestamp.fromMillis(ms);
    const event = (kind: string, productId: string, ms: number) => ({
      kind,
      productId,
      sku: null,
      quantity: 1,
      at: at(ms),
    });
    uids.forEach((uid, n) => {
      const slot = assignArm(uid, experiment).slot;
      const e = expected[slot];
      const events = eventsOf(db, uid);
      e.customers += 1;
      // Before the first answer: none of these count.
      batch.set(events.doc('1-1'), event('cartAdd', products(slot)[0]!, exposedAt - 5000));
      batch.set(events.doc(`order-early${n}-0`), event('purchase', products(slot)[0]!, exposedAt - 5000));
      // Every customer views a served product (a click) and one never served (not a click).
      batch.set(events.doc('2-1'), event('view', products(slot)[1]!, exposedAt + 1000));
      batch.set(events.doc('2-2'), event('view', 'not-served', exposedAt + 1000));
      e.clicks += 1;
      if (n % 2 === 0) {
        batch.set(events.doc('2-3'), event('cartAdd', products(slot)[1]!, exposedAt + 2000));
        batch.set(events.doc('2-4'), event('cartAdd', products(slot)[2]!, exposedAt + 2000));
        e.cartAdds += 2;
        e.cartAdders += 1;
      }
      if (n % 4 === 0) {
        batch.set(events.doc(`order-o${n}-0`), event('purchase', products(slot)[1]!, exposedAt + 3000));
        e.purchases += 1;
        e.buyers += 1;
      }
      // A purchase an app wrote under an app id: not a purchase the store recorded.
      if (n % 4 === 1) batch.set(events.doc('2-5'), event('purchase', products(slot)[2]!, exposedAt + 3000));
    });
    await batch.commit();

    t += 60_000;
    const metrics = await refreshExperimentMetrics(deps());
    assert.ok(metrics);
    for (const arm of metrics.arms) {
      const e = expected[arm.slot];
      assert.deepEqual(
        {
          customers: arm.customers,
          answers: arm.answers,
          impressions: arm.impressions,
          clicks: arm.clicks,
          cartAdds: arm.cartAdds,
          purchases: arm.purchases,
        },
        {
          customers: e.customers,
          answers: 2 * e.customers,
          impressions: 6 * e.customers,
          clicks: e.clicks,
          cartAdds: e.cartAdds,
          purchases: e.purchases,
        },
        `arm ${arm.slot}`,
      );
      assert.equal(arm.version, versions[arm.slot]);
      assert.deepEqual(arm.clickRate, wilson(e.clicks, 6 * e.customers));
      assert.deepEqual(arm.cartAddRate, wilson(e.cartAdders, e.customers));
      assert.deepEqual(arm.conversion, wilson(e.buyers, e.customers));
      assert.ok(arm.conversion.low < arm.conversion.rate! && arm.conversion.rate! < arm.conversion.high);
    }
    const stored = (await current()).experiment!.metrics!;
    assert.equal(stored.computedAt.toMillis(), t);
    assert.deepEqual(JSON.parse(JSON.stringify(stored.arms)), JSON.parse(JSON.stringify(metrics.arms)));
  });

  test("fold-in rewrites the list of the customer's own arm, with that arm's model", async () => {
    const ids = [...products('a'), ...products('b')];
    for (const slot of ['a', 'b'] as const)
      await writeItemFactors(db, {
        version: versions[slot],
        dim: 2,
        ids,
        vectors: Float32Array.from(
          ids.flatMap((id, n) => (id.startsWith(slot) ? [1, n / 100] : [0.1, n / 100])),
        ),
        bias: new Float32Array(ids.length),
      });
    const cache = new FoldInCache();
    for (const slot of ['a', 'b'] as const) {
      const uid = uids.find((u) => assignArm(u, experiment).slot === slot)!;
      const other = slot === 'a' ? 'b' : 'a';
      const before = (await recommendationsRef(db, uid).get()).data()!;
      t += 1000;
      const outcome = await foldInCustomer({ db, clock, cache }, uid);
      assert.equal(outcome.written, true, `${uid}: ${JSON.stringify(outcome)}`);
      const after = (await recommendationsRef(db, uid).get()).data()!;
      assert.equal(after[slot].version, versions[slot]);
      assert.equal(after[slot].generatedAt.toMillis(), t, `arm ${slot}'s list is the one folded in`);
      assert.ok(
        after[slot].items.slice(0, 3).every((i: { productId: string }) => i.productId.startsWith(slot)),
        `ranked by arm ${slot}'s vectors: ${JSON.stringify(after[slot].items.slice(0, 3))}`,
      );
      assert.deepEqual(after[other], before[other], 'the other arm is left as it was');
      folded.add(uid);
    }
  });

  test('retraining waits while both slots serve, and the nightly switch does not end the experiment', async () => {
    await assert.rejects(
      retrainRecommender({ db, clock, log: () => {} }),
      /Experiment .* serves both slots: promote an arm/,
    );
    assert.deepEqual(await switchIfBetter(db, versions.b, 0.5, clock.now()), {
      switched: false,
      reason: `experiment ${experiment.id} is running`,
    });
    assert.equal((await current()).experiment?.id, experiment.id);
  });

  test('promoting an arm makes it the only live model and ends the experiment', async () => {
    t += 60_000;
    const key = 'promote-b-1';
    const answer = await api().promoteRecommenderArm(staff({ slot: 'b', idempotencyKey: key }));
    assert.deepEqual(answer, { experimentId: null, live: { version: versions.b, slot: 'b' }, arms: [] });
    const live = await current();
    assert.equal(live.experiment, undefined);
    assert.deepEqual([live.version, live.slot, live.metrics.recall10], [versions.b, 'b', 0.25]);
    assert.equal(live.switchedAt.toMillis(), t);
    assert.equal(live.endedExperiment?.id, experiment.id);
    assert.equal(live.endedExperiment?.promoted, 'b');
    assert.equal(live.endedExperiment?.metrics?.arms.length, 2, 'the last metrics are kept');

    for (const uid of uids) {
      const served = await getRecommendations(deps(), uid, { limit: 3 });
      assert.deepEqual([served.version, served.arm], [versions.b, null], uid);
      // Folded-in lists are ranked afresh; the rest are as trained.
      if (!folded.has(uid))
        assert.deepEqual(
          served.items.map((i) => i.productId),
          products('b').slice(0, 3),
        );
    }
    // A retry of the same call answers the same; another promotion has no experiment to end.
    assert.deepEqual(await api().promoteRecommenderArm(staff({ slot: 'b', idempotencyKey: key })), answer);
    await assert.rejects(
      api().promoteRecommenderArm(staff({ slot: 'a', idempotencyKey: 'promote-a-1' })),
      (err: HttpsError) => err.code === 'failed-precondition' && /No experiment is running/.test(err.message),
    );
    assert.equal((await current()).version, versions.b);
  });
});
