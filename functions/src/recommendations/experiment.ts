/**
 * A/B arms, staff side: set the split of customers between the two slots' models, and promote an
 * arm (its model becomes the only live one and the experiment ends). Both change models/current in
 * one transaction, so serving never sees a split without its live model; the retraining job
 * refuses to write into a slot while an experiment uses both (retrain.ts), and a split refuses a
 * slot whose newest model is still being written.
 */
import { Timestamp, type Firestore, type Transaction } from 'firebase-admin/firestore';
import {
  CurrentModelDoc,
  type Experiment,
  type ExperimentArm,
  ModelDoc,
  type ModelSlot,
  type PromoteRecommenderArmRequest,
  type RecommenderSplitResponse,
  type SetRecommenderSplitRequest,
} from '@hearth/contracts';
import type { z } from 'zod';
import type { Deps } from '../platform/deps';
import { currentModelRef, modelRef, modelsCollection } from './publish';
import { RecommendationError } from './serving-state';

const answerOf = (current: CurrentModelDoc): RecommenderSplitResponse => ({
  experimentId: current.experiment?.id ?? null,
  live: { version: current.version, slot: current.slot },
  arms: current.experiment?.arms ?? [],
});

async function readCurrent(db: Firestore, tx: Transaction): Promise<CurrentModelDoc> {
  const snap = await tx.get(currentModelRef(db));
  if (!snap.exists)
    throw new RecommendationError(
      'failed-precondition',
      'No recommendation model is live yet: train one first (npm run train)',
    );
  return CurrentModelDoc.parse(snap.data());
}

/**
 * The model a slot holds: the newest version written into it, which must be fully written.
 * Versions are few (one a night), so they are read by slot alone and the newest picked here,
 * which needs no composite index.
 */
async function slotModel(db: Firestore, tx: Transaction, slot: ModelSlot): Promise<ModelDoc> {
  const snap = await tx.get(modelsCollection(db).where('slot', '==', slot));
  // A record that does not parse might be the newest: refuse rather than guess what the slot holds.
  const models = snap.docs
    .filter((d) => d.id !== 'current')
    .map((d) => {
      const parsed = ModelDoc.safeParse(d.data());
      if (!parsed.success)
        throw new RecommendationError(
          'failed-precondition',
          `models/${d.id} is not a model record (${parsed.error.issues[0]?.message}): repair or remove it`,
        );
      return parsed.data;
    });
  const newest = models.sort((x, y) => y.createdAt.toMillis() - x.createdAt.toMillis())[0];
  if (!newest) throw new RecommendationError('failed-precondition', `Slot ${slot} holds no model yet`);
  if (newest.status === 'writing')
    throw new RecommendationError(
      'failed-precondition',
      `Slot ${slot}'s newest model ${newest.version} is still being written (or its run failed): ` +
        'wait for the run, or run it again',
    );
  return newest;
}

const sameArms = (x: ExperimentArm[], y: ExperimentArm[]) => JSON.stringify(x) === JSON.stringify(y);

/**
 * One staff change of models/current, in a transaction: `change` returns the next document, or the
 * current one to leave it as it is. A retry with the key of the change that made the document
 * answers from it and changes nothing.
 */
async function changeCurrent(
  deps: Deps,
  idempotencyKey: string,
  change: (tx: Transaction, current: CurrentModelDoc, now: Date) => Promise<CurrentModelDoc>,
): Promise<RecommenderSplitResponse> {
  const { db } = deps;
  const now = deps.clock.now();
  return db.runTransaction(async (tx) => {
    const current = await readCurrent(db, tx);
    if (current.changeKey === idempotencyKey) return answerOf(current);
    const next = await change(tx, current, now);
    if (next !== current) tx.set(currentModelRef(db), next);
    return answerOf(next);
  });
}

export async function setRecommenderSplit(
  deps: Deps,
  req: z.output<typeof SetRecommenderSplitRequest>,
): Promise<RecommenderSplitResponse> {
  const { db } = deps;
  return changeCurrent(deps, req.idempotencyKey, async (tx, current, now) => {
    const requested = [...req.arms].sort((x, y) => x.slot.localeCompare(y.slot));
    const arms: ExperimentArm[] = [];
    for (const { slot, share, version } of requested) {
      const model = await slotModel(db, tx, slot);
      if (version !== undefined && version !== model.version)
        throw new RecommendationError(
          'failed-precondition',
          `Slot ${slot} holds ${model.version} now, not ${version}: look again and retry`,
        );
      if (slot === current.slot && model.version !== current.version)
        throw new RecommendationError(
          'failed-precondition',
          `The live slot ${slot} holds ${model.version}, not the live ${current.version}`,
        );
      arms.push({ slot, version: model.version, share });
    }
    // The same split again keeps the running experiment (and everyone's arm).
    if (current.experiment && sameArms(current.experiment.arms, arms)) return current;
    const experiment: Experiment = {
      id: `x${now.toISOString().replace(/[-:.]/g, '')}`,
      arms,
      startedAt: Timestamp.fromDate(now),
    };
    return { ...current, experiment, changeKey: req.idempotencyKey };
  });
}

export async function promoteRecommenderArm(
  deps: Deps,
  req: z.output<typeof PromoteRecommenderArmRequest>,
): Promise<RecommenderSplitResponse> {
  const { db } = deps;
  return changeCurrent(deps, req.idempotencyKey, async (tx, current, now) => {
    const experiment = current.experiment;
    if (!experiment)
      throw new RecommendationError(
        'failed-precondition',
        'No experiment is running: set a split first (setRecommenderSplit)',
      );
    const arm = experiment.arms.find((a) => a.slot === req.slot)!;
    const snap = await tx.get(modelRef(db, arm.version));
    if (!snap.exists)
      throw new RecommendationError('not-found', `models/${arm.version} (slot ${arm.slot}) is gone`);
    const model = ModelDoc.parse(snap.data());
    const { experiment: _ended, ...rest } = current;
    return {
      ...rest,
      version: arm.version,
      slot: arm.slot,
      metrics: model.metrics,
      switchedAt: Timestamp.fromDate(now),
      endedExperiment: { ...experiment, endedAt: Timestamp.fromDate(now), promoted: arm.slot },
      changeKey: req.idempotencyKey,
    };
  });
}
