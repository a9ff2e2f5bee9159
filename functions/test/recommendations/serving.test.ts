/**
 * Serving against the emulator: getRecommendations filters stock and purchases at read time,
 * honours consent, falls back to popular-in-your-style, never serves a list of a model that is not
 * live; similarItems stays in its cluster; bad input gets clear errors and changes nothing. The
 * model is written by hand (two clusters of products with known vectors), so every answer is known.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { HttpsError } from 'firebase-functions/v2/https';
import { refusalOf } from './refusal';
import type { ModelDoc, RecommendationList } from '@hearth/contracts';
import { setConsent } from '../../src/customers/consent';
import { customerRef, eventsOf, newProfile, recommendationsRef } from '../../src/customers/profile';
import { newMetrics } from '../../src/inventory/deps';
import { onCustomerEvent } from '../../src/recommendations/bought';
import { recommendationCallables } from '../../src/recommendations/callables';
import { refreshPopular } from '../../src/recommendations/popular';
import { modelRef, switchIfBetter, writeEmbeddings, writeLists } from '../../src/recommendations/publish';
import { getRecommendations } from '../../src/recommendations/serve';
import { ServingState, stockSummaryRef, type ServingDeps } from '../../src/recommendations/serving-state';
import { similarItems } from '../../src/recommendations/similar';
import { onInventoryWritten, rebuildStockSummary } from '../../src/recommendations/stock-summary';

const start = Date.UTC(2026, 2, 1);
const day = 86_400_000;
let t = start;
const clock = { now: () => new Date(t) };

const cluster = (c: 'a' | 'b') => Array.from({ length: 8 }, (_, i) => `${c}-item-${i}`);
const style = { a: 'scandi', b: 'industrial' } as const;
const room = { a: 'living', b: 'office' } as const;
/** Out of stock from the start. */
const soldOut = 'a-item-2';
const version = 'v1';

const vectorOf = (id: string) => {
  const [c, , i] = id.split('-');
  const n = Number(i) / 10;
  return Float32Array.from(c === 'a' ? [1, n, 0, 0.05] : [0, n, 1, 0.05]);
};

const list = (v: string, ids: string[]): RecommendationList => ({
  version: v,
  generatedAt: Timestamp.fromMillis(start),
  items: ids.map((productId, n) => ({ productId, score: 1 - n / 100 })),
});

async function seed(db: Firestore): Promise<void> {
  const batch = db.batch();
  for (const c of ['a', 'b'] as const) {
    for (const id of cluster(c)) {
      batch.set(db.collection('products').doc(id), {
        name: id,
        category: 'decor',
        room: room[c],
        styleTags: [style[c]],
        active: true,
      });
      batch.set(db.collection('inventory').doc(`${id}-sku`), {
        sku: `${id}-sku`,
        productId: id,
        status: id === soldOut ? 'out' : 'in_stock',
        available: id === soldOut ? 0 : 5,
      });
    }
  }
  // Customers: ann and sam furnish in scandi, cole (new, no list) in industrial; popularity comes
  // from the events of pat, who consents. Purchases are as events, as the app records them.
  const profiles = [
    ['ann', true, 'a'],
    ['sam', true, 'a'],
    ['cole', true, 'b'],
    ['pat', true, 'b'],
  ] as const;
  for (const [uid, personalisation, c] of profiles) {
    batch.set(
      customerRef(db, uid),
      newProfile(
        {
          uid,
          displayName: uid,
          email: null,
          region: null,
          consent: { personalisation, marketing: false },
          consentSource: 'seed',
          preferences: { styles: [style[c]], rooms: [room[c]], budgetMinor: null },
        },
        new Date(start - 30 * day),
      ),
    );
  }
  // pat bought every product, the higher-numbered ones more often: popularity descends by number.
  [...cluster('a'), ...cluster('b')].forEach((productId, n) =>
    batch.set(eventsOf(db, 'pat').doc(`order-p${n}-0`), {
      kind: 'purchase',
      productId,
      sku: `${productId}-sku`,
      quantity: 1 + (n % 8),
      at: Timestamp.fromMillis(start - day),
    }),
  );
  await batch.commit();

  const model: ModelDoc = {
    version,
    slot: 'a',
    status: 'complete',
    backend: 'hand-written',
    params: {},
    window: {
      from: Timestamp.fromMillis(start - 365 * day),
      to: Timestamp.fromMillis(start),
      holdoutFrom: Timestamp.fromMillis(start - 14 * day),
    },
    counts: { events: 0, customers: 2, products: 16, excludedCustomers: 0 },
    metrics: { recall10: 0.5, ndcg10: 0.4, coverage10: 0.5, holdoutUsers: 2 },
    trainSeconds: 0,
    createdAt: Timestamp.fromMillis(start),
  };
  await modelRef(db, version).set(model);
  await writeEmbeddings(
    db,
    'a',
    [...cluster('a'), ...cluster('b')].map((productId) => ({ productId, vector: vectorOf(productId) })),
  );
  await writeLists(db, 'a', [
    { uid: 'ann', list: list(version, cluster('a')) },
    // sam's list in the live slot is from an older run that never went live.
    { uid: 'sam', list: list('v0', cluster('a')) },
  ]);
  assert.deepEqual(await switchIfBetter(db, version, 0.1, new Date(start)), { switched: true });
  await refreshPopular({ db, clock });
  await rebuildStockSummary({ db, clock });
}

describe('recommendation serving', () => {
  let fs: TestFirestore;
  let db: Firestore;
  let state: ServingState;
  const deps = (): ServingDeps => ({ db, clock, metrics: newMetrics(), state });
  const signedIn = (uid: string, data: unknown) => ({ data, auth: { uid, token: {} } as never });

  before(async () => {
    fs = await useEmulator();
    db = fs.adminDb;
    await seed(db);
    state = new ServingState(60_000);
  });
  after(() => fs.stop());

  test('the stock summary lists exactly the product with no sellable SKU', async () => {
    const summary = (await stockSummaryRef(db).get()).data();
    assert.deepEqual(summary?.unavailable, { [soldOut]: true });
  });

  test('a personal list leaves out what is out of stock and what was bought since; two reads a call', async () => {
    const event = {
      kind: 'purchase',
      productId: 'a-item-1',
      sku: null,
      quantity: 1,
      at: Timestamp.fromMillis(t),
    };
    await eventsOf(db, 'ann').doc('bought-1').set(event);
    assert.equal(await onCustomerEvent(db, 'ann', event), true);

    const first = deps();
    const answer = await getRecommendations(first, 'ann', { limit: 5 });
    assert.equal(answer.version, version);
    assert.equal(answer.fallback, null);
    assert.deepEqual(
      answer.items.map((i) => i.productId),
      ['a-item-0', 'a-item-3', 'a-item-4', 'a-item-5', 'a-item-6'],
    );
    assert.ok(answer.items.every((i) => i.source === 'personal' && typeof i.score === 'number'));
    assert.equal(first.metrics!.reads, 5, 'a cold instance reads the 3 shared documents once, plus 2');

    const warm = deps();
    await getRecommendations(warm, 'ann', { limit: 5 });
    assert.equal(warm.metrics!.reads, 2, 'the common case: profile and list');
  });

  test('a short list is topped up from popular in the customer style, then room, then overall', async () => {
    const answer = await getRecommendations(deps(), 'ann', { limit: 12 });
    const ids = answer.items.map((i) => i.productId);
    assert.equal(answer.version, version);
    assert.deepEqual(ids.slice(0, 6), [
      'a-item-0',
      'a-item-3',
      'a-item-4',
      'a-item-5',
      'a-item-6',
      'a-item-7',
    ]);
    // ann's style is scandi = cluster a, all of which is already in the list, bought or sold out:
    // the rest come from the store overall (her room, living, is cluster a as well).
    assert.ok(answer.items.slice(6).every((i) => i.source === 'popular' && i.productId.startsWith('b-')));
    assert.equal(new Set(ids).size, ids.length, 'no product twice');
    assert.ok(!ids.includes(soldOut) && !ids.includes('a-item-1'));
  });

  test('cold start: no list gives popular in your style first, in stock, most popular first', async () => {
    const answer = await getRecommendations(deps(), 'cole', { limit: 4 });
    assert.equal(answer.version, 'popular');
    assert.equal(answer.fallback, 'no-list');
    assert.deepEqual(
      answer.items.map((i) => [i.productId, i.source, i.reason]),
      ['b-item-7', 'b-item-6', 'b-item-5', 'b-item-4'].map((id) => [id, 'style', 'Popular in industrial']),
    );
  });

  test('a list left in the live slot by a model that is not live is not served', async () => {
    const answer = await getRecommendations(deps(), 'sam', { limit: 3 });
    assert.equal(answer.version, 'popular');
    assert.equal(answer.fallback, 'stale-list');
    assert.ok(answer.items.every((i) => i.source !== 'personal'));
    assert.ok(!answer.items.some((i) => i.productId === soldOut));
  });

  test('withdrawn consent gets the non-personal answer at once, though the old list is still stored', async () => {
    await setConsent({ db, clock, auth: {} as never }, 'ann', { personalisation: false });
    assert.ok((await recommendationsRef(db, 'ann').get()).get('a'), 'the list is still there');
    const answer = await getRecommendations(deps(), 'ann', { limit: 5 });
    assert.equal(answer.version, 'popular');
    assert.equal(answer.fallback, 'no-consent');
    assert.ok(
      answer.items.every((i) => i.source !== 'personal'),
      JSON.stringify(answer.items),
    );
    assert.ok(!answer.items.some((i) => i.productId === 'a-item-1'), 'still nothing already bought');
    await setConsent({ db, clock, auth: {} as never }, 'ann', { personalisation: true });
    assert.equal((await getRecommendations(deps(), 'ann', { limit: 5 })).fallback, null);
  });

  test('stock changes reach the summary through the trigger, and serving once the cache expires', async () => {
    const ref = db.collection('inventory').doc('a-item-0-sku');
    const before = (await ref.get()).data();
    const quiet = deps();
    await onInventoryWritten(quiet, before, { ...before, available: 4 });
    assert.equal(quiet.metrics!.reads, 0, 'a write that keeps the SKU sellable costs no read');

    await ref.update({ status: 'out', available: 0 });
    await onInventoryWritten(deps(), before, (await ref.get()).data());
    assert.equal((await stockSummaryRef(db).get()).get('unavailable.a-item-0'), true);

    const cached = await getRecommendations(deps(), 'ann', { limit: 1 });
    assert.equal(
      cached.items[0]?.productId,
      'a-item-0',
      'within the cache time the instance still offers it',
    );
    t += 60_000;
    const fresh = await getRecommendations(deps(), 'ann', { limit: 1 });
    assert.equal(fresh.items[0]?.productId, 'a-item-3');

    await ref.update({ status: 'in_stock', available: 5 });
    await onInventoryWritten(deps(), { ...before, status: 'out' }, (await ref.get()).data());
    assert.equal((await stockSummaryRef(db).get()).get('unavailable.a-item-0'), undefined);
    t += 60_000;
  });

  test('a lost trigger is repaired by the rebuild', async () => {
    await db.collection('inventory').doc('b-item-3-sku').update({ status: 'backorder', available: 0 });
    await stockSummaryRef(db).update({ 'unavailable.b-item-5': true });
    assert.deepEqual((await rebuildStockSummary({ db, clock })).sort(), ['b-item-3', 'b-item-5']);
    assert.deepEqual((await stockSummaryRef(db).get()).get('unavailable'), {
      [soldOut]: true,
      'b-item-3': true,
    });
    await db.collection('inventory').doc('b-item-3-sku').update({ status: 'in_stock', available: 5 });
    await rebuildStockSummary({ db, clock });
    t += 60_000;
  });

  test('the rebuild repairs more products than one transaction takes (30), each on its own figures', async () => {
    const before = (await stockSummaryRef(db).get()).get('unavailable');
    const ids = Array.from({ length: 65 }, (_, i) => `bulk-${i}`);
    const batch = db.batch();
    // Every third product has a sellable SKU beside its sold-out one; the rest are sold out.
    for (const [i, id] of ids.entries()) {
      batch.set(db.collection('inventory').doc(`${id}-a`), { productId: id, status: 'out' });
      batch.set(db.collection('inventory').doc(`${id}-b`), {
        productId: id,
        status: i % 3 === 0 ? 'low' : 'out',
      });
    }
    await batch.commit();
    // One listed wrongly the other way: sellable, yet in the summary.
    await stockSummaryRef(db).update({ 'unavailable.bulk-0': true });
    const soldOutIds = ids.filter((_, i) => i % 3 !== 0);
    assert.deepEqual((await rebuildStockSummary({ db, clock })).sort(), [...soldOutIds, 'bulk-0'].sort());
    const after = (await stockSummaryRef(db).get()).get('unavailable');
    assert.deepEqual(after, { ...before, ...Object.fromEntries(soldOutIds.map((id) => [id, true])) });
    assert.deepEqual(
      await rebuildStockSummary({ db, clock }),
      [],
      'a second rebuild finds nothing to repair',
    );
    const cleanup = db.batch();
    for (const id of ids) {
      cleanup.delete(db.collection('inventory').doc(`${id}-a`));
      cleanup.delete(db.collection('inventory').doc(`${id}-b`));
    }
    await cleanup.commit();
    await rebuildStockSummary({ db, clock });
    assert.deepEqual((await stockSummaryRef(db).get()).get('unavailable'), before);
  });

  test('similarItems: nearest products of the same cluster, never itself or what is sold out', async () => {
    const answer = await similarItems(deps(), { productId: 'a-item-1', limit: 6 });
    assert.equal(answer.version, version);
    const ids = answer.items.map((i) => i.productId);
    assert.equal(ids.length, 6);
    assert.ok(
      ids.every((id) => id.startsWith('a-')),
      ids.join(' '),
    );
    assert.ok(!ids.includes('a-item-1') && !ids.includes(soldOut));
    assert.deepEqual(ids.slice(0, 2).sort(), ['a-item-0', 'a-item-3'], 'the closest vectors first');
    const similarity = answer.items.map((i) => i.similarity);
    assert.deepEqual(
      [...similarity].sort((x, y) => y - x),
      similarity,
    );
    assert.ok(similarity.every((s) => s > 0.7 && s <= 1 + 1e-6));
  });

  test('bad input gets clear errors and changes nothing', async () => {
    const api = recommendationCallables(deps);
    const dump = async () =>
      JSON.stringify(
        await Promise.all(
          ['recommendations', 'customers', 'serving', 'models', 'products'].map(async (c) =>
            (await db.collection(c).get()).docs.map((d) => [d.ref.path, d.data()]),
          ),
        ),
      );
    const before = await dump();
    const cases: [Promise<unknown>, RegExp][] = [
      [api.getRecommendations({ data: {}, auth: undefined }), /^unauthenticated: Sign in first/],
      [api.similarItems({ data: { productId: 'a-item-0' }, auth: undefined }), /^unauthenticated/],
      [
        api.getRecommendations(signedIn('ann', { limit: 'ten' })),
        /^invalid-argument: limit: limit must be a number/,
      ],
      [api.getRecommendations(signedIn('ann', { limit: 0 })), /limit must be at least 1/],
      [api.getRecommendations(signedIn('ann', { limit: 10_000 })), /limit must be at most 50/],
      [api.getRecommendations(signedIn('ann', { limit: 2.5 })), /limit must be a whole number/],
      [api.getRecommendations(signedIn('ann', { limt: 5 })), /^invalid-argument: .*limt/],
      [api.getRecommendations(signedIn('ann', 'five')), /^invalid-argument/],
      [api.similarItems(signedIn('ann', {})), /^invalid-argument: productId: productId must be a string/],
      [api.similarItems(signedIn('ann', { productId: 'a/b' })), /productId must be 1-100 letters/],
      [api.similarItems(signedIn('ann', { productId: 'a-item-0', limit: 51 })), /limit must be at most 50/],
      [
        api.similarItems(signedIn('ann', { productId: 'no-such-thing' })),
        /^not-found: There is no product no-such-thing/,
      ],
    ];
    for (const [call, expected] of cases) assert.match(await refusalOf(call), expected);
    assert.equal(await dump(), before);

    // A handler call that works, for contrast: the same shapes the app sends.
    const ok = await api.getRecommendations(signedIn('cole', { limit: 2 }));
    assert.equal(ok.items.length, 2);
  });

  test('similarItems without a live model is a failed precondition', async () => {
    await db.collection('models').doc('current').delete();
    state = new ServingState(60_000);
    const api = recommendationCallables(deps);
    await assert.rejects(api.similarItems(signedIn('ann', { productId: 'a-item-0' })), (err: HttpsError) => {
      assert.equal(err.code, 'failed-precondition');
      assert.match(err.message, /No recommendation model is live yet/);
      return true;
    });
    const answer = await getRecommendations(deps(), 'ann', { limit: 3 });
    assert.deepEqual([answer.version, answer.fallback], ['popular', 'no-live-model']);
  });
});
