/**
 * The retraining job against the emulator: paged reads, consent, vectors on products, lists per
 * customer, and the switch of models/current (whole, not worse, and untouched by a crashed run).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Timestamp, type Firestore, type WriteBatch } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { CurrentModelDoc, ModelDoc, RecommendationsDoc } from '@hearth/contracts';
import { currentModelRef, liveRecommendations, modelRef } from '../../src/recommendations/publish';
import { retrainRecommender, type RetrainDeps, type RetrainOptions } from '../../src/recommendations/retrain';
import { now, twoClusterWorld } from './synthetic-world';

const storedEventId = (kind: string, n: number) =>
  kind === 'purchase' ? `order-o${n}-0` : `e${String(n).padStart(19, '0')}`;

const world = twoClusterWorld();
const withdrawn = 'a-user-0';
const options: Partial<RetrainOptions> = { pageSize: 50, train: { dim: 8, epochs: 6 } };
const day = 86_400_000;

async function seed(db: Firestore): Promise<void> {
  const products = [...world.clusterOf.keys()].filter((id) => id.includes('-item-'));
  const users = [...world.clusterOf.keys()].filter((id) => id.includes('-user-'));
  const writes: ((b: WriteBatch) => void)[] = [
    ...products.map(
      (id) => (b: WriteBatch) =>
        b.set(db.collection('products').doc(id), { name: id, category: 'decor', active: true }),
    ),
    ...users.map(
      (uid) => (b: WriteBatch) =>
        b.set(db.collection('customers').doc(uid), {
          uid,
          consent: { personalisation: uid !== withdrawn, marketing: false },
        }),
    ),
    ...world.events.map(
      (e, n) => (b: WriteBatch) =>
        // Ids as their writers give them: the store's order- ids for purchases, auto ids for the rest.
        b.set(db.collection('customers').doc(e.userId).collection('events').doc(storedEventId(e.kind, n)), {
          kind: e.kind,
          productId: e.itemId,
          sku: null,
          quantity: e.quantity ?? 1,
          at: Timestamp.fromMillis(e.at),
        }),
    ),
  ];
  for (let i = 0; i < writes.length; i += 400) {
    const batch = db.batch();
    writes.slice(i, i + 400).forEach((w) => w(batch));
    await batch.commit();
  }
}

const clockAt = (ms: number) => ({ now: () => new Date(ms) });

describe('retrainRecommender', () => {
  let fs: TestFirestore;
  let db: Firestore;
  const deps = (ms: number, extra: Partial<RetrainDeps> = {}): RetrainDeps => ({
    db,
    clock: clockAt(ms),
    log: () => {},
    ...extra,
  });

  before(async () => {
    fs = await useEmulator();
    db = fs.adminDb;
    await seed(db);
  });
  after(() => fs.stop());

  test('a first run writes vectors, lists for consenting customers, and goes live', async () => {
    const phases = new Set<string>();
    const result = await retrainRecommender(deps(now, { onProgress: (p) => phases.add(p.phase) }), options);
    assert.deepEqual(result.outcome, { switched: true });
    assert.deepEqual([...phases], ['read', 'fit-holdout', 'fit', 'embeddings', 'lists', 'switch']);
    assert.equal(result.counts.excludedCustomers, 1);
    assert.ok(result.metrics.holdoutUsers > 0, 'the last 14 days hold purchases to measure on');
    assert.ok(result.metrics.recall10 > 0.3, `held-out recall@10 ${result.metrics.recall10}`);

    const current = CurrentModelDoc.parse((await currentModelRef(db).get()).data());
    assert.equal(current.version, result.version);
    assert.equal(current.slot, 'a');
    const model = ModelDoc.parse((await modelRef(db, result.version).get()).data());
    assert.equal(model.status, 'complete');
    assert.equal(model.counts.customers, 79);

    const product = await db.collection('products').doc('b-item-3').get();
    assert.equal(product.get('embeddings.a').toArray().length, 8);
    assert.equal(product.get('name'), 'b-item-3', 'the rest of the product is untouched');
    const nearest = await db
      .collection('products')
      .findNearest({
        vectorField: 'embeddings.a',
        queryVector: product.get('embeddings.a'),
        limit: 6,
        distanceMeasure: 'COSINE',
      })
      .get();
    const similar = nearest.docs.map((d) => d.id);
    assert.equal(similar[0], 'b-item-3');
    assert.ok(
      similar.every((id) => world.clusterOf.get(id) === 'b'),
      `similar items: ${similar.join(' ')}`,
    );

    assert.equal((await db.collection('recommendations').doc(withdrawn).get()).exists, false);
    const live = await liveRecommendations(db, 'b-user-5');
    assert.ok(live);
    assert.equal(live.version, result.version);
    const bought = world.events.filter((e) => e.userId === 'b-user-5' && e.kind === 'purchase');
    const items = live.list.items.map((i) => i.productId);
    assert.ok(
      items.slice(0, 5).every((id) => world.clusterOf.get(id) === 'b'),
      items.join(' '),
    );
    assert.ok(bought.length > 0 && bought.every((e) => !items.includes(e.itemId)), 'nothing already bought');
  });

  test('a run that crashes while writing leaves the live model serving; the next run completes', async () => {
    const before = CurrentModelDoc.parse((await currentModelRef(db).get()).data());
    // The live slot's data as it is before the crash: its vectors on a product and a customer's list.
    const liveField = `embeddings.${before.slot}`;
    const liveVector = (await db.collection('products').doc('a-item-1').get()).get(liveField);
    assert.ok(liveVector, `the live slot ${before.slot} has a vector before the crash`);
    const listBefore = (await db.collection('recommendations').doc('a-user-3').get()).data();
    const crash = deps(now + day, {
      afterPhase: (phase) => {
        if (phase === 'embeddings') throw new Error('simulated crash');
      },
    });
    await assert.rejects(retrainRecommender(crash, options), /simulated crash/);
    assert.deepEqual(CurrentModelDoc.parse((await currentModelRef(db).get()).data()), before);
    const live = await liveRecommendations(db, 'a-user-3');
    assert.equal(live?.version, before.version, 'customers still get the live version');
    const product = await db.collection('products').doc('a-item-1').get();
    assert.equal(before.slot, 'a');
    assert.ok(product.get('embeddings.b'), 'the crashed run wrote the idle slot');
    assert.ok(product.get(liveField)?.isEqual(liveVector), 'the crashed run left the live slot as it was');
    assert.deepEqual(
      (await db.collection('recommendations').doc('a-user-3').get()).data(),
      listBefore,
      "the crashed run left the customer's lists as they were",
    );

    const result = await retrainRecommender(deps(now + 2 * day), options);
    assert.deepEqual(result.outcome, { switched: true });
    const current = CurrentModelDoc.parse((await currentModelRef(db).get()).data());
    assert.deepEqual([current.version, current.slot], [result.version, 'b']);
    const doc = RecommendationsDoc.parse(
      (await db.collection('recommendations').doc('a-user-3').get()).data(),
    );
    assert.equal(doc.a?.version, before.version, 'the old slot stays until the next run');
    assert.equal(doc.b?.version, result.version);
  });

  test('a model much worse than the live one is recorded but not switched to', async () => {
    const before = CurrentModelDoc.parse((await currentModelRef(db).get()).data());
    await currentModelRef(db).update({ 'metrics.recall10': 1 });
    const result = await retrainRecommender(deps(now + 3 * day), options);
    assert.equal(result.outcome.switched, false);
    const model = ModelDoc.parse((await modelRef(db, result.version).get()).data());
    assert.equal(model.status, 'rejected');
    assert.match(model.rejectedBecause ?? '', /recall@10/);
    const current = CurrentModelDoc.parse((await currentModelRef(db).get()).data());
    assert.equal(current.version, before.version);
  });
});
