/**
 * `npm run export:csv -- stock|ledger`: staff exports as CSV on stdout, from the local stack (or
 * wherever FIRESTORE_EMULATOR_HOST points), or a real project with `--project` (application default
 * credentials). The same code a console action would call (functions/src/bulk/export-csv.ts).
 *
 *   npm run -s export:csv -- stock > stock.csv
 *   npm run -s export:csv -- ledger --from 2026-11-01 --to 2026-12-01 > ledger.csv
 */
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { exportLedgerCsv, exportStockCsv, type Write } from '../../../functions/src/bulk/export-csv';
import { projectId as localProject, useLocalStack } from '../dev/stack';

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

function dateArg(name: string): Date | undefined {
  const value = arg(name);
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new Error(`--${name} needs a date such as 2026-11-01, not ${value}`);
  return date;
}

/** Waits for stdout to drain, so a large export piped to a slow reader is not all buffered. */
const write: Write = (chunk) =>
  new Promise<void>((resolve) =>
    process.stdout.write(chunk) ? resolve() : process.stdout.once('drain', resolve),
  );

async function main(): Promise<void> {
  const what = process.argv[2];
  if (what !== 'stock' && what !== 'ledger')
    throw new Error('usage: export:csv -- stock|ledger [--from DATE] [--to DATE] [--project ID]');
  const project = arg('project');
  if (!project && !process.env.FIRESTORE_EMULATOR_HOST) useLocalStack();
  const app = initializeApp({ projectId: project ?? localProject });
  try {
    const db = getFirestore(app);
    const rows =
      what === 'stock'
        ? await exportStockCsv(db, write)
        : await exportLedgerCsv(db, write, { from: dateArg('from'), to: dateArg('to') });
    console.error(`${rows} rows`);
  } finally {
    await deleteApp(app);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
