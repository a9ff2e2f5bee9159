/**
 * Bulk import of products, variants and stock levels from a CSV file, run as a background job
 * (importJobs/{jobId}), and the staff CSV exports. Staff upload the file in chunks, start the job,
 * watch its progress and read its per-row report; only the functions write any of it.
 */
import { z } from 'zod';
import { Actor } from './inventory';
import {
  Count,
  CurrencyCode,
  FirestoreTime,
  IdempotencyKey,
  IsoTime,
  LocationId,
  ProductId,
  Sku,
} from './common';

/** Characters in one uploaded chunk: well inside a Firestore document (1 MiB) even at 3 bytes each. */
export const IMPORT_CHUNK_CHARS = 256 * 1024;
/** The largest file an import takes: 40 chunks, 10 MiB of text (about 100,000 typical rows). */
export const MAX_IMPORT_CHUNKS = 40;
export const MAX_IMPORT_CHARS = MAX_IMPORT_CHUNKS * IMPORT_CHUNK_CHARS;
export const MAX_IMPORT_ROWS = 100_000;
/** Issues kept in a job's report; the job still counts every failed row. */
export const MAX_REPORTED_ISSUES = 1_000;
/** The largest stock level a row may set at one location. */
export const MAX_IMPORT_ON_HAND = 1_000_000;

/**
 * The columns an import file may have, in any order; `sku` is required. A row with `productId`
 * defines (or updates) a product and its variant; a row with `locationId` and `onHand` sets the
 * stock counted there (the import records the difference as an `adjust` movement). A row may do both.
 */
export const IMPORT_COLUMNS = [
  'sku',
  'productId',
  'productName',
  'category',
  'room',
  'description',
  'priceMinor',
  'currency',
  'material',
  'colour',
  'size',
  'locationId',
  'onHand',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const text = (max: number) =>
  z.preprocess(blankToUndefined, z.string().trim().max(max, `must be at most ${max} characters`).optional());

/** A whole number written in a cell: digits only (no spaces, decimals, exponents or thousands separators). */
const wholeNumber = (max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^-?\d+$/, 'must be a whole number (digits only)')
      .transform(Number)
      .pipe(
        z
          .number()
          .min(0, 'must not be negative')
          .max(max, `must be at most ${max.toLocaleString('en-GB')}`),
      )
      .optional(),
  );

const optionalId = <T extends z.ZodType>(id: T) => z.preprocess(blankToUndefined, id.optional());

/** One data row of an import file, as its cells (strings) come out of the CSV parser. */
export const ImportRow = z
  .object({
    sku: z.preprocess(blankToUndefined, z.string({ error: 'is required' }).pipe(Sku)),
    productId: optionalId(ProductId),
    productName: text(200),
    category: text(100),
    room: text(100),
    description: text(2000),
    priceMinor: wholeNumber(100_000_000),
    currency: optionalId(CurrencyCode),
    material: text(100),
    colour: text(100),
    size: text(100),
    locationId: optionalId(LocationId),
    onHand: wholeNumber(MAX_IMPORT_ON_HAND),
  })
  .superRefine((row, ctx) => {
    const missing = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (row.productId !== undefined) {
      if (row.productName === undefined) missing('productName', 'is required when productId is given');
      if (row.category === undefined) missing('category', 'is required when productId is given');
      if (row.priceMinor === undefined) missing('priceMinor', 'is required when productId is given');
      if (row.currency === undefined) missing('currency', 'is required when productId is given');
    } else {
      for (const col of ['productName', 'category', 'room', 'description', 'priceMinor', 'currency'] as const)
        if (row[col] !== undefined) missing('productId', `is required when ${col} is given`);
    }
    if (row.locationId !== undefined && row.onHand === undefined)
      missing('onHand', 'is required when locationId is given');
    if (row.onHand !== undefined && row.locationId === undefined)
      missing('locationId', 'is required when onHand is given');
    if (row.productId === undefined && row.locationId === undefined)
      missing('sku', 'the row needs a productId (catalog) or a locationId and onHand (stock)');
  });
export type ImportRow = z.infer<typeof ImportRow>;

export const ImportStatus = z.enum(['uploading', 'queued', 'running', 'done', 'failed', 'cancelled']);
export type ImportStatus = z.infer<typeof ImportStatus>;

/** importJobs/{jobId}: one import, its progress, and who runs it now (a lease, so a crash is resumed). */
export const ImportJobDoc = z.object({
  status: ImportStatus,
  fileName: z.string(),
  createdBy: Actor,
  createdAt: FirestoreTime,
  updatedAt: FirestoreTime,
  startedAt: FirestoreTime.nullable(),
  finishedAt: FirestoreTime.nullable(),
  /** Chunks uploaded so far, and their characters. */
  chunks: Count,
  chars: Count,
  /** Data rows in the file (the header not counted); 0 until the job is started. */
  totalRows: Count,
  /** Rows processed (applied, unchanged or failed): the next row to process is data row `rowsDone`. */
  rowsDone: Count,
  /** Rows whose catalog or stock changed. */
  rowsApplied: Count,
  /** Rows that changed nothing because the store already held what they say. */
  rowsUnchanged: Count,
  rowsFailed: Count,
  /** Issues in the report (at most MAX_REPORTED_ISSUES; every failed row is counted in rowsFailed). */
  issues: Count,
  leaseOwner: z.string().nullable(),
  leaseUntil: FirestoreTime.nullable(),
  /** Why the job failed as a whole (a file that stopped parsing), or null. */
  error: z.string().nullable(),
});
export type ImportJobDoc = z.infer<typeof ImportJobDoc>;

/** importJobs/{jobId}/chunks/{index}: part of the uploaded file, in order. */
export const ImportChunkDoc = z.object({ index: Count, text: z.string() });
export type ImportChunkDoc = z.infer<typeof ImportChunkDoc>;

/**
 * importJobs/{jobId}/issues/{id}: one problem with one row. `row` is the file's row as a spreadsheet
 * numbers it (the header is row 1); `column` is empty when the problem is the row as a whole.
 */
export const ImportIssueDoc = z.object({
  row: z.number().int().min(1),
  column: z.string(),
  message: z.string(),
});
export type ImportIssueDoc = z.infer<typeof ImportIssueDoc>;

export const UploadImportChunkRequest = z.object({
  /** Names the job: every chunk of one file and its startImport carry the same key. */
  idempotencyKey: IdempotencyKey,
  index: z
    .number()
    .int()
    .min(0)
    .max(MAX_IMPORT_CHUNKS - 1, `must be below ${MAX_IMPORT_CHUNKS}`),
  text: z
    .string()
    .min(1, 'must not be empty')
    .max(
      IMPORT_CHUNK_CHARS,
      `must be at most ${IMPORT_CHUNK_CHARS} characters; split the file into more chunks`,
    ),
});
export type UploadImportChunkRequest = z.infer<typeof UploadImportChunkRequest>;

export const UploadImportChunkResponse = z.object({ jobId: z.string(), index: Count, chunks: Count });
export type UploadImportChunkResponse = z.infer<typeof UploadImportChunkResponse>;

export const StartImportRequest = z.object({
  idempotencyKey: IdempotencyKey,
  fileName: z.string().min(1).max(200),
  /** How many chunks the file was uploaded in; all must be there. */
  chunks: z
    .number()
    .int()
    .min(1)
    .max(
      MAX_IMPORT_CHUNKS,
      `must be at most ${MAX_IMPORT_CHUNKS}: a file is at most ${MAX_IMPORT_CHARS / 1024 / 1024} MiB`,
    ),
});
export type StartImportRequest = z.infer<typeof StartImportRequest>;

export const ImportJobView = z.object({
  jobId: z.string(),
  status: ImportStatus,
  totalRows: Count,
  rowsDone: Count,
  rowsFailed: Count,
});
export type ImportJobView = z.infer<typeof ImportJobView>;

/**
 * Cancelling sets a state rather than adding to one, so a retry has the effect of one call without
 * an idempotency key. Rows already applied stay applied.
 */
export const CancelImportRequest = z.object({
  jobId: z.string().regex(/^[0-9a-f]{32}$/, 'must be a job id'),
});
export type CancelImportRequest = z.infer<typeof CancelImportRequest>;

/** The largest export a callable answers with; the CLI (npm run export:csv) has no such limit. */
export const MAX_EXPORT_CHARS = 8 * 1024 * 1024;

export const ExportCsvRequest = z.object({
  what: z.enum(['stock', 'ledger']),
  /** Ledger only: entries at or after `from` and before `to`. */
  from: IsoTime.optional(),
  to: IsoTime.optional(),
});
export type ExportCsvRequest = z.infer<typeof ExportCsvRequest>;

export const ExportCsvResponse = z.object({ csv: z.string(), rows: Count });
export type ExportCsvResponse = z.infer<typeof ExportCsvResponse>;
