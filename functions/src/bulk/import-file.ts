/**
 * Reading an import file: csv-parse (RFC 4180: quoted fields with commas, doubled quotes and line
 * breaks; a UTF-8 byte order mark dropped) into rows of cells keyed by column, and each row checked
 * against the contract (ImportRow). A file that cannot be read as CSV at all, or whose header is
 * wrong, is refused as a whole; a bad row only fails itself.
 */
import { parse } from 'csv-parse/sync';
import {
  IMPORT_COLUMNS,
  type ImportColumn,
  type ImportIssueDoc,
  ImportRow,
  MAX_IMPORT_ROWS,
} from '@hearth/contracts';

/** One data row: its number as a spreadsheet shows it (the header is row 1) and its cells. */
export interface FileRow {
  row: number;
  cells: string[];
}

export interface ImportFile {
  columns: ImportColumn[];
  /** Data rows in file order, blank lines left out. */
  rows: FileRow[];
}

/** The file as a whole cannot be imported; the message says why and where. */
export class ImportFileError extends Error {}

const known = new Map<string, ImportColumn>(IMPORT_COLUMNS.map((c) => [c.toLowerCase(), c]));

function headerOf(cells: string[]): ImportColumn[] {
  const columns: ImportColumn[] = [];
  cells.forEach((raw, i) => {
    const name = raw.trim();
    const column = known.get(name.toLowerCase());
    if (!column)
      throw new ImportFileError(
        `header: column ${i + 1} '${name}' is not one of ${IMPORT_COLUMNS.join(', ')}`,
      );
    if (columns.includes(column)) throw new ImportFileError(`header: column '${column}' appears twice`);
    columns.push(column);
  });
  if (!columns.includes('sku'))
    throw new ImportFileError(
      `header: the file needs a 'sku' column (columns: ${IMPORT_COLUMNS.join(', ')})`,
    );
  return columns;
}

export function readImportFile(text: string): ImportFile {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch (err) {
    throw new ImportFileError(`not readable as CSV: ${(err as Error).message}`);
  }
  const [header, ...data] = records;
  if (!header || header.every((c) => c.trim() === '')) throw new ImportFileError('the file is empty');
  const columns = headerOf(header);
  const rows = data
    .map((cells, i) => ({ row: i + 2, cells }))
    .filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (rows.length === 0) throw new ImportFileError('the file has a header but no rows');
  if (rows.length > MAX_IMPORT_ROWS)
    throw new ImportFileError(
      `the file has ${rows.length.toLocaleString('en-GB')} rows; an import takes at most ${MAX_IMPORT_ROWS.toLocaleString('en-GB')}`,
    );
  return { columns, rows };
}

export type CheckedRow =
  { ok: true; row: number; value: ImportRow } | { ok: false; issues: ImportIssueDoc[] };

/** A row against the contract: its value, or every issue found in it (column and message). */
export function checkRow(columns: ImportColumn[], r: FileRow): CheckedRow {
  if (r.cells.length !== columns.length)
    return {
      ok: false,
      issues: [
        {
          row: r.row,
          column: '',
          message: `has ${r.cells.length} cells; the header has ${columns.length} (a comma in a value needs quotes)`,
        },
      ],
    };
  const record = Object.fromEntries(columns.map((c, i) => [c, r.cells[i]]));
  const parsed = ImportRow.safeParse(record);
  if (parsed.success) return { ok: true, row: r.row, value: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({
      row: r.row,
      column: String(i.path[0] ?? ''),
      message: i.message,
    })),
  };
}
