/**
 * Publishing a trained model: item vectors and per-customer lists go into the slot the live model
 * does not use, models/{version} records it, and models/current switches to it in one transaction,
 * only once the version is marked complete and its metrics are not worse than the live model's by
 * more than the allowed margin. Until that commit, readers see only the live model.
 */
import {
  FieldValue,
  Timestamp,
  type DocumentSnapshot,
  type Firestore,
  type WriteBatch,
} from 'firebase-admin/firestore';
import {
  CurrentModelDoc,
  embeddingField,
  ModelDoc,
  type ModelSlot,
  type RecommendationList,
} from '@hearth/contracts';
import { customerRef, recommendationsRef } from '../platform/paths';

export const modelsCollection = (db: Firestore) => db.collection('models');
export const currentModelRef = (db: Firestore) => modelsCollection(db).doc('current');
export const modelRef = (db: Firestore, version: string) => modelsCollection(db).doc(version);

/** Firestore commits at most 500 writes; stay well under it. */
const writesPerBatch = 400;

export async function liveModel(db: Firestore): Promise<CurrentModelDoc | null> {
  const snap = await currentModelRef(db).get();
  return snap.exists ? CurrentModelDoc.parse(snap.data()) : null;
}

export const idleSlot = (live: CurrentModelDoc | null): ModelSlot => (live?.slot === 'a' ? 'b' : 'a');

async function inBatches<T>(
  db: Firestore,
  rows: T[],
  write: (batch: WriteBatch, row: T) => void,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  for (let start = 0; start < rows.length; start += writesPerBatch) {
    const batch = db.batch();
    rows.slice(start, start + writesPerBatch).forEach((row) => write(batch, row));
    await batch.commit();
    onProgress?.(Math.min(rows.length, start + writesPerBatch), rows.length);
  }
}

export async function writeEmbeddings(
  db: Firestore,
  slot: ModelSlot,
  vectors: { productId: string; vector: Float32Array }[],
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const field = embeddingField(slot);
  await inBatches(
    db,
    vectors,
    (batch, { productId, vector }) =>
      batch.update(db.collection('products').doc(productId), field, FieldValue.vector(Array.from(vector))),
    onProgress,
  );
}

/**
 * Writes each customer's list, but only while their profile exists: a customer who erased their data
 * during the run must not get a list back. Each chunk reads the profiles in the transaction that
 * writes the lists, and erasure deletes the profile before the list, so in every interleaving the
 * list is either never written or deleted afterwards.
 */
export async function writeLists(
  db: Firestore,
  slot: ModelSlot,
  lists: { uid: string; list: RecommendationList }[],
  onProgress?: (done: number, total: number) => void,
): Promise<{ written: number; skippedErased: number }> {
  let written = 0;
  for (let start = 0; start < lists.length; start += writesPerBatch) {
    const chunk = lists.slice(start, start + writesPerBatch);
    written += await db.runTransaction(async (tx) => {
      const profiles = await tx.getAll(...chunk.map(({ uid }) => customerRef(db, uid)));
      const live = chunk.filter((_, i) => profiles[i]!.exists);
      for (const { uid, list } of live)
        tx.set(recommendationsRef(db, uid), { [slot]: list }, { mergeFields: [slot] });
      return live.length;
    });
    onProgress?.(Math.min(lists.length, start + writesPerBatch), lists.length);
  }
  return { written, skippedErased: lists.length - written };
}

export type SwitchOutcome = { switched: true } | { switched: false; reason: string };

/**
 * Makes `version` live if it is complete and its recall@10 is at least (1 - margin) times the live
 * model's; otherwise marks it rejected and leaves the live model as it is.
 */
export async function switchIfBetter(
  db: Firestore,
  version: string,
  margin: number,
  now: Date,
): Promise<SwitchOutcome> {
  return db.runTransaction(async (tx) => {
    const [candidateSnap, currentSnap] = (await tx.getAll(modelRef(db, version), currentModelRef(db))) as [
      DocumentSnapshot,
      DocumentSnapshot,
    ];
    const live = currentSnap.exists ? CurrentModelDoc.parse(currentSnap.data()) : null;
    // Both slots serve while an experiment runs; staff decide what goes live by promoting an arm.
    if (live?.experiment) return { switched: false, reason: `experiment ${live.experiment.id} is running` };
    if (!candidateSnap.exists) return { switched: false, reason: `models/${version} does not exist` };
    const candidate = ModelDoc.parse(candidateSnap.data());
    if (candidate.status !== 'complete') {
      return { switched: false, reason: `models/${version} is ${candidate.status}, not complete` };
    }
    if (live && candidate.metrics.recall10 < live.metrics.recall10 * (1 - margin)) {
      const reason =
        `recall@10 ${candidate.metrics.recall10.toFixed(4)} is more than ${margin * 100}% below ` +
        `the live ${live.version}'s ${live.metrics.recall10.toFixed(4)}`;
      tx.update(modelRef(db, version), { status: 'rejected', rejectedBecause: reason });
      return { switched: false, reason };
    }
    const current: CurrentModelDoc = {
      version,
      slot: candidate.slot,
      metrics: candidate.metrics,
      switchedAt: Timestamp.fromDate(now),
    };
    tx.set(currentModelRef(db), current);
    return { switched: true };
  });
}

/** The live list of a customer: the one in the live slot, if it was written by the live version. */
export async function liveRecommendations(
  db: Firestore,
  uid: string,
): Promise<{ version: string; list: RecommendationList } | null> {
  const [live, doc] = await Promise.all([liveModel(db), recommendationsRef(db, uid).get()]);
  const list = live && (doc.get(live.slot) as RecommendationList | undefined);
  return live && list?.version === live.version ? { version: live.version, list } : null;
}
