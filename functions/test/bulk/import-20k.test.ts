/**
 * A 20,000-row import (5,000 new SKUs at 4 locations, about 1% bad rows of every kind), crashed in
 * the middle of a batch's transaction and resumed by the sweeper once the lease expired: every good
 * row applied exactly once (one ledger entry per stock change, none twice), every bad row reported
 * with its column and reason, progress equal to what was committed at every point, and the ledger
 * and the counters agreeing (the design's invariants).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ImportIssueDoc, ImportJobDoc, InventoryDoc } from '@hearth/contracts';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { bulkCallables } from '../../src/bulk/callables';
import { IMPORT_BATCH_ROWS, IMPORT_LEASE_MS, runImport, sweepImports } from '../../src/bulk/import-job';
import { importIssuesOf, importJobRef } from '../../src/bulk/import-paths';
import type { Deps } from '../../src/inventory/deps';
import { assertInvariants } from '../inventory/support/invariants';
import { FakeClock, key, seedStore } from '../inventory/support/store';
import { catalogFile, SPOILERS, uploadAndStart } from './support/import-file';

const staff = { uid: 'kim', token: { uid: 'kim', staff: true } as never, rawToken: 'test' };
class Crash extends Error {}

let fs: TestFirestore;
before(async () => {
  fs = await useEmulator();
});
after(() => fs.stop());

test('20,000 rows, crashed mid-job and resumed: every good row once, every bad row reported', async () => {
  const clock = new FakeClock();
  const base: Deps = { db: fs.adminDb, clock };
  await seedStore(base, [{ sku: 'sideboard', stock: { 'wh-north': 5 } }]);
  const file = catalogFile(5_000, { badEvery: 50 });
  assert.equal(file.rows, 20_000);
  assert.ok(file.bad.size >= 200, `the file has ${file.bad.size} bad rows`);

  const view = await uploadAndStart(
    bulkCallables(() => base),
    staff,
    key('big'),
    file.csv,
    'big.csv',
  );
  assert.equal(view.totalRows, 20_000);

  // The crash: the 61st batch's transaction throws after planning its rows, before it commits.
  let commits = 0;
  const crashing: Deps = {
    ...base,
    checkpoint: (step) => {
      if (step === 'import:before-commit' && ++commits === 61) throw new Crash('crash before commit');
    },
  };
  await assert.rejects(runImport(crashing, view.jobId), Crash);
  const ref = importJobRef(fs.adminDb, view.jobId);
  const stopped = ImportJobDoc.parse((await ref.get()).data());
  assert.equal(stopped.status, 'running');
  assert.equal(stopped.rowsDone, 60 * IMPORT_BATCH_ROWS, 'progress is what the 60 committed batches did');
  const ledgerOf = async () =>
    (await fs.adminDb.collection('ledger').where('correlationId', '==', `import-${view.jobId}`).get()).docs;
  const midway = await ledgerOf();
  assert.ok(midway.length > 0 && midway.length < file.movements, `${midway.length} movements so far`);
  await assertInvariants(fs.adminDb);

  // The lease still holds: neither the sweeper nor another run takes the job yet.
  assert.equal(await sweepImports(base), 0);
  assert.deepEqual(await runImport(base, view.jobId), { outcome: 'not-runnable', status: 'running' });
  clock.advance(IMPORT_LEASE_MS + 1);
  assert.equal(await sweepImports(base), 1);

  const done = ImportJobDoc.parse((await ref.get()).data());
  assert.equal(done.status, 'done');
  assert.equal(done.rowsDone, 20_000);
  assert.equal(done.rowsFailed, file.bad.size);
  assert.equal(done.rowsApplied, file.applied);
  assert.equal(done.rowsApplied + done.rowsUnchanged + done.rowsFailed, 20_000);

  const entries = (await ledgerOf()).map((d) => d.data());
  assert.equal(entries.length, file.movements, 'one ledger entry per good stock row with units');
  const keys = new Set(entries.map((e) => e.idempotencyKey as string));
  assert.equal(keys.size, entries.length, 'no row moved stock twice');
  assert.ok(entries.every((e) => e.kind === 'adjust' && e.actor.uid === 'kim'));

  // Counters as the file says, for every good row (read in pages of 500 SKUs).
  const snaps = await fs.adminDb.collection('inventory').get();
  const inv = new Map(snaps.docs.map((d) => [d.id, InventoryDoc.parse(d.data())]));
  for (const [at, units] of file.onHand) {
    const [sku, loc] = at.split('@') as [string, string];
    assert.equal(inv.get(sku)?.locations[loc]?.onHand ?? 0, units, `${at}`);
  }
  await assertInvariants(fs.adminDb);

  // The report: one issue per bad row, in row order, naming the column and the reason.
  const issues = (await importIssuesOf(fs.adminDb, view.jobId).orderBy('__name__').get()).docs.map((d) =>
    ImportIssueDoc.parse(d.data()),
  );
  assert.equal(issues.length, Math.min(file.bad.size, 1_000));
  assert.equal(done.issues, issues.length);
  for (const issue of issues) {
    const spoiler = SPOILERS[file.bad.get(issue.row)!];
    assert.ok(spoiler, `row ${issue.row} was reported but is good`);
    assert.equal(issue.column, spoiler.column, `row ${issue.row} (${spoiler.kind}): ${issue.message}`);
    assert.ok(
      issue.message.includes(spoiler.message),
      `row ${issue.row} (${spoiler.kind}): ${issue.message}`,
    );
  }
  assert.deepEqual(
    issues.map((i) => i.row),
    [...file.bad.keys()].sort((a, b) => a - b).slice(0, issues.length),
  );
});
