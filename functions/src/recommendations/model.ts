/**
 * The collaborative filter: matrix factorisation trained in TensorFlow.js with a weighted
 * multinomial (full softmax) likelihood over the catalog. Each user's positive interaction weights,
 * normalised, are the target distribution over items; the model's distribution is
 * softmax(u . V + b). Scoring every item per user is a dense matMul, which the WASM backend runs
 * fast, and it needs no negative sampling, so it is deterministic and converges in few epochs
 * (see bench/results/recs-eval.json for how it compares with BPR-free baselines and ALS).
 *
 * Gradients are written by hand and applied with Adam: the logits' gradient is softmax - target,
 * and every matMul keeps both operands untransposed (WASM's fast path), with the small operand
 * transposed explicitly. This also avoids TF.js's gather gradient, which WASM lacks a kernel for.
 */
import { initBackend, tf, type BackendName, type BackendOptions } from './backend';
import { type InteractionMatrix, ownedItems } from './interactions';
import { topKExcluding, type Ranked } from './top-k';

export interface TrainOptions {
  dim: number;
  epochs: number;
  learningRate: number;
  /** L2 penalty on the user rows of a batch and on the item factors. */
  l2: number;
  /** Users per step; lowered when `batchSize * items` would exceed `maxBatchCells`. */
  batchSize: number;
  /** Bounds the dense (users x items) tensors of a step, and so memory. */
  maxBatchCells: number;
  /** Softens heavy pairs: the target is weight^power before normalising. */
  weightPower: number;
  seed: number;
}

export const defaultTrainOptions: TrainOptions = {
  dim: 64,
  epochs: 20,
  learningRate: 0.005,
  l2: 1e-4,
  batchSize: 256,
  maxBatchCells: 2 ** 21,
  weightPower: 1,
  seed: 42,
};

export interface EpochReport {
  epoch: number;
  epochs: number;
  /** Mean cross-entropy per user (nats) over the epoch. */
  loss: number;
  ms: number;
}

/** Plain arrays, free of TF.js, so callers can write them anywhere. */
export interface TrainedModel {
  users: string[];
  items: string[];
  dim: number;
  /** users x dim, row-major. */
  userFactors: Float32Array;
  /** items x dim, row-major: the item embeddings. */
  itemFactors: Float32Array;
  itemBias: Float32Array;
  backend: BackendName;
  epochs: EpochReport[];
}

export interface TrainHooks {
  /** Called after each epoch; `snapshot` copies the model as it is now (for per-epoch metrics). */
  onEpoch?: (report: EpochReport, snapshot: () => TrainedModel) => void | Promise<void>;
  backend?: BackendOptions;
}

/** mulberry32: small, fast and enough for shuffling. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(n: number, random: () => number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

let trainingRuns = 0;

export async function trainRecommender(
  m: InteractionMatrix,
  options: Partial<TrainOptions> = {},
  hooks: TrainHooks = {},
): Promise<TrainedModel> {
  const o = { ...defaultTrainOptions, ...options };
  const backend = await initBackend(hooks.backend);
  const nUsers = m.users.length;
  const nItems = m.items.length;
  if (nUsers === 0 || nItems === 0) throw new Error('no positive interactions to train on');
  const batch = Math.max(1, Math.min(o.batchSize, Math.floor(o.maxBatchCells / nItems), nUsers));
  const random = seededRandom(o.seed);
  const scale = 1 / Math.sqrt(o.dim);
  // TF.js variable names are process-wide; several trainings may share a process.
  const run = ++trainingRuns;
  const users = tf.variable(
    tf.randomNormal([nUsers, o.dim], 0, scale, 'float32', o.seed),
    true,
    `users${run}`,
  );
  const itemsT = tf.variable(
    tf.randomNormal([o.dim, nItems], 0, scale, 'float32', o.seed + 1),
    true,
    `itemsT${run}`,
  );
  const bias = tf.variable(tf.zeros([1, nItems]), true, `bias${run}`);
  const optimizer = tf.train.adam(o.learningRate);
  const targets = new Float32Array(batch * nItems);
  const reports: EpochReport[] = [];

  const snapshot = (): TrainedModel => ({
    users: m.users,
    items: m.items,
    dim: o.dim,
    userFactors: users.dataSync() as Float32Array,
    itemFactors: tf.tidy(() => itemsT.transpose()).dataSync() as Float32Array,
    itemBias: bias.dataSync() as Float32Array,
    backend,
    epochs: [...reports],
  });

  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const started = Date.now();
      const order = shuffled(nUsers, random);
      let lossSum = 0;
      for (let start = 0; start < nUsers; start += batch) {
        const ids = order.subarray(start, Math.min(nUsers, start + batch));
        fillTargets(m, ids, nItems, o.weightPower, targets);
        const lossTensor = tf.tidy(() => {
          const b = ids.length;
          const idx = tf.tensor2d(ids, [b, 1], 'int32');
          const t = tf.tensor2d(targets.subarray(0, b * nItems), [b, nItems]);
          const u = tf.gatherND(users, idx) as tf.Tensor2D;
          const logits = tf.add(tf.matMul(u, itemsT), bias);
          const logp = tf.logSoftmax(logits);
          const loss = tf.neg(tf.sum(tf.mul(t, logp)));
          const dLogits = tf.div(tf.sub(tf.exp(logp), t), b);
          const dU = tf.add(tf.matMul(dLogits, tf.transpose(itemsT)), tf.mul(u, o.l2));
          const dItems = tf.add(tf.matMul(tf.transpose(u), dLogits), tf.mul(itemsT, o.l2));
          optimizer.applyGradients([
            { name: users.name, tensor: tf.scatterND(idx, dU, [nUsers, o.dim]) },
            { name: itemsT.name, tensor: dItems },
            { name: bias.name, tensor: tf.sum(dLogits, 0, true) },
          ]);
          return loss;
        });
        lossSum += (await lossTensor.data())[0]!;
        lossTensor.dispose();
      }
      const report = { epoch, epochs: o.epochs, loss: lossSum / nUsers, ms: Date.now() - started };
      reports.push(report);
      await hooks.onEpoch?.(report, snapshot);
    }
    return snapshot();
  } finally {
    tf.dispose([users, itemsT, bias]);
    optimizer.dispose();
  }
}

function fillTargets(
  m: InteractionMatrix,
  ids: Int32Array,
  nItems: number,
  power: number,
  out: Float32Array,
): void {
  out.fill(0, 0, ids.length * nItems);
  ids.forEach((u, row) => {
    const from = m.rowPtr[u]!;
    const to = m.rowPtr[u + 1]!;
    let total = 0;
    for (let p = from; p < to; p++) total += m.weights[p]! ** power;
    for (let p = from; p < to; p++) out[row * nItems + m.cols[p]!] = m.weights[p]! ** power / total;
  });
}

/**
 * Top-k unowned items for each of `userIndices` (default all), scored by u . v + b. Scores are
 * computed in batches on the TF.js backend so memory stays at one batch of scores.
 */
export async function recommendTopK(
  model: TrainedModel,
  m: InteractionMatrix,
  k: number,
  userIndices?: ArrayLike<number>,
  batchSize = 512,
): Promise<Ranked[]> {
  await initBackend();
  const nItems = model.items.length;
  const wanted = userIndices ?? Int32Array.from({ length: model.users.length }, (_, i) => i);
  const itemsT = tf.tidy(() => tf.tensor2d(model.itemFactors, [nItems, model.dim]).transpose());
  const bias = tf.tensor2d(model.itemBias, [1, nItems]);
  const out: Ranked[] = [];
  try {
    for (let start = 0; start < wanted.length; start += batchSize) {
      const ids = Array.from(
        { length: Math.min(batchSize, wanted.length - start) },
        (_, j) => wanted[start + j]!,
      );
      const rows = new Float32Array(ids.length * model.dim);
      ids.forEach((u, r) =>
        rows.set(model.userFactors.subarray(u * model.dim, (u + 1) * model.dim), r * model.dim),
      );
      const scores = tf.tidy(() =>
        tf.add(tf.matMul(tf.tensor2d(rows, [ids.length, model.dim]), itemsT), bias),
      );
      const values = (await scores.data()) as Float32Array;
      scores.dispose();
      ids.forEach((u, r) =>
        out.push(topKExcluding(values.subarray(r * nItems, (r + 1) * nItems), ownedItems(m, u), k)),
      );
    }
    return out;
  } finally {
    tf.dispose([itemsT, bias]);
  }
}
