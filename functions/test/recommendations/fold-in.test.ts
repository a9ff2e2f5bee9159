/**
 * Real-time fold-in against the emulator: a model trained and published by the retraining job, then
 * customers' events folded in one customer at a time. The solve is the training half-step (a trained
 * customer's folded-in list agrees with their trained one), a new shopper's list appears and follows
 * their views, events that fail the trust checks change nothing, consent and erasure are honoured,
 * and concurrent fold-ins of one customer leave the newest list.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { RecommendationsDoc } from '@hearth/contracts';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { readItemFactors } from '../../src/recommendations/factors-store';
import { FoldInCache, foldInCustomer, solveSpd, type FoldInDeps } from '../../src/recommendations/fold-in';
import { currentModelRef, liveRecommendations } from '../../src/recommendations/publish';
import { retrainRecommender } from '../../src/recommendations/retrain';
import { seededRandom } from '../../src/recommendations/seeded-random';
import { now, twoClusterWorld } from './synthetic-world';

const world = twoClusterWorld();
const minute = 60_000;
let t = now;
const clock = { now: () => new Date(t) };
let autoId = 0;
/** An id as the web SDK's auto ids look (20 letters and digits): what app events are stored under. */
const appId = () => `fold${String(++autoId).padStart(16, '0')}`;

async function seedWorld(db: Firestore): Promise<void> {
  const ids = [...world.clusterOf.keys()];
  let batch = db.batch();
  let n = 0;
  const flush = async () => {
    await batch.commit();
    batch = db.batch();
  };
  for (const id of ids.filter((x) => x.includes('-item-'))) {
    batch.set(db.collection('products').doc(id), { name: id, category: 'decor', active: true });
  }
  for (const uid of ids.filter((x) => x.includes('-user-'))) {
    batch.set(db.collection('customers').doc(uid), {
      uid,
      consent: { personalisation: true, marketing: false },
    });
  }
  await flush();
  for (const e of world.events) {
    const id = e.kind === 'purchase' ? `order-o${n}-0` : appId();
    batch.set(db.collection('customers').doc(e.userId).collection('events').doc(id), {
      kind: e.kind,
      productId: e.itemId,
      sku: null,
      quantity: e.quantity ?? 1,
      at: Timestamp.fromMillis(e.at),
    });
    if (++n % 400 === 0) await flush();
  }
  await flush();
}

async function addCustomer(db: Firestore, uid: string, personalisation = true): Promise<void> {
  await db
    .collection('customers')
    .doc(uid)
    .set({ uid, consent: { personalisation, marketing: false } });
}

async function event(
  db: Firestore,
  uid: string,
  kind: string,
  productId: string,
  id = appId(),
  quantity = 1,
) {
  t += minute;
  await db
    .collection('customers')
    .doc(uid)
    .collection('events')
    .doc(id)
    .set({ kind, productId, sku: null, quantity, at: Timestamp.fromMillis(t) });
}

const listOf = async (db: Firestore, uid: string) => (await liveRecommendations(db, uid))?.list.items ?? [];
const clusterShare = (items: { productId: string }[], c: 'a' | 'b', k = 5) =>
  items.slice(0, k).filter((i) => world.clusterOf.get(i.productId) === c).length / Math.min(k, items.length);

describe('fold-in', () => {
  let fs: TestFirestore;
  let db: Firestore;
  let deps: FoldInDeps;

  before(async () => {
    fs = await useEmulator();
    db = fs.adminDb;
    await seedWorld(db);
    const result = await retrainRecommender(
      { db, clock, log: () => {} },
      { pageSize: 200, train: { dim: 8, epochs: 6 } },
    );
    assert.deepEqual(result.outcome, { switched: true });
    deps = { db, clock, cache: new FoldInCache() };
  });
  after(() => fs.stop());

  test('the published factors are the live model, every product with a vector', async () => {
    const live = (await currentModelRef(db).get()).data()!;
    const factors = await readItemFactors(db, live.version as string);
    assert.ok(factors);
    assert.equal(factors.dim, 8);
    assert.equal(factors.ids.length, 48);
    assert.equal(factors.vectors.length, 48 * 8);
    const onProduct = (await db.collection('products').doc(factors.ids[3]!).get()).get(
      `embeddings.${live.slot}`,
    );
    assert.deepEqual(
      Array.from(factors.vectors.subarray(3 * 8, 4 * 8), (v) => v.toFixed(5)),
      (onProduct.toArray() as number[]).map((v) => Math.fround(v).toFixed(5)),
    );
  });

  test('the Cholesky solve returns x with A x = b for a positive-definite A', () => {
    const random = seededRandom(3);
    const f = 16;
    const m = Float64Array.from({ length: f * f }, () => random() - 0.5);
    const a = new Float64Array(f * f);
    for (let i = 0; i < f; i++)
      for (let j = 0; j < f; j++) {
        let s = i === j ? 0.1 : 0;
        for (let k = 0; k < f; k++) s += m[i * f + k]! * m[j * f + k]!;
        a[i * f + j] = s;
      }
    const b = Float64Array.from({ length: f }, () => random());
    const x = solveSpd(a, b, f);
    for (let i = 0; i < f; i++) {
      let s = 0;
      for (let k = 0; k < f; k++) s += a[i * f + k]! * x[k]!;
      assert.ok(Math.abs(s - b[i]!) < 1e-9, `row ${i}: ${s} against ${b[i]}`);
    }
    assert.throws(() => solveSpd(new Float64Array(f * f), b, f), /not positive definite/);
  });

  test("a trained customer's folded-in list agrees with their trained list", async () => {
    const trained = await listOf(db, 'b-user-5');
    const outcome = await foldInCustomer(deps, 'b-user-5');
    assert.equal(outcome.written, true);
    const folded = await listOf(db, 'b-user-5');
    const top = new Set(trained.slice(0, 5).map((i) => i.productId));
    const same = folded.slice(0, 5).filter((i) => top.has(i.productId)).length;
    assert.ok(
      same >= 3,
      `top 5 trained ${[...top].join(' ')}, folded ${folded.map((i) => i.productId).join(' ')}`,
    );
    assert.equal(clusterShare(folded, 'b'), 1);
    const bought = world.events
      .filter((e) => e.userId === 'b-user-5' && e.kind === 'purchase')
      .map((e) => e.itemId);
    assert.ok(
      folded.every((i) => !bought.includes(i.productId)),
      'nothing already bought',
    );
  });

  test('a new shopper has no list; three views write one that follows the viewed products', async () => {
    const views = { b: ['b-item-1', 'b-item-4', 'b-item-9'], a: ['a-item-2', 'a-item-5', 'a-item-7'] };
    const lists: Record<'a' | 'b', { productId: string }[]> = { a: [], b: [] };
    for (const c of ['b', 'a'] as const) {
      const uid = `new-shopper-${c}`;
      await addCustomer(db, uid);
      assert.deepEqual(await foldInCustomer(deps, uid), { written: false, reason: 'no-signal' });
      assert.equal(await liveRecommendations(db, uid), null);
      for (const productId of views[c]) {
        await event(db, uid, 'view', productId);
        const outcome = await foldInCustomer(deps, uid);
        assert.equal(outcome.written, true, JSON.stringify(outcome));
      }
      lists[c] = await listOf(db, uid);
      assert.equal(lists[c].length, 48, 'every product, none owned');
    }
    // Three views are a weak signal next to the live model's trend bias (this week's bestsellers
    // of either cluster), so the lists mix; but each leans to the cluster its shopper viewed.
    const ids = (c: 'a' | 'b') => lists[c].map((i) => i.productId).join(' ');
    assert.ok(clusterShare(lists.b, 'b', 10) >= 0.6, ids('b'));
    assert.ok(clusterShare(lists.a, 'a', 10) >= 0.6, ids('a'));
    assert.ok(
      clusterShare(lists.b, 'b', 10) - clusterShare(lists.a, 'b', 10) >= 0.3,
      `${ids('b')} / ${ids('a')}`,
    );
  });

  test('forged purchases, oversized app events and unknown products change nothing', async () => {
    await addCustomer(db, 'forger');
    // A purchase under an app's auto id: the rules refuse it; if one got in, it must not count.
    await event(db, 'forger', 'purchase', 'a-item-1');
    await event(db, 'forger', 'cartAdd', 'a-item-3', appId(), 500);
    await event(db, 'forger', 'view', 'no-such-product');
    await event(db, 'forger', 'view', 'a-item-4', 'not-an-app-id');
    assert.deepEqual(await foldInCustomer(deps, 'forger'), { written: false, reason: 'no-signal' });
    assert.equal((await db.collection('recommendations').doc('forger').get()).exists, false);
  });

  test('no list for a customer without consent, or erased', async () => {
    await addCustomer(db, 'private', false);
    await event(db, 'private', 'view', 'a-item-1');
    assert.deepEqual(await foldInCustomer(deps, 'private'), { written: false, reason: 'no-consent' });
    await event(db, 'ghost', 'view', 'a-item-1');
    assert.deepEqual(await foldInCustomer(deps, 'ghost'), { written: false, reason: 'no-consent' });
    for (const uid of ['private', 'ghost'])
      assert.equal((await db.collection('recommendations').doc(uid).get()).exists, false, uid);
  });

  test('twelve fold-ins of one customer at once: all finish, the newest list stays', async () => {
    await addCustomer(db, 'busy');
    await event(db, 'busy', 'view', 'b-item-2');
    const started = Array.from({ length: 12 }, (_, n) => {
      const at = t + n;
      return foldInCustomer({ ...deps, clock: { now: () => new Date(at) } }, 'busy');
    });
    const outcomes = await Promise.all(started);
    assert.ok(
      outcomes.some((o) => o.written),
      JSON.stringify(outcomes),
    );
    assert.ok(
      outcomes.every((o) => o.written || o.reason === 'newer-list'),
      JSON.stringify(outcomes),
    );
    const doc = RecommendationsDoc.parse((await db.collection('recommendations').doc('busy').get()).data());
    const list = doc.a ?? doc.b;
    assert.equal(list?.generatedAt.toMillis(), t + 11, 'the fold-in that started last wrote last');
  });
});
