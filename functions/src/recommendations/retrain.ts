/**
 * The retraining job, shared by the scheduled function and `npm run train`:
 *  1. read the consenting customers and their events in pages, aggregating as it goes;
 *  2. fit on the window minus its last `holdoutDays` and measure recall@10 on those days;
 *  3. fit again on the whole window (the model that ships), with the same settings;
 *  4. write it into the idle slot, mark models/{version} complete, and switch models/current to
 *     it if its metrics hold up (publish.ts). Any failure before the switch leaves the live model.
 * Customers who withdrew consent are not read into training and get no personal list.
 */
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { CurrentModelDoc, ModelDoc, ModelMetrics, RecommendationList } from '@hearth/contracts';
import { addLaterPurchase, heldOutTargets, type LaterPurchases } from './holdout';
import { writeItemFactors } from './factors-store';
import {
  defaultHalfLifeDays,
  InteractionMatrixBuilder,
  type InteractionMatrix,
  type WeightOptions,
} from './interactions';
import { rankingMetrics } from './metrics';
import { defaultHybridOptions, trainHybrid, type HybridOptions } from './hybrid';
import {
  recommendTopK,
  trainRecommender,
  type EpochReport,
  type TrainedModel,
  type TrainOptions,
} from './model';
import { productTokens } from './product-tokens';
import {
  idleSlot,
  liveModel,
  modelRef,
  switchIfBetter,
  writeEmbeddings,
  writeLists,
  type SwitchOutcome,
} from './publish';
import { consentingCustomers, forEachEventPage, productIds } from './read-interactions';
import { RecommendationError } from './serving-state';

export interface RetrainOptions {
  /** Events older than this are not read into training. */
  windowDays: number;
  /** The last days of the window, held out of the first fit to measure it. */
  holdoutDays: number;
  /** Length of each customer's stored list (serving filters it further). */
  listLength: number;
  /** A new model may be at most this much (relative) worse on recall@10 than the live one. */
  maxRecallDrop: number;
  pageSize: number;
  weights: Partial<Omit<WeightOptions, 'now'>>;
  train: Partial<TrainOptions>;
  /** Side information and the trend bias (hybrid.ts); null trains the plain factorisation. */
  hybrid: Partial<HybridOptions> | null;
}

export const defaultRetrainOptions: RetrainOptions = {
  windowDays: 365,
  holdoutDays: 14,
  listLength: 50,
  maxRecallDrop: 0.1,
  pageSize: 1000,
  weights: {},
  train: {},
  hybrid: defaultHybridOptions,
};

export type RetrainPhase = 'read' | 'fit-holdout' | 'fit' | 'embeddings' | 'lists' | 'switch';

export interface RetrainProgress {
  phase: RetrainPhase;
  done: number;
  /** 0 when not known in advance (pages being read). */
  total: number;
}

export interface RetrainDeps {
  db: Firestore;
  clock: { now(): Date };
  log?: (message: string) => void;
  onProgress?: (p: RetrainProgress) => void;
  /** Called after each phase; tests use it to crash the job at a chosen point. */
  afterPhase?: (phase: RetrainPhase) => void | Promise<void>;
}

export interface RetrainResult {
  version: string;
  metrics: ModelMetrics;
  outcome: SwitchOutcome;
  counts: ModelDoc['counts'];
  phaseSeconds: Partial<Record<RetrainPhase, number>>;
}

const dayMs = 86_400_000;

/**
 * While an experiment runs both slots serve customers, so there is no idle slot to write into: the
 * run stops before it reads (and again before it writes) until staff promote an arm.
 */
function refuseDuringExperiment(live: CurrentModelDoc | null): void {
  if (live?.experiment)
    throw new RecommendationError(
      'failed-precondition',
      `Experiment ${live.experiment.id} serves both slots: promote an arm (promoteRecommenderArm) ` +
        'before retraining',
    );
}

export async function retrainRecommender(
  deps: RetrainDeps,
  options: Partial<RetrainOptions> = {},
): Promise<RetrainResult> {
  const o = { ...defaultRetrainOptions, ...options };
  const { db } = deps;
  const log = deps.log ?? ((m: string) => console.log(m));
  const progress = deps.onProgress ?? (() => {});
  const now = deps.clock.now();
  const to = now.getTime();
  const from = to - o.windowDays * dayMs;
  const holdoutFrom = to - o.holdoutDays * dayMs;
  const version = `v${now.toISOString().replace(/[-:.]/g, '').replace('T', '-').slice(0, 15)}`;
  const started = Date.now();
  const phaseSeconds: Partial<Record<RetrainPhase, number>> = {};
  let phaseStarted = started;
  const phaseDone = async (phase: RetrainPhase) => {
    phaseSeconds[phase] = (Date.now() - phaseStarted) / 1000;
    await deps.afterPhase?.(phase);
    phaseStarted = Date.now();
  };

  refuseDuringExperiment(await liveModel(db));

  // 1. Read.
  const consenting = await consentingCustomers(db, o.pageSize);
  const full = new InteractionMatrixBuilder({ ...o.weights, now: to });
  const fit = new InteractionMatrixBuilder({ ...o.weights, now: holdoutFrom - 1 });
  // The same events with a short half-life: what sells this week (the hybrid's trend bias).
  const trendDays = { halfLifeDays: { ...defaultHybridOptions, ...o.hybrid }.trendHalfLifeDays };
  const trendFull = new InteractionMatrixBuilder({ ...o.weights, ...trendDays, now: to });
  const trendFit = new InteractionMatrixBuilder({ ...o.weights, ...trendDays, now: holdoutFrom - 1 });
  const later: LaterPurchases = new Map();
  const excluded = new Set<string>();
  let read = 0;
  let invalid = 0;
  let untrusted = 0;
  await forEachEventPage(db, o.pageSize, (page) => {
    invalid += page.invalid;
    untrusted += page.untrusted;
    for (const e of page.events) {
      if (!consenting.has(e.userId)) {
        excluded.add(e.userId);
        continue;
      }
      if (e.at < from || e.at > to) continue;
      full.add(e);
      if (o.hybrid) trendFull.add(e);
      if (e.at < holdoutFrom) {
        fit.add(e);
        if (o.hybrid) trendFit.add(e);
      } else if (e.kind === 'purchase') addLaterPurchase(later, e.userId, e.itemId, e.quantity ?? 1);
      else if (e.kind === 'return' || e.kind === 'cancel') {
        addLaterPurchase(later, e.userId, e.itemId, -(e.quantity ?? 1));
      }
    }
    read += page.events.length + page.invalid + page.untrusted;
    progress({ phase: 'read', done: read, total: 0 });
  });
  if (invalid) log(`recommendations: skipped ${invalid} events that do not match the CustomerEvent schema`);
  if (untrusted)
    log(`recommendations: skipped ${untrusted} events an app may not write, or past an app's hourly rate`);
  const tokens = o.hybrid ? await productTokens(db, o.pageSize) : new Map<string, string[]>();
  await phaseDone('read');

  // 2. Measure on the held-out days.
  const fitInteractions = fit.build();
  let metrics: ModelMetrics = { recall10: 0, ndcg10: 0, coverage10: 0, holdoutUsers: 0 };
  if (fitInteractions.users.length > 0) {
    const fitted = await train(fitInteractions, trendFit.build(), tokens, o, deps, 'fit-holdout');
    const heldOut = heldOutTargets(fitted.matrix, later);
    const lists = await recommendTopK(fitted, fitted.matrix, 20, heldOut.users);
    const m = rankingMetrics(heldOut, lists, fitted.matrix.items.length);
    metrics = {
      recall10: m.recall10,
      ndcg10: m.ndcg10,
      coverage10: m.coverage10,
      holdoutUsers: heldOut.users.length,
    };
  }
  log(
    `recommendations: held-out recall@10 ${metrics.recall10.toFixed(4)} over ${metrics.holdoutUsers} customers`,
  );
  await phaseDone('fit-holdout');

  // 3. Fit the model that ships.
  const model = await train(full.build(), trendFull.build(), tokens, o, deps, 'fit');
  const { matrix, realUsers } = model;
  await phaseDone('fit');

  // 4. Publish into the idle slot, then switch.
  const live = await liveModel(db);
  // Checked again: a split may have been set while the model trained.
  refuseDuringExperiment(live);
  const slot = idleSlot(live);
  const counts = {
    events: full.eventsSeen,
    customers: realUsers,
    products: matrix.items.length,
    excludedCustomers: excluded.size,
  };
  const doc: ModelDoc = {
    version,
    slot,
    status: 'writing',
    backend: model.backend,
    params: {
      ...model.params,
      windowDays: o.windowDays,
      holdoutDays: o.holdoutDays,
      halfLifeDays: o.weights.halfLifeDays ?? defaultHalfLifeDays,
    },
    window: {
      from: Timestamp.fromMillis(from),
      to: Timestamp.fromMillis(to),
      holdoutFrom: Timestamp.fromMillis(holdoutFrom),
    },
    counts,
    metrics,
    trainSeconds: Math.round((Date.now() - started) / 100) / 10,
    createdAt: Timestamp.fromDate(now),
  };
  await modelRef(db, version).set(doc);

  const existing = await productIds(db, o.pageSize);
  const vectors = matrix.items
    .map((productId, i) => ({
      productId,
      vector: model.itemFactors.subarray(i * model.dim, (i + 1) * model.dim),
    }))
    .filter((v) => existing.has(v.productId));
  if (vectors.length < matrix.items.length) {
    log(`recommendations: ${matrix.items.length - vectors.length} products in events no longer exist`);
  }
  await writeEmbeddings(db, slot, vectors, (done, total) => progress({ phase: 'embeddings', done, total }));
  // The item side again, compact, for fold-in of a single customer (fold-in.ts).
  const kept = matrix.items.flatMap((id, i) => (existing.has(id) ? [i] : []));
  await writeItemFactors(db, {
    version,
    dim: model.dim,
    ids: kept.map((i) => matrix.items[i]!),
    vectors: rowsOf(model.itemFactors, model.dim, kept),
    bias: Float32Array.from(kept, (i) => model.itemBias[i]!),
  });
  await phaseDone('embeddings');

  const { skippedErased } = await writeLists(
    db,
    slot,
    await personalLists(model, existing, o.listLength, version, now),
    (done, total) => progress({ phase: 'lists', done, total }),
  );
  if (skippedErased > 0) log(`recommendations: ${skippedErased} customers erased their data during the run`);
  await phaseDone('lists');

  await modelRef(db, version).update({
    status: 'complete',
    completedAt: Timestamp.fromDate(deps.clock.now()),
  });
  const outcome = await switchIfBetter(db, version, o.maxRecallDrop, deps.clock.now());
  progress({ phase: 'switch', done: 1, total: 1 });
  phaseSeconds.switch = (Date.now() - phaseStarted) / 1000;
  log(
    outcome.switched
      ? `recommendations: ${version} (slot ${slot}) is live`
      : `recommendations: ${version} not switched: ${outcome.reason}`,
  );
  log(`recommendations: seconds per phase ${JSON.stringify(phaseSeconds)}`);
  return { version, metrics, outcome, counts, phaseSeconds };
}

interface Trained extends TrainedModel {
  params: Record<string, string | number>;
  /** What it was trained on: with the hybrid, the customers followed by feature rows. */
  matrix: InteractionMatrix;
  realUsers: number;
}

async function train(
  interactions: InteractionMatrix,
  recent: InteractionMatrix,
  tokens: ReadonlyMap<string, readonly string[]>,
  o: RetrainOptions,
  deps: RetrainDeps,
  phase: RetrainPhase,
): Promise<Trained> {
  const progress = deps.onProgress ?? (() => {});
  const hooks = {
    backend: deps.log ? { log: deps.log } : {},
    onEpoch: (r: EpochReport) => progress({ phase, done: r.epoch, total: r.epochs }),
  };
  const trained = o.hybrid
    ? await trainHybrid(interactions, recent, tokens, o.hybrid, o.train, hooks)
    : {
        model: await trainRecommender(interactions, o.train, hooks),
        matrix: interactions,
        realUsers: interactions.users.length,
      };
  const { objective, dim, epochs, l2, alpha, seed, weightPower } = trained.model.options;
  const params: Record<string, string | number> = { objective, dim, epochs, l2, alpha, seed, weightPower };
  if (o.hybrid) {
    const h = { ...defaultHybridOptions, ...o.hybrid };
    Object.assign(params, {
      hybrid: 1,
      featureWeight: h.features.weight ?? 0,
      trendWeight: h.trendWeight,
      trendHalfLifeDays: h.trendHalfLifeDays,
    });
  }
  return { ...trained.model, params, matrix: trained.matrix, realUsers: trained.realUsers };
}

function rowsOf(matrix: Float32Array, dim: number, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, n) => out.set(matrix.subarray(r * dim, (r + 1) * dim), n * dim));
  return out;
}

async function personalLists(
  model: Trained,
  existing: Set<string>,
  k: number,
  version: string,
  now: Date,
): Promise<{ uid: string; list: RecommendationList }[]> {
  // Ask for a few more than k: products deleted since their events are dropped below.
  const { matrix } = model;
  const customers = Int32Array.from({ length: model.realUsers }, (_, u) => u);
  const ranked = await recommendTopK(model, matrix, k + 10, customers);
  const generatedAt = Timestamp.fromDate(now);
  return ranked.map((r, u) => ({
    uid: matrix.users[u]!,
    list: {
      version,
      generatedAt,
      items: Array.from(r.items, (i, n) => ({ productId: matrix.items[i]!, score: r.scores[n]! }))
        .filter((item) => existing.has(item.productId))
        .slice(0, k),
    },
  }));
}
