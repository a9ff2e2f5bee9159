/**
 * Imports and exports: upload a CSV of products, variants and stock levels as an import job, watch
 * its progress live (onSnapshot on the job), read and download its per-row report, cancel it; and
 * download the stock or ledger export as CSV.
 */
import type { ImportIssueDoc, ImportJobDoc } from '@hearth/contracts';
import {
  cancelImport,
  exportCsv,
  importIssuesCsv,
  startImport,
  watchImportIssues,
  watchImportJob,
  type HearthError,
} from '@hearth/client';
import { useState } from 'preact/hooks';
import { useClient } from '../session';
import { Alert } from '../ui/field';
import { useLive } from '../ui/hooks';

const COLUMNS =
  'sku, productId, productName, category, room, description, priceMinor, currency, material, colour, size, locationId, onHand';

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function JobProgress({ jobId }: { jobId: string }) {
  const client = useClient();
  const job = useLive<ImportJobDoc | null>((set, fail) => watchImportJob(client, jobId, set, fail), [jobId]);
  const issues = useLive<ImportIssueDoc[]>(
    (set, fail) => watchImportIssues(client, jobId, set, fail),
    [jobId],
  );
  const [cancelError, setCancelError] = useState<HearthError | null>(null);
  const j = job.value;
  if (job.error) return <Alert>{job.error.message}</Alert>;
  if (!j) return <p aria-busy="true">Waiting for the job…</p>;
  const running = j.status === 'queued' || j.status === 'running';
  return (
    <section aria-labelledby="job-title">
      <h2 id="job-title">
        {j.fileName}: <span data-testid="import-status">{j.status}</span>
      </h2>
      <label>
        Progress{' '}
        <progress value={j.rowsDone} max={Math.max(1, j.totalRows)} aria-label="Rows processed">
          {j.rowsDone} of {j.totalRows}
        </progress>
      </label>
      <p data-testid="import-counts">
        {j.rowsDone} of {j.totalRows} rows: {j.rowsApplied} applied, {j.rowsUnchanged} unchanged,{' '}
        {j.rowsFailed} failed
      </p>
      {j.error && <Alert>{j.error}</Alert>}
      {running && (
        <button
          type="button"
          onClick={async () => {
            const r = await cancelImport(client, { jobId });
            setCancelError(r.ok ? null : r.error);
          }}
        >
          Cancel import
        </button>
      )}
      {cancelError && <Alert>{cancelError.message}</Alert>}
      {(issues.value?.length ?? 0) > 0 && (
        <>
          <button
            type="button"
            onClick={() => download(`import-report-${jobId}.csv`, importIssuesCsv(issues.value!))}
          >
            Download report (CSV)
          </button>
          {j.issues < j.rowsFailed && <p>The report keeps the first {j.issues} issues.</p>}
          <table>
            <caption>Rows that were not applied</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Column</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {issues.value!.slice(0, 200).map((i) => (
                <tr>
                  <td>{i.row}</td>
                  <td>{i.column || '(row)'}</td>
                  <td>{i.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Upload({ onStarted }: { onStarted: (jobId: string) => void }) {
  const client = useClient();
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<HearthError | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  return (
    <form
      aria-labelledby="upload-title"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!file) return;
        setError(null);
        const text = await file.text();
        const r = await startImport(
          client,
          { name: file.name, text },
          { onProgress: (n, of) => setSent(`${n}/${of}`) },
        );
        if (r.ok) onStarted(r.value.jobId);
        else setError(r.error);
      }}
    >
      <h2 id="upload-title">Import a CSV</h2>
      <p>
        Columns (any order, <code>sku</code> required): {COLUMNS}. A row with a productId defines the product
        and variant; a row with a locationId sets the units counted there. At most 10 MiB and 100,000 rows.
      </p>
      <label>
        CSV file{' '}
        <input
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
        />
      </label>
      <button type="submit" disabled={!file}>
        Import
      </button>
      {sent && <span> uploaded {sent} chunks</span>}
      {error && <Alert>{error.message}</Alert>}
    </form>
  );
}

function Exports() {
  const client = useClient();
  const [error, setError] = useState<HearthError | null>(null);
  const run = async (what: 'stock' | 'ledger') => {
    const r = await exportCsv(client, { what });
    if (r.ok) download(`${what}.csv`, r.value.csv);
    setError(r.ok ? null : r.error);
  };
  return (
    <section aria-labelledby="exports-title">
      <h2 id="exports-title">Export</h2>
      <button type="button" onClick={() => run('stock')}>
        Stock levels (CSV)
      </button>{' '}
      <button type="button" onClick={() => run('ledger')}>
        Ledger (CSV)
      </button>
      {error && <Alert>{error.message}</Alert>}
    </section>
  );
}

export function ImportsPage() {
  const [jobId, setJobId] = useState<string | null>(null);
  return (
    <section aria-labelledby="imports-title">
      <h1 id="imports-title">Imports and exports</h1>
      <Upload onStarted={setJobId} />
      {jobId && <JobProgress jobId={jobId} />}
      <Exports />
    </section>
  );
}
