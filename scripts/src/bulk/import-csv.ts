/**
 * `npm run -s import:csv -- <file>`: imports a CSV of products, variants and stock levels as a job,
 * against the local stack (or wherever FIRESTORE_EMULATOR_HOST points, or a real project with
 * `--project`), through the same domain code as the console's upload (functions/src/bulk/). Shows
 * progress on stderr and writes the job's report (row, column, message) as CSV on stdout.
 *
 *   npm run -s import:csv -- catalog.csv > report.csv
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { IMPORT_CHUNK_CHARS, ImportIssueDoc, ImportJobDoc } from '@hearth/contracts';
import { runImport } from '../../../functions/src/bulk/import-job';
import { importIssuesOf, importJobRef } from '../../../functions/src/bulk/import-paths';
import { startImport, uploadImportChunk } from '../../../functions/src/bulk/import-upload';
import { systemClock } from '../../../functions/src/platform/deps';
import type { Caller } from '../../../functions/src/platform/callable';
import { projectId as localProject, useLocalStack } from '../dev/stack';

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

const csvCell = (v: string | number) => {
  const t = String(v);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path || path.startsWith('--')) throw new Error('usage: import:csv -- <file.csv> [--project ID]');
  const text = readFileSync(path, 'utf8');
  const project = arg('project');
  if (!project && !process.env.FIRESTORE_EMULATOR_HOST) useLocalStack();
  const app = initializeApp({ projectId: project ?? localProject }, 'import-csv');
  const deps = { db: getFirestore(app), clock: systemClock };
  const who = process.env.USER ?? 'cli';
  const caller: Caller = {
    uid: `cli-${who}`,
    role: 'admin',
    staff: true,
    anonymous: false,
    email: null,
    name: who,
  };
  const idempotencyKey = `cli-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    const chunks = Math.ceil(text.length / IMPORT_CHUNK_CHARS);
    for (let index = 0; index < chunks; index++)
      await uploadImportChunk(deps, caller, {
        idempotencyKey,
        index,
        text: text.slice(index * IMPORT_CHUNK_CHARS, (index + 1) * IMPORT_CHUNK_CHARS),
      });
    const view = await startImport(deps, caller, { idempotencyKey, fileName: basename(path), chunks });
    console.error(`job ${view.jobId}: ${view.totalRows} rows`);
    const ref = importJobRef(deps.db, view.jobId);
    const started = Date.now();
    const stop = ref.onSnapshot((snap) => {
      const job = ImportJobDoc.parse(snap.data());
      process.stderr.write(
        `\r${job.status}: ${job.rowsDone}/${job.totalRows} rows, ${job.rowsFailed} failed   `,
      );
    });
    // The stack's trigger may have taken the job first; then this waits for it to finish.
    await runImport(deps, view.jobId);
    let job = ImportJobDoc.parse((await ref.get()).data());
    while (job.status === 'running' || job.status === 'queued') {
      await new Promise((resolve) => setTimeout(resolve, 500));
      job = ImportJobDoc.parse((await ref.get()).data());
    }
    stop();
    const seconds = (Date.now() - started) / 1000;
    console.error(
      `\n${job.status}: ${job.rowsApplied} applied, ${job.rowsUnchanged} unchanged, ${job.rowsFailed} failed in ${seconds.toFixed(1)} s` +
        (job.error ? ` (${job.error})` : ''),
    );
    const issues = (await importIssuesOf(deps.db, view.jobId).orderBy('__name__').get()).docs;
    process.stdout.write('row,column,message\r\n');
    for (const d of issues) {
      const i = ImportIssueDoc.parse(d.data());
      process.stdout.write(`${[i.row, i.column, i.message].map(csvCell).join(',')}\r\n`);
    }
    if (job.issues < job.rowsFailed) console.error(`the report keeps the first ${job.issues} issues`);
  } finally {
    await deleteApp(app);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
