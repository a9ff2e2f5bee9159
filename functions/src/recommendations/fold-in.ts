/**
 * Real-time fold-in: when a customer's event arrives, their user vector is solved again against the
 * live model's item vectors, and their list rewritten, without retraining. For one user of weighted
 * ALS (Hu, Koren & Volinsky 2008) the optimum given the item vectors Y is the solution of
 *   (Y'Y + l2 I + sum_i (c_i - 1) y_i y_i') x = sum_i c_i y_i,   c_i = 1 + alpha * w_i^power,
 * over the items i the customer interacted with (weights as training computes them): a k x k
 * system, solved by Cholesky in plain JS (for k = 64, well under a millisecond). Y'Y is computed
 * once per model version and instance. This is the same half-step training takes, so a customer's
 * folded-in vector is what the next retraining would give them if the items stood still.
 */
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import {
  CurrentModelDoc,
  CustomerEvent,
  ModelDoc,
  RecommendationsDoc,
  type RecommendationList,
} from '@hearth/contracts';
import { customerRef, eventsOf, recommendationsRef } from '../platform/paths';
import { assignArm } from './assignment';
import { readItemFactors, type ItemFactors } from './factors-store';
import { defaultKindWeights, eventWeight, type InteractionEvent } from './interactions';
import { currentModelRef, modelRef } from './publish';
import { topKExcluding } from './top-k';
import { EventGate } from './trusted-events';

export interface FoldInParams {
  l2: number;
  alpha: number;
  weightPower: number;
  halfLifeDays: number;
}

export interface LoadedModel {
  /** The model the customer is served: the live one, or their arm's while an experiment runs. */
  live: Pick<CurrentModelDoc, 'slot' | 'version'>;
  factors: ItemFactors;
  index: Map<string, number>;
  /** Y'Y + l2 I, dim x dim. */
  gram: Float64Array;
  params: FoldInParams;
}

export function gramian(y: Float32Array, rows: number, f: number, l2: number): Float64Array {
  const g = new Float64Array(f * f);
  for (let r = 0; r < rows; r++) {
    const o = r * f;
    for (let a = 0; a < f; a++) {
      const ya = y[o + a]!;
      if (ya === 0) continue;
      for (let b = a; b < f; b++) g[a * f + b]! += ya * y[o + b]!;
    }
  }
  for (let a = 0; a < f; a++) {
    g[a * f + a]! += l2;
    for (let b = 0; b < a; b++) g[a * f + b] = g[b * f + a]!;
  }
  return g;
}

/** Solves A x = b in place of a copy of A, A symmetric positive definite (Cholesky). */
export function solveSpd(a: Float64Array, b: Float64Array, f: number): Float64Array {
  const l = Float64Array.from(a);
  for (let j = 0; j < f; j++) {
    let d = l[j * f + j]!;
    for (let k = 0; k < j; k++) d -= l[j * f + k]! ** 2;
    if (!(d > 0)) throw new Error('fold-in: the system is not positive definite');
    const djj = Math.sqrt(d);
    l[j * f + j] = djj;
    for (let i = j + 1; i < f; i++) {
      let s = l[i * f + j]!;
      for (let k = 0; k < j; k++) s -= l[i * f + k]! * l[j * f + k]!;
      l[i * f + j] = s / djj;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < f; i++) {
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= l[i * f + k]! * x[k]!;
    x[i] = s / l[i * f + i]!;
  }
  for (let i = f - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < f; k++) s -= l[k * f + i]! * x[k]!;
    x[i] = s / l[i * f + i]!;
  }
  return x;
}

/** The user vector for `weights` (item index -> positive weight) against the model's items. */
export function foldInVector(model: LoadedModel, weights: ReadonlyMap<number, number>): Float64Array {
  const { dim: f, vectors: y } = model.factors;
  const { alpha, weightPower } = model.params;
  const a = Float64Array.from(model.gram);
  const b = new Float64Array(f);
  for (const [i, w] of weights) {
    const c = 1 + alpha * w ** weightPower;
    const o = i * f;
    for (let p = 0; p < f; p++) {
      const yp = y[o + p]!;
      b[p]! += c * yp;
      for (let q = 0; q < f; q++) a[p * f + q]! += (c - 1) * yp * y[o + q]!;
    }
  }
  return solveSpd(a, b, f);
}

/** The k best products for user vector x, by x . y_i + bias_i, leaving out `exclude`. */
export function rankFor(model: LoadedModel, x: Float64Array, exclude: number[], k: number) {
  const { dim: f, vectors: y, bias, ids } = model.factors;
  const scores = new Float32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    let s = bias[i]!;
    for (let p = 0; p < f; p++) s += x[p]! * y[i * f + p]!;
    scores[i] = s;
  }
  const top = topKExcluding(scores, exclude, k);
  return Array.from(top.items, (i, n) => ({ productId: ids[i]!, score: top.scores[n]! }));
}

const num = (v: string | number | undefined, fallback: number) => (typeof v === 'number' ? v : fallback);

/**
 * The model a customer is served as fold-in needs it (the live one, or their arm's while an
 * experiment runs, so both arms follow their customers alike), loaded once per version and instance.
 */
export class FoldInCache {
  private loaded = new Map<string, Promise<LoadedModel | null>>();

  async get(db: Firestore, uid: string): Promise<LoadedModel | null> {
    const snap = await currentModelRef(db).get();
    if (!snap.exists) return null;
    const live = CurrentModelDoc.parse(snap.data());
    const served = live.experiment ? assignArm(uid, live.experiment) : live;
    const target = { slot: served.slot, version: served.version };
    let loading = this.loaded.get(target.version);
    if (!loading) {
      // Only the versions serving now stay loaded: one, or one per arm.
      const serving = new Set([live.version, ...(live.experiment?.arms.map((a) => a.version) ?? [])]);
      for (const version of this.loaded.keys()) if (!serving.has(version)) this.loaded.delete(version);
      loading = load(db, target).catch((err: unknown) => {
        this.loaded.delete(target.version);
        throw err;
      });
      this.loaded.set(target.version, loading);
    }
    return loading;
  }
}

async function load(db: Firestore, live: LoadedModel['live']): Promise<LoadedModel | null> {
  const [doc, factors] = await Promise.all([
    modelRef(db, live.version).get(),
    readItemFactors(db, live.version),
  ]);
  if (!doc.exists || !factors) return null;
  const p = ModelDoc.parse(doc.data()).params;
  const params: FoldInParams = {
    l2: num(p.l2, 1),
    alpha: num(p.alpha, 2),
    weightPower: num(p.weightPower, 1),
    halfLifeDays: num(p.halfLifeDays, 30),
  };
  return {
    live,
    factors,
    index: new Map(factors.ids.map((id, i) => [id, i])),
    gram: gramian(factors.vectors, factors.ids.length, factors.dim, params.l2),
    params,
  };
}

export interface FoldInDeps {
  db: Firestore;
  clock: { now(): Date };
  cache: FoldInCache;
}

export interface FoldInOptions {
  /** The customer's most recent events that count (older ones weigh little at a 30-day half-life). */
  maxEvents: number;
  listLength: number;
}

export const defaultFoldInOptions: FoldInOptions = { maxEvents: 300, listLength: 50 };

export type FoldInOutcome =
  | { written: true; items: number; solveMs: number }
  | { written: false; reason: 'no-live-model' | 'no-signal' | 'no-consent' | 'newer-list' };

const ownershipKinds = new Set(['purchase', 'return', 'cancel']);

/** The customer's positive item weights (as training weighs them) and what they own, from trusted events. */
async function customerSignal(
  db: Firestore,
  uid: string,
  model: LoadedModel,
  now: number,
  maxEvents: number,
) {
  const snap = await eventsOf(db, uid).orderBy('at', 'desc').limit(maxEvents).get();
  const gate = new EventGate();
  const weights = new Map<number, number>();
  const owned = new Set<number>();
  const weightOptions = {
    kindWeights: defaultKindWeights,
    halfLifeDays: model.params.halfLifeDays,
    now,
  };
  for (const d of snap.docs) {
    const parsed = CustomerEvent.safeParse(d.data());
    if (!parsed.success || !gate.admit(uid, d.id, parsed.data)) continue;
    const e = parsed.data;
    const i = model.index.get(e.productId);
    if (i === undefined) continue;
    const event: InteractionEvent = {
      userId: uid,
      itemId: e.productId,
      kind: e.kind,
      quantity: e.quantity,
      at: e.at.toMillis(),
    };
    weights.set(i, (weights.get(i) ?? 0) + eventWeight(event, weightOptions));
    if (ownershipKinds.has(e.kind)) owned.add(i);
  }
  for (const [i, w] of weights) if (!(w > 0)) weights.delete(i);
  return { weights, owned };
}

/** Re-solves `uid`'s vector from their trusted events and rewrites their list in the slot they are served. */
export async function foldInCustomer(
  deps: FoldInDeps,
  uid: string,
  options: Partial<FoldInOptions> = {},
): Promise<FoldInOutcome> {
  const o = { ...defaultFoldInOptions, ...options };
  const { db } = deps;
  const model = await deps.cache.get(db, uid);
  if (!model) return { written: false, reason: 'no-live-model' };
  const now = deps.clock.now();
  const { weights, owned } = await customerSignal(db, uid, model, now.getTime(), o.maxEvents);
  if (weights.size === 0) return { written: false, reason: 'no-signal' };
  const started = performance.now();
  const x = foldInVector(model, weights);
  const solveMs = performance.now() - started;
  return db.runTransaction(async (tx) => {
    const [profile, recs] = await tx.getAll(customerRef(db, uid), recommendationsRef(db, uid));
    if (profile!.get('consent.personalisation') !== true)
      return { written: false, reason: 'no-consent' } as const;
    const doc = RecommendationsDoc.safeParse(recs!.data() ?? {});
    const stored = doc.success ? doc.data : {};
    const current = stored[model.live.slot];
    // Two fold-ins of one customer can finish out of order: the one that started later wins.
    if (current?.version === model.live.version && current.generatedAt.toMillis() > now.getTime()) {
      return { written: false, reason: 'newer-list' } as const;
    }
    for (const id of stored.bought ?? []) {
      const i = model.index.get(id);
      if (i !== undefined) owned.add(i);
    }
    const list: RecommendationList = {
      version: model.live.version,
      generatedAt: Timestamp.fromDate(now),
      items: rankFor(model, x, [...owned], o.listLength),
    };
    tx.set(recommendationsRef(db, uid), { [model.live.slot]: list }, { mergeFields: [model.live.slot] });
    return { written: true, items: list.items.length, solveMs } as const;
  });
}
