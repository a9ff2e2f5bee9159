/**
 * Running an import job: whoever holds the job's lease applies its rows a batch per transaction,
 * and each batch's transaction also moves the job's cursor (rowsDone), its counts and its report,
 * so progress is exactly what was committed. A crashed run leaves the lease to expire and the
 * sweeper resumes at the cursor; a run out of time hands the job back (status queued), which fires
 * the trigger again. The lease and cursor are checked in every batch's transaction, so two runs of
 * one job never both apply a batch; each row's ledger entries carry the row's own operation id as
 * a second guard.
 */
import { randomUUID } from 'node:crypto';
import { Timestamp } from 'firebase-admin/firestore';
import { ImportJobDoc, MAX_REPORTED_ISSUES } from '@hearth/contracts';
import type { Deps } from '../inventory/deps';
import { loadLocations } from '../inventory/locations';
import { runInTransaction } from '../platform/transaction';
import { checkRow, type ImportFile, ImportFileError, readImportFile } from './import-file';
import { importIssueRef, importJobRef, importJobsCol } from './import-paths';
import { planBatch, type ValidRow } from './import-rows';
import { readUploadedFile } from './import-upload';

/** How long a run may go without committing a batch before another may take the job over. */
export const IMPORT_LEASE_MS = 2 * 60_000;
/** Rows per transaction; halved while a batch would write more than MAX_BATCH_WRITES documents. */
export const IMPORT_BATCH_ROWS = 100;
const MAX_BATCH_WRITES = 450;
/** A run hands the job back after this long, well inside a function's 540 s timeout. */
const RUN_BUDGET_MS = 240_000;

export interface RunOptions {
  /** Who runs it (a fresh id per run by default). */
  owner?: string;
  budgetMs?: number;
  batchRows?: number;
}

export type RunResult =
  | { outcome: 'finished'; status: ImportJobDoc['status']; rows: number }
  | { outcome: 'yielded' | 'lost'; rows: number }
  | { outcome: 'not-runnable'; status: ImportJobDoc['status'] | 'missing' };

const leaseExpired = (job: ImportJobDoc, now: number) =>
  job.leaseUntil === null || job.leaseUntil.toMillis() <= now;

/** Takes the job if it is queued, or running under a lease that has expired. */
async function claim(
  deps: Deps,
  jobId: string,
  owner: string,
): Promise<(ImportJobDoc & { tookOver: boolean }) | ImportJobDoc['status'] | 'missing'> {
  const ref = importJobRef(deps.db, jobId);
  return runInTransaction(deps, 'claim an import job', async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists) return 'missing' as const;
    const job = ImportJobDoc.parse(snap.data());
    const now = deps.clock.now().getTime();
    const runnable = job.status === 'queued' || (job.status === 'running' && leaseExpired(job, now));
    if (!runnable) return job.status;
    const claimed: ImportJobDoc = {
      ...job,
      status: 'running',
      leaseOwner: owner,
      leaseUntil: Timestamp.fromMillis(now + IMPORT_LEASE_MS),
      startedAt: job.startedAt ?? Timestamp.fromMillis(now),
      updatedAt: Timestamp.fromMillis(now),
    };
    tx.set(ref, claimed);
    return { ...claimed, tookOver: job.status === 'running' };
  });
}

/** Sets fields of the job if this run still holds it. */
async function release(
  deps: Deps,
  jobId: string,
  owner: string,
  change: Partial<ImportJobDoc>,
): Promise<void> {
  const ref = importJobRef(deps.db, jobId);
  await runInTransaction(deps, 'release an import job', async (tx) => {
    const job = ImportJobDoc.parse((await tx.get(ref)).data());
    if (job.status !== 'running' || job.leaseOwner !== owner) return;
    const at = Timestamp.fromDate(deps.clock.now());
    tx.set(ref, { ...job, leaseOwner: null, leaseUntil: null, updatedAt: at, ...change });
  });
}

type BatchResult = { done: number } | 'lost' | 'too-big';

async function runBatch(
  deps: Deps,
  jobId: string,
  owner: string,
  file: ImportFile,
  from: number,
  size: number,
  checkMarkers: boolean,
): Promise<BatchResult> {
  const ref = importJobRef(deps.db, jobId);
  const locations = await loadLocations(deps);
  const slice = file.rows.slice(from, from + size);
  const result = await runInTransaction(deps, 'apply import rows', async (tx) => {
    const job = ImportJobDoc.parse((await tx.get(ref)).data());
    if (job.status !== 'running' || job.leaseOwner !== owner || job.rowsDone !== from) return 'lost' as const;
    const checked = slice.map((r) => checkRow(file.columns, r));
    const valid = checked.flatMap((c): ValidRow[] => (c.ok ? [{ row: c.row, value: c.value }] : []));
    const plan = await planBatch({ deps, tx, jobId, actor: job.createdBy, locations }, valid, checkMarkers);
    const invalid = checked.flatMap((c) => (c.ok ? [] : c.issues));
    const issues = [...invalid, ...plan.issues].sort((a, b) => a.row - b.row);
    const kept = issues.slice(0, Math.max(0, MAX_REPORTED_ISSUES - job.issues));
    if (plan.pendingWrites + kept.length + 1 > MAX_BATCH_WRITES && size > 1) return 'too-big' as const;
    const outcomes = [...plan.outcomes.values()];
    const count = (o: string) => outcomes.filter((x) => x === o).length;
    const done = from + slice.length;
    const now = deps.clock.now().getTime();
    const finished = done >= file.rows.length;
    deps.checkpoint?.('import:before-commit');
    plan.write();
    const seen = new Map<number, number>();
    for (const issue of kept) {
      const n = seen.get(issue.row) ?? 0;
      seen.set(issue.row, n + 1);
      tx.set(importIssueRef(deps.db, jobId, issue.row, n), issue);
    }
    const next: ImportJobDoc = {
      ...job,
      rowsDone: done,
      rowsApplied: job.rowsApplied + count('applied'),
      rowsUnchanged: job.rowsUnchanged + count('unchanged'),
      rowsFailed: job.rowsFailed + count('failed') + (checked.length - valid.length),
      issues: job.issues + kept.length,
      updatedAt: Timestamp.fromMillis(now),
      leaseUntil: finished ? null : Timestamp.fromMillis(now + IMPORT_LEASE_MS),
      ...(finished && { status: 'done', leaseOwner: null, finishedAt: Timestamp.fromMillis(now) }),
    };
    tx.set(ref, next);
    return { done: slice.length, sharded: plan.shardedSkus };
  });
  if (typeof result === 'string') return result;
  for (const sku of result.sharded) deps.refresher?.request(sku);
  return { done: result.done };
}

/** Runs the job from its cursor until it is done, cancelled, taken over, or out of time. */
export async function runImport(deps: Deps, jobId: string, opts: RunOptions = {}): Promise<RunResult> {
  const owner = opts.owner ?? randomUUID();
  const claimed = await claim(deps, jobId, owner);
  if (typeof claimed === 'string') return { outcome: 'not-runnable', status: claimed };
  let file: ImportFile;
  try {
    file = readImportFile(await readUploadedFile(deps, jobId, claimed.chunks));
  } catch (err) {
    if (!(err instanceof ImportFileError)) throw err;
    await release(deps, jobId, owner, {
      status: 'failed',
      error: err.message,
      finishedAt: Timestamp.fromDate(deps.clock.now()),
    });
    return { outcome: 'finished', status: 'failed', rows: 0 };
  }
  const started = Date.now();
  const budget = opts.budgetMs ?? RUN_BUDGET_MS;
  let at = claimed.rowsDone;
  let size = opts.batchRows ?? IMPORT_BATCH_ROWS;
  let rows = 0;
  while (at < file.rows.length) {
    if (Date.now() - started > budget) {
      await release(deps, jobId, owner, { status: 'queued' });
      return { outcome: 'yielded', rows };
    }
    // A run that took the job over from one that stopped checks the ledger for its first batch.
    const result = await runBatch(deps, jobId, owner, file, at, size, rows === 0 && claimed.tookOver);
    if (result === 'lost') return { outcome: 'lost', rows };
    if (result === 'too-big') {
      size = Math.ceil(size / 2);
      continue;
    }
    at += result.done;
    rows += result.done;
    deps.checkpoint?.('import:after-batch');
  }
  return { outcome: 'finished', status: 'done', rows };
}

/**
 * The sweeper: runs every job that is queued (its trigger may never have fired) or whose run
 * stopped renewing its lease (crashed), one after the other.
 */
export async function sweepImports(deps: Deps, opts: RunOptions = {}): Promise<number> {
  const snap = await importJobsCol(deps.db).where('status', 'in', ['queued', 'running']).get();
  const now = deps.clock.now().getTime();
  let ran = 0;
  for (const doc of snap.docs) {
    const job = ImportJobDoc.parse(doc.data());
    if (job.status === 'running' && !leaseExpired(job, now)) continue;
    await runImport(deps, doc.id, opts);
    ran++;
  }
  return ran;
}

/** The trigger: a job that has just become queued (started, or handed back) is run. */
export async function onImportJobWritten(
  deps: Deps,
  jobId: string,
  before: { status?: unknown } | undefined,
  after: { status?: unknown } | undefined,
): Promise<void> {
  if (after?.status !== 'queued' || before?.status === 'queued') return;
  await runImport(deps, jobId);
}
