/**
 * Fold-in end to end on the local stack (fold-in-scenario.ts): a new shopper with no history gets
 * the popular fallback; three product views, written as the app writes them (the client's
 * trackEvents, under the rules), reach the recommendationBoughtOnEvent trigger through the stack's
 * trigger relay, which folds the shopper in and rewrites their list; the shopper's listener sees a
 * list of the live model from the viewed products' cluster, and getRecommendations (through the
 * functions host) now answers with it. No retraining happens in between.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clusterOfItem, FoldInScenario } from '../../scripts/src/dev/fold-in-scenario';

const scenario = new FoldInScenario();

before(() => scenario.start());
after(() => scenario.stop());

describe('fold-in on the local stack', () => {
  test("three views change a new shopper's list within seconds, without retraining", async () => {
    const shopper = await scenario.newShopper('fold-in-shopper');
    const first = await scenario.getRecommendations(shopper);
    assert.equal(first.version, 'popular', JSON.stringify(first));
    assert.equal(first.fallback, 'no-list');

    const started = performance.now();
    for (const productId of ['b-item-1', 'b-item-4', 'b-item-9']) {
      assert.equal(shopper.tracker.track({ kind: 'view', productId }).ok, true);
    }
    const flushed = await shopper.tracker.flush();
    assert.deepEqual(flushed, { ok: true, value: 3 });
    // A list written after all three views: the relay may fold several quick events into one run.
    const { list, at } = await scenario.nextList(
      shopper,
      started,
      (l) => l.version === scenario.version && l.items.length > 0,
      20_000,
      "the shopper's folded-in list",
    );
    // The live model adds a trend bias (this week's bestsellers of either cluster), so the list
    // mixes; three views of b products must still make it lean to b.
    const top = list.items.slice(0, 10).map((i) => i.productId);
    assert.ok(
      top.filter((id) => clusterOfItem(id) === 'b').length >= 6,
      `top 10 after viewing b products: ${top.join(' ')}`,
    );
    console.log(`fold-in: three views to a new list in ${Math.round(at - started)} ms`);

    const answer = await scenario.getRecommendations(shopper);
    assert.equal(answer.version, scenario.version);
    assert.equal(answer.fallback, null);
    const personal = answer.items.filter((i) => i.source === 'personal').map((i) => i.productId);
    assert.ok(personal.length >= 5, JSON.stringify(answer));
    assert.deepEqual(
      personal,
      list.items.slice(0, personal.length).map((i) => i.productId),
      'the folded-in list',
    );
    const models = await scenario.db.collection('models').where('status', '==', 'complete').get();
    assert.equal(models.size, 1, 'no retraining ran');
  });
});
