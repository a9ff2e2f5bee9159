/**
 * Which arm of an experiment a customer is in: a pure function of their uid and the experiment's
 * id and shares, so every instance agrees without storing anything, a customer keeps their arm for
 * as long as the split stands, and a new split (a new experiment id) deals everyone again rather
 * than leaving the same customers in the same arm from one experiment to the next.
 */
import { createHash } from 'node:crypto';
import type { Experiment, ExperimentArm } from '@hearth/contracts';

/** Where the customer falls in [0, 100): the first 32 bits of SHA-256 over the id and the uid. */
export function bucketOf(uid: string, experimentId: string): number {
  const digest = createHash('sha256').update(`${experimentId}\u0000${uid}`).digest();
  return (digest.readUInt32BE(0) / 2 ** 32) * 100;
}

/** The arm whose cumulative share range holds the customer's bucket. */
export function assignArm(uid: string, experiment: Pick<Experiment, 'id' | 'arms'>): ExperimentArm {
  return armAt(bucketOf(uid, experiment.id), experiment.arms);
}

/**
 * The arm whose range [sum of the shares before it, that plus its share) holds `bucket`: an arm's
 * range includes its lower edge and excludes its upper one, so a 0-share arm's range is empty.
 */
export function armAt(bucket: number, arms: ExperimentArm[]): ExperimentArm {
  let upTo = 0;
  for (const arm of arms) {
    upTo += arm.share;
    if (bucket < upTo) return arm;
  }
  // Shares add up to 100 (the contract checks), so only a 0-share tail could be passed over.
  return arms.findLast((a) => a.share > 0) ?? arms[0]!;
}
