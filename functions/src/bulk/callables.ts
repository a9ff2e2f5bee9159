/**
 * The bulk callables (staff only): upload an import file in chunks, start and cancel its job, and
 * the stock or ledger export as CSV text for the console. Thin: parse, check the caller, call the
 * domain; platform/callable.ts maps the errors.
 */
import {
  CancelImportRequest,
  ExportCsvRequest,
  type ExportCsvResponse,
  MAX_EXPORT_CHARS,
  StartImportRequest,
  UploadImportChunkRequest,
} from '@hearth/contracts';
import type { Deps } from '../inventory/deps';
import { callableHandler, DomainError } from '../platform/callable';
import { exportLedgerCsv, exportStockCsv } from './export-csv';
import { cancelImport, startImport, uploadImportChunk } from './import-upload';

class TooLarge extends Error {}

/** The export in one answer, refused once it passes MAX_EXPORT_CHARS (narrow the ledger's dates). */
async function exportCsv(deps: Deps, req: ExportCsvRequest): Promise<ExportCsvResponse> {
  let csv = '';
  const write = (chunk: string) => {
    csv += chunk;
    if (csv.length > MAX_EXPORT_CHARS) throw new TooLarge();
  };
  try {
    const rows =
      req.what === 'stock'
        ? await exportStockCsv(deps.db, write)
        : await exportLedgerCsv(deps.db, write, {
            from: req.from === undefined ? undefined : new Date(req.from),
            to: req.to === undefined ? undefined : new Date(req.to),
          });
    return { csv, rows };
  } catch (err) {
    if (!(err instanceof TooLarge)) throw err;
    throw new DomainError(
      'resource-exhausted',
      `The ${req.what} export is over ${MAX_EXPORT_CHARS / 1024 / 1024} MiB; narrow the dates, or use npm run export:csv`,
      { reason: 'export_too_large' },
    );
  }
}

export function bulkCallables(deps: () => Deps) {
  const handler = callableHandler(deps);
  return {
    uploadImportChunk: handler('staff', UploadImportChunkRequest, (d, c, r) => uploadImportChunk(d, c, r)),
    startImport: handler('staff', StartImportRequest, (d, c, r) => startImport(d, c, r)),
    cancelImport: handler('staff', CancelImportRequest, (d, _c, r) => cancelImport(d, r)),
    exportCsv: handler('staff', ExportCsvRequest, (d, _c, r) => exportCsv(d, r)),
  };
}
