/**
 * The hybrid model through the retraining job against the emulator: products carry side
 * information (a style and a room per taste cluster, a few name words), and two products have never
 * been bought or viewed. They still get vectors, next to the products they share tokens with, so
 * similar items and fold-in work for them from the first day; the trend bias lifts what sold this
 * week; and the plain factorisation (hybrid: null) gives cold products nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { readItemFactors } from '../../src/recommendations/factors-store';
import { trendBias } from '../../src/recommendations/hybrid';
import { InteractionMatrixBuilder } from '../../src/recommendations/interactions';
import { currentModelRef } from '../../src/recommendations/publish';
import { retrainRecommender } from '../../src/recommendations/retrain';
import { now, twoClusterWorld } from './synthetic-world';

const world = twoClusterWorld();
const look = {
  a: { styleTags: ['scandi'], room: 'living-room', words: 'Birch Linen' },
  b: { styleTags: ['industrial'], room: 'office', words: 'Iron Rivet' },
} as const;
const cold = { 'a-item-cold': 'a', 'b-item-cold': 'b' } as const;

async function seed(db: Firestore): Promise<void> {
  const batch = db.batch();
  const products = [...world.clusterOf].filter(([id]) => id.includes('-item-'));
  for (const [id, c] of [...products, ...Object.entries(cold)] as [string, 'a' | 'b'][]) {
    batch.set(db.collection('products').doc(id), {
      name: `${look[c].words} ${id.endsWith('cold') ? 'Newcomer' : 'Piece'}`,
      category: 'decor',
      room: look[c].room,
      styleTags: look[c].styleTags,
      materials: [],
      active: true,
    });
  }
  for (const uid of [...world.clusterOf.keys()].filter((id) => id.includes('-user-')))
    batch.set(db.collection('customers').doc(uid), {
      uid,
      consent: { personalisation: true, marketing: false },
    });
  await batch.commit();
  for (let start = 0; start < world.events.length; start += 400) {
    const page = db.batch();
    world.events.slice(start, start + 400).forEach((e, n) =>
      page.set(
        db
          .collection('customers')
          .doc(e.userId)
          .collection('events')
          .doc(`order-o${start + n}-0`),
        {
          kind: e.kind === 'view' ? 'purchase' : e.kind,
          productId: e.itemId,
          sku: null,
          quantity: e.quantity ?? 1,
          at: Timestamp.fromMillis(e.at),
        },
      ),
    );
    await page.commit();
  }
}

const cosine = (a: Float32Array, b: Float32Array) => {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < a.length; k++) {
    ab += a[k]! * b[k]!;
    aa += a[k]! ** 2;
    bb += b[k]! ** 2;
  }
  return ab / Math.sqrt(aa * bb);
};

describe('hybrid model', () => {
  let fs: TestFirestore;
  let db: Firestore;

  before(async () => {
    fs = await useEmulator();
    db = fs.adminDb;
    await seed(db);
  });
  after(() => fs.stop());

  test('products nobody bought get vectors next to the products that share their tokens', async () => {
    const result = await retrainRecommender(
      { db, clock: { now: () => new Date(now) }, log: () => {} },
      // Each token here is carried by half the catalog: past the default maxShare, meant for a real one.
      { pageSize: 200, train: { dim: 8, epochs: 8 }, hybrid: { features: { weight: 3, maxShare: 0.6 } } },
    );
    assert.deepEqual(result.outcome, { switched: true });
    assert.equal(result.counts.customers, 80, 'feature rows are not customers');
    const live = (await currentModelRef(db).get()).data()!;
    const factors = (await readItemFactors(db, live.version as string))!;
    const vectorOf = (id: string) => {
      const i = factors.ids.indexOf(id);
      assert.ok(i >= 0, `${id} has a vector`);
      return factors.vectors.subarray(i * factors.dim, (i + 1) * factors.dim);
    };
    for (const [id, c] of Object.entries(cold)) {
      const mean = (k: 'a' | 'b') => {
        const ids = [...world.clusterOf]
          .filter(([x, cc]) => cc === k && x.includes('-item-'))
          .map(([x]) => x);
        return ids.reduce((s, x) => s + cosine(vectorOf(id), vectorOf(x)), 0) / ids.length;
      };
      const other = c === 'a' ? 'b' : 'a';
      assert.ok(mean(c) > mean(other) + 0.3, `${id}: own cluster ${mean(c)}, other ${mean(other)}`);
      const onProduct = (await db.collection('products').doc(id).get()).get(`embeddings.${live.slot}`);
      assert.ok(onProduct, `${id} has its vector field, so similarItems can serve it`);
    }
    const lists = await db.collection('recommendations').get();
    assert.equal(lists.size, 80, 'lists for customers only');
  });

  test('the plain factorisation leaves never-sold products without a vector', async () => {
    const result = await retrainRecommender(
      { db, clock: { now: () => new Date(now + 86_400_000) }, log: () => {} },
      { pageSize: 200, train: { dim: 8, epochs: 4 }, hybrid: null, maxRecallDrop: 1 },
    );
    const factors = (await readItemFactors(db, result.version))!;
    assert.equal(factors.ids.includes('a-item-cold'), false);
    assert.equal(factors.ids.length, 48);
  });

  test('the trend bias ranks what sold this week above what sold months ago', () => {
    const recent = new InteractionMatrixBuilder({ now, halfLifeDays: 7 });
    recent.add({ userId: 'u1', itemId: 'old', kind: 'purchase', quantity: 5, at: now - 120 * 86_400_000 });
    recent.add({ userId: 'u2', itemId: 'new', kind: 'purchase', quantity: 1, at: now - 86_400_000 });
    const bias = trendBias(['new', 'old', 'never'], recent.build(), 0.4);
    assert.ok(Math.abs(bias[0]! - 0.4) < 1e-6, `the top item gets the full weight: ${bias[0]}`);
    assert.ok(bias[1]! < 0.01 && bias[1]! > 0, `${bias[1]}`);
    assert.equal(bias[2], 0);
  });
});
