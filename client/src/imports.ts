/**
 * Staff bulk import and export: send a CSV file as an import job (uploaded in chunks, then started),
 * watch the job's progress and its per-row report live, cancel it, turn the report into CSV, and
 * fetch the stock or ledger export as CSV text. The job runs in the functions; this only watches.
 */
import { collection, doc, limit, onSnapshot, orderBy, query, type Unsubscribe } from 'firebase/firestore';
import {
  CancelImportRequest,
  ExportCsvRequest,
  ExportCsvResponse,
  IMPORT_CHUNK_CHARS,
  type ImportIssueDoc,
  type ImportJobDoc,
  ImportJobView,
  MAX_IMPORT_CHUNKS,
  MAX_REPORTED_ISSUES,
  StartImportRequest,
  UploadImportChunkRequest,
  UploadImportChunkResponse,
} from '@hearth/contracts';
import type { z } from 'zod';
import { call, newIdempotencyKey } from './call';
import type { HearthClient } from './client';
import { fail, type HearthError, type Result, toHearthError } from './errors';

type Client = Pick<HearthClient, 'functions'>;
type Db = Pick<HearthClient, 'db'>;

/**
 * Uploads `text` (the whole file) and starts its import. Retrying with the same `idempotencyKey`
 * resends nothing twice and answers the same job. `onProgress` hears each chunk as it lands.
 */
export async function startImport(
  client: Client,
  file: { name: string; text: string },
  opts: { idempotencyKey?: string; onProgress?: (sent: number, of: number) => void } = {},
): Promise<Result<ImportJobView>> {
  const idempotencyKey = opts.idempotencyKey ?? newIdempotencyKey();
  const chunks: string[] = [];
  for (let at = 0; at < file.text.length; at += IMPORT_CHUNK_CHARS)
    chunks.push(file.text.slice(at, at + IMPORT_CHUNK_CHARS));
  if (chunks.length === 0 || chunks.length > MAX_IMPORT_CHUNKS) {
    const message =
      chunks.length === 0
        ? 'is empty'
        : `is over ${(MAX_IMPORT_CHUNKS * IMPORT_CHUNK_CHARS) / 1024 / 1024} MiB, the most an import takes`;
    return fail({
      code: 'invalid-argument',
      message: `file: ${message}`,
      field: 'file',
      issues: [{ field: 'file', message }],
    });
  }
  for (const [index, text] of chunks.entries()) {
    const sent = await call(
      client,
      'uploadImportChunk',
      UploadImportChunkRequest,
      UploadImportChunkResponse,
      {
        idempotencyKey,
        index,
        text,
      },
    );
    if (!sent.ok) return sent;
    opts.onProgress?.(index + 1, chunks.length);
  }
  return call(client, 'startImport', StartImportRequest, ImportJobView, {
    idempotencyKey,
    fileName: file.name.slice(0, 200) || 'import.csv',
    chunks: chunks.length,
  });
}

export const cancelImport = (client: Client, req: z.input<typeof CancelImportRequest>) =>
  call(client, 'cancelImport', CancelImportRequest, ImportJobView, req);

/** The stock levels or the ledger (optionally between two ISO times) as CSV text. */
export const exportCsv = (client: Client, req: z.input<typeof ExportCsvRequest>) =>
  call(client, 'exportCsv', ExportCsvRequest, ExportCsvResponse, req);

/** One import job, live (null while it does not exist). Staff only. */
export function watchImportJob(
  client: Db,
  jobId: string,
  onChange: (job: ImportJobDoc | null) => void,
  onError: (e: HearthError) => void = console.error,
): Unsubscribe {
  return onSnapshot(
    doc(client.db, 'importJobs', jobId),
    (snap) => onChange(snap.exists() ? (snap.data() as ImportJobDoc) : null),
    (err) => onError(toHearthError(err)),
  );
}

/** A job's report (row order, at most MAX_REPORTED_ISSUES), live. Staff only. */
export function watchImportIssues(
  client: Db,
  jobId: string,
  onChange: (issues: ImportIssueDoc[]) => void,
  onError: (e: HearthError) => void = console.error,
): Unsubscribe {
  return onSnapshot(
    query(
      collection(client.db, 'importJobs', jobId, 'issues'),
      orderBy('__name__'),
      limit(MAX_REPORTED_ISSUES),
    ),
    (snap) => onChange(snap.docs.map((d) => d.data() as ImportIssueDoc)),
    (err) => onError(toHearthError(err)),
  );
}

const cell = (v: string | number) => {
  const text = String(v);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The report as CSV (row, column, message), quoted as RFC 4180 has it, formulas defused. */
export const importIssuesCsv = (issues: readonly ImportIssueDoc[]): string =>
  ['row,column,message', ...issues.map((i) => [i.row, i.column, i.message].map(cell).join(','))].join(
    '\r\n',
  ) + '\r\n';
