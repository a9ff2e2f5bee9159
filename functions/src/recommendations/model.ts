/**
 * The collaborative filter shared by the scheduled retraining, `npm run train`, the evaluation and
 * the tests: matrix factorisation of the implicit-feedback matrix in TensorFlow.js.
 *
 * The default objective is weighted matrix factorisation (Hu, Koren & Volinsky 2008): confidence
 * 1 + alpha * weight on the pairs a customer interacted with, preference 1 there and 0 on every
 * other pair, solved by alternating least squares with conjugate gradient on dense batches
 * (weighted-als.ts). The `softmax` objective (softmax-encoder.ts) is the challenger it beat in
 * the evaluation (bench/results/recs-eval.json). Both are deterministic for a seed.
 */
import { initBackend, tf, type BackendName, type BackendOptions } from './backend';
import { type InteractionMatrix, ownedItems } from './interactions';
import { trainSoftmaxEncoder } from './softmax-encoder';
import { topKExcluding, type Ranked } from './top-k';
import { trainWeightedAls } from './weighted-als';

export interface TrainOptions {
  objective: 'weighted-als' | 'softmax';
  dim: number;
  /** ALS iterations (a user and an item half-step each), or passes over the users for softmax. */
  epochs: number;
  /** L2 penalty on the factors. */
  l2: number;
  /** Bounds the dense (rows x items or users) tensors of a step, and so memory. */
  maxBatchCells: number;
  /** Softens heavy pairs: weight^power is used in place of the weight. */
  weightPower: number;
  seed: number;
  /** weighted-als: confidence = 1 + alpha * weight. */
  alpha: number;
  /** weighted-als: conjugate-gradient steps per half-step. */
  cgSteps: number;
  /** softmax: Adam's learning rate. */
  learningRate: number;
  /** softmax: users per step (also capped by maxBatchCells). */
  batchSize: number;
  /** softmax: share of a user's history hidden from the encoder in each step (denoising). */
  dropout: number;
}

const shared = { dim: 64, maxBatchCells: 2 ** 21, weightPower: 1, seed: 42, alpha: 0, cgSteps: 0 };

/** Defaults per objective (tuned on the validation split; the two use l2 on different scales). */
export const defaultTrainOptions: Record<TrainOptions['objective'], TrainOptions> = {
  'weighted-als': {
    ...shared,
    objective: 'weighted-als',
    epochs: 10,
    l2: 1,
    alpha: 2,
    cgSteps: 3,
    learningRate: 0,
    batchSize: 0,
    dropout: 0,
  },
  softmax: {
    ...shared,
    objective: 'softmax',
    epochs: 30,
    l2: 1e-4,
    learningRate: 0.02,
    batchSize: 256,
    dropout: 0.5,
    weightPower: 0.5,
  },
};

export interface EpochReport {
  epoch: number;
  epochs: number;
  /** The objective's training loss: weighted squared error per positive pair, or cross-entropy per user. */
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
  options: TrainOptions;
  epochs: EpochReport[];
}

export interface TrainHooks {
  /** Called after each epoch; `snapshot` copies the model as it is now (for per-epoch metrics). */
  onEpoch?: (report: EpochReport, snapshot: () => TrainedModel) => void | Promise<void>;
  backend?: BackendOptions;
}

export async function trainRecommender(
  m: InteractionMatrix,
  options: Partial<TrainOptions> = {},
  hooks: TrainHooks = {},
): Promise<TrainedModel> {
  const o = { ...defaultTrainOptions[options.objective ?? 'weighted-als'], ...options };
  const backend = await initBackend(hooks.backend);
  if (m.users.length === 0 || m.items.length === 0) throw new Error('no positive interactions to train on');
  return o.objective === 'softmax'
    ? trainSoftmaxEncoder(m, o, hooks, backend)
    : trainWeightedAls(m, o, hooks, backend);
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
