/** Training on a world with a known answer, determinism, and the exclusion of owned items. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ownedItems } from '../../src/recommendations/interactions';
import { recommendTopK, trainRecommender, type TrainOptions } from '../../src/recommendations/model';
import { twoClusterWorld } from './synthetic-world';

const world = twoClusterWorld();
const { matrix } = world;
const small = { dim: 8, epochs: 8, seed: 3 };
const backend = { log: () => {} };

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((v, k) => {
    ab += v * b[k]!;
    aa += v * v;
    bb += b[k]! * b[k]!;
  });
  return ab / Math.sqrt(aa * bb);
}

for (const objective of ['weighted-als', 'softmax'] as const) {
  describe(`${objective} on two taste clusters`, () => {
    const options: Partial<TrainOptions> =
      objective === 'softmax' ? { ...small, objective, epochs: 30, batchSize: 16 } : { ...small, objective };

    test('customers of each cluster get their own cluster on top, never what they own', async () => {
      const losses: number[] = [];
      const model = await trainRecommender(matrix, options, {
        backend,
        onEpoch: (report) => {
          losses.push(report.loss);
        },
      });
      assert.equal(losses.length, options.epochs);
      assert.ok(losses.at(-1)! < losses[0]!, `loss should fall: ${losses.join(', ')}`);
      const lists = await recommendTopK(model, matrix, 5);
      let inCluster = 0;
      let total = 0;
      lists.forEach((list, u) => {
        const cluster = world.clusterOf.get(matrix.users[u]!);
        const owned = new Set(ownedItems(matrix, u));
        assert.equal(list.items.length, 5);
        assert.equal(
          world.clusterOf.get(matrix.items[list.items[0]!]!),
          cluster,
          `top item of ${matrix.users[u]}`,
        );
        for (const item of list.items) {
          assert.ok(!owned.has(item), `${matrix.users[u]} already owns ${matrix.items[item]}`);
          if (world.clusterOf.get(matrix.items[item]!) === cluster) inCluster++;
          total++;
        }
        for (let r = 1; r < list.scores.length; r++) assert.ok(list.scores[r - 1]! >= list.scores[r]!);
      });
      assert.ok(inCluster / total >= 0.95, `${inCluster}/${total} recommendations in the user's cluster`);

      // Item embeddings (what findNearest serves) are closer within a cluster than across.
      const vec = (i: number) => model.itemFactors.subarray(i * model.dim, (i + 1) * model.dim);
      let within = 0;
      let across = 0;
      let nWithin = 0;
      let nAcross = 0;
      for (let i = 0; i < matrix.items.length; i++) {
        for (let j = i + 1; j < matrix.items.length; j++) {
          const same = world.clusterOf.get(matrix.items[i]!) === world.clusterOf.get(matrix.items[j]!);
          const c = cosine(vec(i), vec(j));
          if (same) [within, nWithin] = [within + c, nWithin + 1];
          else [across, nAcross] = [across + c, nAcross + 1];
        }
      }
      assert.ok(
        within / nWithin > across / nAcross + 0.3,
        `within ${within / nWithin}, across ${across / nAcross}`,
      );
    });

    test('the same seed gives the same model; another seed another', async () => {
      const a = await trainRecommender(matrix, { ...options, epochs: 3 }, { backend });
      const b = await trainRecommender(matrix, { ...options, epochs: 3 }, { backend });
      const c = await trainRecommender(matrix, { ...options, epochs: 3, seed: 4 }, { backend });
      assert.deepEqual(a.userFactors, b.userFactors);
      assert.deepEqual(a.itemFactors, b.itemFactors);
      assert.notDeepEqual(a.itemFactors, c.itemFactors);
    });
  });
}

test('an empty matrix is refused with a clear error', async () => {
  const empty = { ...matrix, users: [], rowPtr: new Int32Array(1), cols: new Int32Array(0) };
  await assert.rejects(trainRecommender(empty, small, { backend }), /no positive interactions/);
});
