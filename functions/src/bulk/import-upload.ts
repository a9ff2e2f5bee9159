/**
 * Staff side of an import: upload the file in chunks, start the job, cancel it. The job's id is
 * derived from the uploader and their idempotency key, so a retried chunk or start lands on the
 * same job and the job's state is the idempotency record: starting a started job answers its view.
 */
import { Timestamp } from 'firebase-admin/firestore';
import {
  type CancelImportRequest,
  ImportChunkDoc,
  ImportJobDoc,
  type ImportJobView,
  MAX_IMPORT_CHARS,
  type StartImportRequest,
  type UploadImportChunkRequest,
  type UploadImportChunkResponse,
} from '@hearth/contracts';
import { type Caller, DomainError } from '../platform/callable';
import type { Deps } from '../platform/deps';
import { runInTransaction } from '../platform/transaction';
import { ImportFileError, readImportFile } from './import-file';
import { importChunkRef, importJobId, importJobRef } from './import-paths';

const invalid = (field: string, message: string) =>
  new DomainError('invalid-argument', `${field}: ${message}`, { field, issues: [{ field, message }] });
const jobNotFound = (jobId: string) =>
  new DomainError('not-found', `No import job '${jobId}' exists`, { kind: 'import job', id: jobId });

export const jobView = (jobId: string, job: ImportJobDoc): ImportJobView => ({
  jobId,
  status: job.status,
  totalRows: job.totalRows,
  rowsDone: job.rowsDone,
  rowsFailed: job.rowsFailed,
});

function newJob(caller: Caller, now: Timestamp): ImportJobDoc {
  return {
    status: 'uploading',
    fileName: '',
    createdBy: { uid: caller.uid, role: caller.role === 'admin' ? 'admin' : 'staff' },
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
    chunks: 0,
    chars: 0,
    totalRows: 0,
    rowsDone: 0,
    rowsApplied: 0,
    rowsUnchanged: 0,
    rowsFailed: 0,
    issues: 0,
    leaseOwner: null,
    leaseUntil: null,
    error: null,
  };
}

export async function uploadImportChunk(
  deps: Deps,
  caller: Caller,
  req: UploadImportChunkRequest,
): Promise<UploadImportChunkResponse> {
  const jobId = importJobId(caller.uid, req.idempotencyKey);
  return runInTransaction(deps, 'upload an import chunk', async (tx) => {
    const jobRef = importJobRef(deps.db, jobId);
    const chunkRef = importChunkRef(deps.db, jobId, req.index);
    const snaps = await tx.getAll([jobRef, chunkRef]);
    const now = Timestamp.fromDate(deps.clock.now());
    const jobSnap = snaps.get(jobRef.path)!;
    const job = jobSnap.exists ? ImportJobDoc.parse(jobSnap.data()) : newJob(caller, now);
    const chunkSnap = snaps.get(chunkRef.path)!;
    const prior = chunkSnap.exists ? ImportChunkDoc.parse(chunkSnap.data()) : null;
    if (prior?.text === req.text) return { jobId, index: req.index, chunks: job.chunks };
    if (job.status !== 'uploading')
      throw new DomainError(
        'failed-precondition',
        `Import ${jobId} has started; upload a changed file under a new idempotency key`,
        { reason: 'import_started' },
      );
    const chars = job.chars - (prior?.text.length ?? 0) + req.text.length;
    if (chars > MAX_IMPORT_CHARS)
      throw invalid(
        'text',
        `the file is over ${MAX_IMPORT_CHARS / 1024 / 1024} MiB, the most an import takes`,
      );
    const chunks = job.chunks + (prior ? 0 : 1);
    tx.set(chunkRef, { index: req.index, text: req.text } satisfies ImportChunkDoc);
    tx.set(jobRef, { ...job, chunks, chars, updatedAt: now });
    return { jobId, index: req.index, chunks };
  });
}

/** The uploaded file, its chunks joined in order (all `count` of them must be there). */
export async function readUploadedFile(deps: Deps, jobId: string, count: number): Promise<string> {
  const refs = Array.from({ length: count }, (_, i) => importChunkRef(deps.db, jobId, i));
  const snaps = await deps.db.getAll(...refs);
  const missing = snaps.findIndex((s) => !s.exists);
  if (missing >= 0)
    throw new DomainError('failed-precondition', `Chunk ${missing} of ${count} was never uploaded`, {
      reason: 'missing_chunk',
    });
  return snaps.map((s) => ImportChunkDoc.parse(s.data()).text).join('');
}

/**
 * Checks the whole file (CSV syntax, header, row count) before anything is queued, so a file that
 * cannot be imported is refused at once with nothing changed; then queues the job.
 */
export async function startImport(
  deps: Deps,
  caller: Caller,
  req: StartImportRequest,
): Promise<ImportJobView> {
  const jobId = importJobId(caller.uid, req.idempotencyKey);
  const ref = importJobRef(deps.db, jobId);
  const snap = await ref.get();
  if (!snap.exists) throw jobNotFound(jobId);
  const job = ImportJobDoc.parse(snap.data());
  if (job.status !== 'uploading') return jobView(jobId, job);
  if (job.chunks !== req.chunks)
    throw invalid('chunks', `${job.chunks} chunks were uploaded under this key, not ${req.chunks}`);
  const text = await readUploadedFile(deps, jobId, req.chunks);
  let totalRows: number;
  try {
    totalRows = readImportFile(text).rows.length;
  } catch (err) {
    if (err instanceof ImportFileError) throw invalid('file', err.message);
    throw err;
  }
  return runInTransaction(deps, 'start an import', async (tx) => {
    const cur = ImportJobDoc.parse((await tx.get(ref)).data());
    if (cur.status !== 'uploading') return jobView(jobId, cur);
    const queued: ImportJobDoc = {
      ...cur,
      status: 'queued',
      fileName: req.fileName,
      totalRows,
      updatedAt: Timestamp.fromDate(deps.clock.now()),
    };
    tx.set(ref, queued);
    return jobView(jobId, queued);
  });
}

const finished = new Set(['done', 'failed', 'cancelled']);

/** Stops a job after the batch it is in; what was applied stays applied. */
export async function cancelImport(deps: Deps, req: CancelImportRequest): Promise<ImportJobView> {
  const ref = importJobRef(deps.db, req.jobId);
  return runInTransaction(deps, 'cancel an import', async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists) throw jobNotFound(req.jobId);
    const job = ImportJobDoc.parse(snap.data());
    if (finished.has(job.status)) return jobView(req.jobId, job);
    const now = Timestamp.fromDate(deps.clock.now());
    const cancelled: ImportJobDoc = {
      ...job,
      status: 'cancelled',
      leaseOwner: null,
      leaseUntil: null,
      updatedAt: now,
      finishedAt: now,
    };
    tx.set(ref, cancelled);
    return jobView(req.jobId, cancelled);
  });
}
