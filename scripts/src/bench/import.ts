/**
 * Bulk import throughput: a catalog file of new SKUs (each on 4 rows, one per location, the first
 * also defining its product and variant; about 1% bad rows), imported as a job against the
 * project's emulator in its own process (as `npm start` runs it), then the same file again (every
 * row unchanged). Rows per second of each, CPU time of this process (the job's code and the admin
 * SDK), reads and writes, and the load average, in bench/results/import.json.
 *
 *   npm run bench -- import          IMPORT_SKUS=2500 (10,000 rows) by default
 */
import { loadavg } from 'node:os';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { bulkCallables } from '../../../functions/src/bulk/callables';
import { IMPORT_BATCH_ROWS, runImport } from '../../../functions/src/bulk/import-job';
import { newMetrics } from '../../../functions/src/platform/deps';
import { catalogFile, uploadAndStart } from '../../../functions/test/bulk/support/import-file';
import { FakeClock, key, seedStore } from '../../../functions/test/inventory/support/store';
import { round, runBenchmark, startEmulator, writeResult } from './_support';

const staff = { uid: 'bench', token: { uid: 'bench', staff: true } as never, rawToken: 'bench' };

async function main(): Promise<void> {
  const skus = Number(process.env.IMPORT_SKUS ?? 2_500);
  const { child, host } = await startEmulator(['--project', 'demo-hearth']);
  const app = initializeApp({ projectId: 'demo-hearth' }, 'bench-import');
  const db = getFirestore(app);
  db.settings({ host, ssl: false });
  try {
    const clock = new FakeClock();
    await seedStore({ db, clock }, [{ sku: 'sideboard', stock: { 'wh-north': 5 } }]);
    const file = catalogFile(skus, { badEvery: 50 });
    const runs = [];
    for (const pass of ['first', 'again']) {
      const metrics = newMetrics();
      const deps = { db, clock, metrics };
      const load = loadavg();
      const uploadStarted = Date.now();
      const view = await uploadAndStart(
        bulkCallables(() => deps),
        staff,
        key('bench'),
        file.csv,
      );
      const uploadMs = Date.now() - uploadStarted;
      const cpu = process.cpuUsage();
      const started = Date.now();
      const result = await runImport(deps, view.jobId);
      const ms = Date.now() - started;
      const used = process.cpuUsage(cpu);
      runs.push({
        pass,
        rows: file.rows,
        badRows: file.bad.size,
        outcome: result.outcome,
        uploadAndStartMs: uploadMs,
        jobMs: ms,
        rowsPerSecond: round((file.rows / ms) * 1000),
        cpuMsPerRow: round((used.user + used.system) / 1000 / file.rows, 2),
        transactions: metrics.commits,
        retries: metrics.retries,
        readsPerRow: round(metrics.reads / file.rows, 2),
        writesPerRow: round(metrics.writes / file.rows, 2),
        loadAverageBefore: load.map((n) => round(n, 2)),
        loadAverageAfter: loadavg().map((n) => round(n, 2)),
      });
      console.error(`${pass}: ${file.rows} rows in ${ms} ms`);
    }
    writeResult('import', {
      measuredAt: new Date().toISOString(),
      batchRows: IMPORT_BATCH_ROWS,
      note: 'the emulator in its own process; this process runs the job (the admin SDK and the import code). "again" is the same file as a new job: every good row unchanged, nothing written but the job and its report',
      runs,
    });
  } finally {
    await deleteApp(app);
    child.kill();
  }
}

runBenchmark(main);
