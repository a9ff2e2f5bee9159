/**
 * The emulator keeps data: import an export at start, export on demand (in process, or the
 * official emulator's control call `POST /emulator/v1/projects/{p}:export`) and on exit. The format
 * is in format.ts and emulator/README.md.
 */
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Backend } from '../server/backend.js';
import { parseDatabaseName } from '../server/names.js';
import { readBody } from '../transports/http-io.js';
import { takeSnapshot, writeExport } from './export.js';
import type { ExportSummary } from './format.js';
import { loadExport, readExport } from './import.js';

export { ExportError } from './export.js';
export { ImportError } from './import.js';
export type { ExportSummary, Manifest, ManifestDatabase } from './format.js';

export interface ExportScope {
  /** Only this project's databases (default: every project's). */
  projectId?: string;
  /** Only this database id (default: every database of the chosen projects). */
  databaseId?: string;
}

/** Reads and checks the export at `directory`, then loads it; loads nothing when it is not valid. */
export async function importInto(backend: Backend, directory: string): Promise<ExportSummary> {
  const loaded = await readExport(directory);
  loadExport(backend, loaded);
  return loaded.summary;
}

/** Exports the databases in `scope` as of this instant to `directory`. */
export function exportFrom(
  backend: Backend,
  directory: string,
  scope: ExportScope = {},
): Promise<ExportSummary> {
  const snapshot = takeSnapshot(
    backend,
    (ref) =>
      (scope.projectId === undefined || ref.projectId === scope.projectId) &&
      (scope.databaseId === undefined || ref.databaseId === scope.databaseId),
  );
  return writeExport(directory, snapshot);
}

const BODY_FIELDS: Record<string, 'database' | 'directory' | 'name'> = {
  database: 'database',
  export_directory: 'directory',
  exportDirectory: 'directory',
  export_name: 'name',
  exportName: 'name',
};

/**
 * `POST /emulator/v1/projects/{p}:export` with `{"database": "projects/{p}/databases/{d}",
 * "export_directory": "...", "export_name": "..."}`, as firebase-tools sends it to the official
 * emulator: writes to export_directory/export_name (or export_directory alone), the one database
 * named, or every database of the project without `database`. Refused from web pages (requests
 * with an Origin), since it writes to the machine's disk.
 */
export async function exportOverHttp(
  backend: Backend,
  projectId: string,
  req: IncomingMessage,
): Promise<ExportSummary> {
  if (req.headers.origin !== undefined) {
    throw new Error(
      'The export call writes to the disk, so it is not accepted from web pages (with an Origin).',
    );
  }
  const text = await readBody(req);
  let body: unknown;
  try {
    body = JSON.parse(text || '{}');
  } catch {
    throw new Error('Expected a JSON body {"database": "...", "export_directory": "..."}.');
  }
  const fields: Partial<Record<'database' | 'directory' | 'name', string>> = {};
  for (const [key, value] of Object.entries(body as object)) {
    const field = BODY_FIELDS[key];
    if (!field)
      throw new Error(
        `Unknown name "${key}": the export call takes database, export_directory, export_name.`,
      );
    if (typeof value !== 'string' || value === '') throw new Error(`"${key}" must be a non-empty string.`);
    fields[field] = value;
  }
  if (!fields.directory)
    throw new Error('"export_directory" is required: the directory to write the export to.');
  let databaseId: string | undefined;
  if (fields.database) {
    const ref = parseDatabaseName(fields.database);
    if (ref.projectId !== projectId) {
      throw new Error(`"database" ${fields.database} is not a database of project ${projectId}.`);
    }
    databaseId = ref.databaseId;
  }
  const directory = fields.name ? join(fields.directory, fields.name) : fields.directory;
  return exportFrom(backend, directory, { projectId, databaseId });
}
