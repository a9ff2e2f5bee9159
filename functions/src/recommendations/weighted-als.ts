/**
 * Weighted matrix factorisation for implicit feedback (Hu, Koren & Volinsky 2008) in TensorFlow.js.
 * Minimises sum over all pairs of c_ui (p_ui - x_u . y_i)^2 + l2 (|X|^2 + |Y|^2), with p = 1 and
 * c = 1 + alpha * weight on observed pairs, p = 0 and c = 1 elsewhere, by alternating least
 * squares: each half-step solves every row's normal equations with a few conjugate-gradient steps
 * warm-started from the current factors (Takács, Pilászy & Tikk 2011).
 *
 * The rows of a half-step are solved a batch at a time with dense (batch x columns) confidence
 * tensors, so the work is plain matMuls (WASM's fast path: no transposed operand, the small side is
 * transposed explicitly) and memory is bounded by `maxBatchCells`. The zeros cost nothing extra:
 * their contribution is the Gramian Y'Y, shared by all rows.
 */
import { tf, type BackendName } from './backend';
import { byItem, type InteractionMatrix } from './interactions';
import type { EpochReport, TrainHooks, TrainOptions, TrainedModel } from './model';

interface Rows {
  ptr: Int32Array;
  cols: Int32Array;
  weights: Float32Array;
}

/** Solves the rows of `x` against fixed `y`; returns the new factors (the old ones are disposed). */
function halfStep(x: tf.Tensor2D, y: tf.Tensor2D, rows: Rows, o: TrainOptions): tf.Tensor2D {
  const [nRows] = x.shape;
  const [nCols, f] = y.shape;
  const batch = Math.max(1, Math.min(nRows, Math.floor(o.maxBatchCells / nCols)));
  const conf = new Float32Array(batch * nCols);
  const extra = new Float32Array(batch * nCols);
  const yT = tf.tidy(() => tf.transpose(y));
  const gram = tf.tidy(() => tf.add(tf.matMul(yT, y), tf.mul(tf.eye(f), o.l2)));
  const parts: tf.Tensor2D[] = [];
  for (let start = 0; start < nRows; start += batch) {
    const b = Math.min(batch, nRows - start);
    conf.fill(0);
    extra.fill(0);
    for (let r = 0; r < b; r++) {
      for (let p = rows.ptr[start + r]!; p < rows.ptr[start + r + 1]!; p++) {
        const w = o.alpha * rows.weights[p]! ** o.weightPower;
        conf[r * nCols + rows.cols[p]!] = 1 + w;
        extra[r * nCols + rows.cols[p]!] = w;
      }
    }
    parts.push(
      tf.tidy(() => {
        const c = tf.tensor2d(conf.subarray(0, b * nCols), [b, nCols]);
        const w = tf.tensor2d(extra.subarray(0, b * nCols), [b, nCols]);
        // A v = v (Y'Y + l2 I) + ((v Y') * W) Y, row by row; the right-hand side is C P Y = conf Y.
        const apply = (v: tf.Tensor): tf.Tensor2D =>
          tf.add(tf.matMul(v, gram), tf.matMul(tf.mul(tf.matMul(v, yT), w), y));
        let xb: tf.Tensor2D = tf.slice(x, [start, 0], [b, f]);
        let r: tf.Tensor2D = tf.sub(tf.matMul(c, y), apply(xb));
        let p = r;
        let rs = tf.sum(tf.square(r), 1, true);
        for (let step = 0; step < o.cgSteps; step++) {
          const ap = apply(p);
          const a = tf.divNoNan(rs, tf.sum(tf.mul(p, ap), 1, true));
          xb = tf.add(xb, tf.mul(a, p));
          r = tf.sub(r, tf.mul(a, ap));
          const rsNew = tf.sum(tf.square(r), 1, true);
          p = tf.add(r, tf.mul(tf.divNoNan(rsNew, rs), p));
          rs = rsNew;
        }
        return xb;
      }),
    );
  }
  const next = tf.concat(parts) as tf.Tensor2D;
  tf.dispose([...parts, yT, gram, x]);
  return next;
}

/** The objective, divided by the number of positive pairs. */
function loss(
  m: InteractionMatrix,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  xs: Float32Array,
  ys: Float32Array,
  o: TrainOptions,
): number {
  const f = o.dim;
  // Every pair as if unobserved: sum (x.y)^2 = <X'X, Y'Y>; then correct the observed pairs.
  const all = tf.tidy(() =>
    tf.add(
      tf.sum(tf.mul(tf.matMul(tf.transpose(x), x), tf.matMul(tf.transpose(y), y))),
      tf.mul(tf.add(tf.sum(tf.square(x)), tf.sum(tf.square(y))), o.l2),
    ),
  );
  let total = all.dataSync()[0]!;
  all.dispose();
  for (let u = 0; u < m.users.length; u++) {
    for (let p = m.rowPtr[u]!; p < m.rowPtr[u + 1]!; p++) {
      const i = m.cols[p]!;
      let s = 0;
      for (let k = 0; k < f; k++) s += xs[u * f + k]! * ys[i * f + k]!;
      const c = 1 + o.alpha * m.weights[p]! ** o.weightPower;
      total += c * (1 - s) ** 2 - s * s;
    }
  }
  return total / m.cols.length;
}

export async function trainWeightedAls(
  m: InteractionMatrix,
  o: TrainOptions,
  hooks: TrainHooks,
  backend: BackendName,
): Promise<TrainedModel> {
  const scale = 0.01 / Math.sqrt(o.dim);
  let x = tf.randomUniform([m.users.length, o.dim], -scale, scale, 'float32', o.seed) as tf.Tensor2D;
  let y = tf.randomUniform([m.items.length, o.dim], -scale, scale, 'float32', o.seed + 1) as tf.Tensor2D;
  const byUser: Rows = { ptr: m.rowPtr, cols: m.cols, weights: m.weights };
  const items = byItem(m);
  const byItemRows: Rows = { ptr: items.ptr, cols: items.users, weights: items.weights };
  const reports: EpochReport[] = [];
  const snapshot = (): TrainedModel => ({
    users: m.users,
    items: m.items,
    dim: o.dim,
    userFactors: x.dataSync() as Float32Array,
    itemFactors: y.dataSync() as Float32Array,
    itemBias: new Float32Array(m.items.length),
    backend,
    options: o,
    epochs: [...reports],
  });
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const started = Date.now();
      x = halfStep(x, y, byUser, o);
      y = halfStep(y, x, byItemRows, o);
      const ms = Date.now() - started;
      const model = snapshot();
      const report = {
        epoch,
        epochs: o.epochs,
        loss: loss(m, x, y, model.userFactors, model.itemFactors, o),
        ms,
      };
      reports.push(report);
      await hooks.onEpoch?.(report, snapshot);
    }
    return snapshot();
  } finally {
    tf.dispose([x, y]);
  }
}
