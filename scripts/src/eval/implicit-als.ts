/**
 * Reference: implicit-feedback ALS (Hu, Koren & Volinsky 2008), in plain TypeScript for the
 * comparison only. Confidence c = 1 + alpha * w on observed pairs, preference 1 there and 0
 * elsewhere; each half-step solves every row's regularised least squares with a few steps of
 * conjugate gradient warm-started from the previous factors (Takács, Pilászy & Tikk 2011, as the
 * `implicit` library does), using Y'Y over all items so the zeros cost nothing per row.
 */
import { byItem, type InteractionMatrix } from '../../../functions/src/recommendations/interactions';
import { seededRandom } from '../../../functions/src/recommendations/seeded-random';

export interface AlsOptions {
  factors: number;
  iterations: number;
  regularization: number;
  alpha: number;
  cgSteps: number;
  seed: number;
}

export interface AlsModel {
  factors: number;
  userFactors: Float32Array;
  itemFactors: Float32Array;
}

interface Csr {
  ptr: Int32Array;
  cols: Int32Array;
  weights: Float32Array;
}

/** Y'Y + reg * I, f x f. */
function gramian(y: Float32Array, rows: number, f: number, reg: number): Float64Array {
  const g = new Float64Array(f * f);
  for (let r = 0; r < rows; r++) {
    const o = r * f;
    for (let a = 0; a < f; a++) {
      const ya = y[o + a]!;
      for (let b = a; b < f; b++) g[a * f + b]! += ya * y[o + b]!;
    }
  }
  for (let a = 0; a < f; a++) {
    g[a * f + a]! += reg;
    for (let b = 0; b < a; b++) g[a * f + b] = g[b * f + a]!;
  }
  return g;
}

function dot(
  a: Float32Array | Float64Array,
  ao: number,
  b: Float32Array | Float64Array,
  bo: number,
  f: number,
) {
  let s = 0;
  for (let k = 0; k < f; k++) s += a[ao + k]! * b[bo + k]!;
  return s;
}

/** One half-step: recompute every row of `x` against fixed `y`. */
function solveRows(x: Float32Array, y: Float32Array, csr: Csr, rows: number, yRows: number, o: AlsOptions) {
  const f = o.factors;
  const yty = gramian(y, yRows, f, o.regularization);
  const r = new Float64Array(f);
  const p = new Float64Array(f);
  const ap = new Float64Array(f);
  for (let u = 0; u < rows; u++) {
    const xo = u * f;
    // r = Y'C p - (Y'CY + reg I) x = sum_i c_i y_i - YtY x - sum_i (c_i - 1)(y_i . x) y_i
    for (let a = 0; a < f; a++) r[a] = -dot(yty, a * f, x, xo, f);
    for (let q = csr.ptr[u]!; q < csr.ptr[u + 1]!; q++) {
      const io = csr.cols[q]! * f;
      const c = 1 + o.alpha * csr.weights[q]!;
      const coef = c - (c - 1) * dot(y, io, x, xo, f);
      for (let a = 0; a < f; a++) r[a]! += coef * y[io + a]!;
    }
    p.set(r);
    let rsOld = dot(r, 0, r, 0, f);
    for (let step = 0; step < o.cgSteps && rsOld > 1e-20; step++) {
      for (let a = 0; a < f; a++) ap[a] = dot(yty, a * f, p, 0, f);
      for (let q = csr.ptr[u]!; q < csr.ptr[u + 1]!; q++) {
        const io = csr.cols[q]! * f;
        const coef = o.alpha * csr.weights[q]! * dot(y, io, p, 0, f);
        for (let a = 0; a < f; a++) ap[a]! += coef * y[io + a]!;
      }
      const alpha = rsOld / dot(p, 0, ap, 0, f);
      for (let a = 0; a < f; a++) {
        x[xo + a]! += alpha * p[a]!;
        r[a]! -= alpha * ap[a]!;
      }
      const rsNew = dot(r, 0, r, 0, f);
      for (let a = 0; a < f; a++) p[a] = r[a]! + (rsNew / rsOld) * p[a]!;
      rsOld = rsNew;
    }
  }
}

export function trainAls(
  m: InteractionMatrix,
  o: AlsOptions,
  onIteration?: (iteration: number, model: AlsModel, ms: number) => void,
): AlsModel {
  const f = o.factors;
  const random = seededRandom(o.seed);
  const init = (n: number) =>
    Float32Array.from({ length: n * f }, () => (random() - 0.5) * (0.02 / Math.sqrt(f)));
  const model = { factors: f, userFactors: init(m.users.length), itemFactors: init(m.items.length) };
  const byUser: Csr = { ptr: m.rowPtr, cols: m.cols, weights: m.weights };
  const items = byItem(m);
  const byItemCsr: Csr = { ptr: items.ptr, cols: items.users, weights: items.weights };
  for (let it = 1; it <= o.iterations; it++) {
    const started = Date.now();
    solveRows(model.userFactors, model.itemFactors, byUser, m.users.length, m.items.length, o);
    solveRows(model.itemFactors, model.userFactors, byItemCsr, m.items.length, m.users.length, o);
    onIteration?.(it, model, Date.now() - started);
  }
  return model;
}

/** Scores of every item for user u: x_u . y_i. */
export function alsScores(model: AlsModel, u: number, nItems: number, out: Float32Array): Float32Array {
  const f = model.factors;
  for (let i = 0; i < nItems; i++) out[i] = dot(model.userFactors, u * f, model.itemFactors, i * f, f);
  return out;
}
