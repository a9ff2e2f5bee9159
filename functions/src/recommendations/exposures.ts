/**
 * What serving showed a customer in an experiment: customers/{uid}/exposures/{experimentId}. The
 * server records it, so an arm's customers and impressions are not what apps claim; it lives under
 * the profile, so erasure (a recursive delete of the profile) removes it.
 */
import { FieldValue, Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { ExperimentArm, ExposureDoc, RecommendedItem } from '@hearth/contracts';
import type { Deps } from '../platform/deps';
import { customerRef } from '../platform/paths';

const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;

export const exposureRef = (db: Firestore, uid: string, experimentId: string) =>
  customerRef(db, uid).collection('exposures').doc(experimentId);

export async function recordExposure(
  deps: Deps,
  uid: string,
  experimentId: string,
  arm: ExperimentArm,
  items: RecommendedItem[],
): Promise<void> {
  const ref = exposureRef(deps.db, uid, experimentId);
  const now = Timestamp.fromDate(deps.clock.now());
  const ids = items.map((i) => i.productId);
  const served = ids.length > 0 ? FieldValue.arrayUnion(...ids) : FieldValue.arrayUnion();
  if (deps.metrics) deps.metrics.writes += 1;
  const update = () =>
    ref.update({
      lastAt: now,
      answers: FieldValue.increment(1),
      impressions: FieldValue.increment(ids.length),
      served,
    });
  const code = (err: unknown) => (err as { code?: unknown } | null)?.code;
  // An update on every answer but the first, which creates the document with its firstAt; of two
  // first answers at once, the one whose create loses updates instead.
  try {
    await update();
  } catch (err) {
    if (code(err) !== GRPC_NOT_FOUND) throw err;
    const first: ExposureDoc = {
      experimentId,
      slot: arm.slot,
      version: arm.version,
      firstAt: now,
      lastAt: now,
      answers: 1,
      impressions: ids.length,
      served: [...new Set(ids)],
    };
    await ref.create(first).catch((e: unknown) => {
      if (code(e) !== GRPC_ALREADY_EXISTS) throw e;
      return update();
    });
  }
}
