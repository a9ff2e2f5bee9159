/** Where an import job's documents live: the job, its uploaded chunks, its report. */
import type { Firestore } from 'firebase-admin/firestore';
import { operationId } from '../inventory/idempotency';

export const importJobsCol = (db: Firestore) => db.collection('importJobs');
export const importJobRef = (db: Firestore, jobId: string) => importJobsCol(db).doc(jobId);
export const importChunksOf = (db: Firestore, jobId: string) => importJobRef(db, jobId).collection('chunks');
export const importChunkRef = (db: Firestore, jobId: string, index: number) =>
  importChunksOf(db, jobId).doc(String(index).padStart(3, '0'));
export const importIssuesOf = (db: Firestore, jobId: string) => importJobRef(db, jobId).collection('issues');
/** Ordered by row, then by the issue's place in the row; rewriting one on a retried commit is harmless. */
export const importIssueRef = (db: Firestore, jobId: string, row: number, n: number) =>
  importIssuesOf(db, jobId).doc(`${String(row).padStart(7, '0')}-${n}`);

/** A job is named by its uploader and their key, so every chunk and the start of one file meet. */
export const importJobId = (uid: string, idempotencyKey: string) =>
  operationId('importJob', uid, idempotencyKey);

/**
 * Each row's own operation: its ledger entries are `${rowOpId}-${n}`, so a resumed or raced run of
 * the same job can see that a row's stock change is already in the ledger.
 */
export const rowOpId = (jobId: string, row: number) => operationId('importRow', jobId, String(row));

/** The idempotency key recorded on a row's ledger entries. */
export const rowKey = (jobId: string, row: number) => `import-${jobId}-${row}`;
