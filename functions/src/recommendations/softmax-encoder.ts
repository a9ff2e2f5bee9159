/**
 * The softmax variant of the collaborative filter (kept as the evaluation's challenger): a
 * multinomial likelihood over the whole catalog with a history encoder for the user, as in
 * Mult-DAE (Liang et al. 2018) with a linear-tanh encoder. The user's vector is
 * tanh(x . Q + c) where x is their (randomly thinned) normalised history, and the model's
 * distribution over items is softmax(h . V + b); the target is the whole normalised history.
 *
 * Gradients are written by hand and applied with Adam: the logits' gradient is softmax - target,
 * and every matMul keeps both operands untransposed (WASM's fast path) with the other side
 * transposed explicitly. No gather is needed, so WASM's missing gather gradient does not matter.
 */
import { tf, type BackendName } from './backend';
import type { InteractionMatrix } from './interactions';
import type { EpochReport, TrainHooks, TrainOptions, TrainedModel } from './model';
import { seededRandom } from './seeded-random';

let trainingRuns = 0;

function shuffled(n: number, random: () => number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export async function trainSoftmaxEncoder(
  m: InteractionMatrix,
  o: TrainOptions,
  hooks: TrainHooks,
  backend: BackendName,
): Promise<TrainedModel> {
  const nUsers = m.users.length;
  const nItems = m.items.length;
  const batch = Math.max(1, Math.min(o.batchSize, Math.floor(o.maxBatchCells / nItems), nUsers));
  const random = seededRandom(o.seed);
  const scale = 1 / Math.sqrt(o.dim);
  // TF.js variable names are process-wide; several trainings may share a process.
  const run = ++trainingRuns;
  const history = tf.variable(
    tf.randomNormal([nItems, o.dim], 0, scale, 'float32', o.seed),
    true,
    `history${run}`,
  );
  const historyBias = tf.variable(tf.zeros([1, o.dim]), true, `historyBias${run}`);
  const itemsT = tf.variable(
    tf.randomNormal([o.dim, nItems], 0, scale, 'float32', o.seed + 1),
    true,
    `itemsT${run}`,
  );
  const bias = tf.variable(tf.zeros([1, nItems]), true, `bias${run}`);
  const variables = [history, historyBias, itemsT, bias];
  const optimizer = tf.train.adam(o.learningRate);
  const targets = new Float32Array(batch * nItems);
  const inputs = new Float32Array(batch * nItems);
  const reports: EpochReport[] = [];

  const snapshot = (): TrainedModel => {
    const q = history.dataSync() as Float32Array;
    const c = historyBias.dataSync() as Float32Array;
    return {
      users: m.users,
      items: m.items,
      dim: o.dim,
      userFactors: encodeUsers(m, q, c, o.dim, o.weightPower),
      itemFactors: tf.tidy(() => itemsT.transpose()).dataSync() as Float32Array,
      itemBias: bias.dataSync() as Float32Array,
      backend,
      options: o,
      epochs: [...reports],
    };
  };

  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const started = Date.now();
      const order = shuffled(nUsers, random);
      let lossSum = 0;
      for (let start = 0; start < nUsers; start += batch) {
        const ids = order.subarray(start, Math.min(nUsers, start + batch));
        fillTargets(m, ids, nItems, o.weightPower, targets);
        fillInputs(m, ids, nItems, o.weightPower, o.dropout, random, inputs);
        const lossTensor = tf.tidy(() => {
          const b = ids.length;
          const t = tf.tensor2d(targets.subarray(0, b * nItems), [b, nItems]);
          const x = tf.tensor2d(inputs.subarray(0, b * nItems), [b, nItems]);
          const h = tf.tanh(tf.add(tf.matMul(x, history), historyBias));
          const logits = tf.add(tf.matMul(h, itemsT), bias);
          const logp = tf.logSoftmax(logits);
          const loss = tf.neg(tf.sum(tf.mul(t, logp)));
          const dLogits = tf.div(tf.sub(tf.exp(logp), t), b);
          const dH = tf.matMul(dLogits, tf.transpose(itemsT));
          const dPre = tf.mul(dH, tf.sub(1, tf.square(h)));
          optimizer.applyGradients([
            { name: history.name, tensor: tf.add(tf.matMul(tf.transpose(x), dPre), tf.mul(history, o.l2)) },
            { name: historyBias.name, tensor: tf.sum(dPre, 0, true) },
            { name: itemsT.name, tensor: tf.add(tf.matMul(tf.transpose(h), dLogits), tf.mul(itemsT, o.l2)) },
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
    tf.dispose(variables);
    optimizer.dispose();
  }
}

/** Input rows: the targets with each item dropped with probability `dropout`, rescaled (denoising). */
function fillInputs(
  m: InteractionMatrix,
  ids: Int32Array,
  nItems: number,
  power: number,
  dropout: number,
  random: () => number,
  out: Float32Array,
): void {
  out.fill(0, 0, ids.length * nItems);
  ids.forEach((u, row) => {
    const from = m.rowPtr[u]!;
    const to = m.rowPtr[u + 1]!;
    let total = 0;
    for (let p = from; p < to; p++) {
      if (random() < dropout) continue;
      const w = m.weights[p]! ** power;
      out[row * nItems + m.cols[p]!] = w;
      total += w;
    }
    if (total > 0) for (let p = from; p < to; p++) out[row * nItems + m.cols[p]!]! /= total;
  });
}

/** A user's vector from their history: tanh(normalised weights . Q + c). */
function encodeUser(
  items: ArrayLike<number>,
  weights: ArrayLike<number>,
  q: Float32Array,
  c: Float32Array,
  dim: number,
  power: number,
  out: Float32Array = new Float32Array(dim),
): Float32Array {
  out.set(c.subarray(0, dim));
  let total = 0;
  for (let p = 0; p < items.length; p++) total += weights[p]! ** power;
  for (let p = 0; p < items.length; p++) {
    const w = weights[p]! ** power / total;
    const base = items[p]! * dim;
    for (let k = 0; k < dim; k++) out[k]! += w * q[base + k]!;
  }
  for (let k = 0; k < dim; k++) out[k] = Math.tanh(out[k]!);
  return out;
}

function encodeUsers(m: InteractionMatrix, q: Float32Array, c: Float32Array, dim: number, power: number) {
  const out = new Float32Array(m.users.length * dim);
  for (let u = 0; u < m.users.length; u++) {
    const from = m.rowPtr[u]!;
    const to = m.rowPtr[u + 1]!;
    encodeUser(
      m.cols.subarray(from, to),
      m.weights.subarray(from, to),
      q,
      c,
      dim,
      power,
      out.subarray(u * dim),
    );
  }
  return out;
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
