/**
 * The bulk import against the emulator, through the staff callables and the job runner, on small
 * files: what a row does to the catalog and the stock, that the same file again changes nothing,
 * that two runners never both apply a batch, that a cancelled job stops, and that bad files are
 * refused whole (nothing queued, nothing changed) while bad rows are reported with their column.
 * The 20,000-row file with a crash is import-20k.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  IMPORT_CHUNK_CHARS,
  ImportIssueDoc,
  ImportJobDoc,
  InventoryDoc,
  MAX_IMPORT_CHUNKS,
} from '@hearth/contracts';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { bulkCallables } from '../../src/bulk/callables';
import { onImportJobWritten, runImport } from '../../src/bulk/import-job';
import { importIssuesOf, importJobId, importJobRef } from '../../src/bulk/import-paths';
import type { Deps } from '../../src/inventory/deps';
import { forgetLocations } from '../../src/inventory/locations';
import { reserveStock } from '../../src/inventory/reserve';
import type { CallRequest } from '../../src/platform/callable';
import { assertInvariants } from '../inventory/support/invariants';
import { everything } from '../inventory/support/snapshot';
import { FakeClock, key, seedStore } from '../inventory/support/store';
import { type BulkApi, catalogFile, uploadAndStart } from './support/import-file';

const user = (uid: string, claims: Record<string, unknown> = {}): CallRequest['auth'] => ({
  uid,
  token: { uid, ...claims } as never,
  rawToken: 'test',
});
const staff = user('kim', { staff: true });
const alice = user('alice');

describe('bulk import', () => {
  let fs: TestFirestore;
  let clock: FakeClock;
  let deps: Deps;
  let api: BulkApi;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    forgetLocations(fs.adminDb);
    clock = new FakeClock();
    deps = { db: fs.adminDb, clock };
    api = bulkCallables(() => deps);
    await seedStore(deps, [
      { sku: 'sideboard', stock: { 'wh-north': 5 } },
      { sku: 'cushion', stock: { 'wh-south': 40 }, shards: { 'wh-south': 4 } },
    ]);
  });

  const jobOf = async (jobId: string) =>
    ImportJobDoc.parse((await importJobRef(fs.adminDb, jobId).get()).data());
  const issuesOf = async (jobId: string) =>
    (await importIssuesOf(fs.adminDb, jobId).orderBy('__name__').get()).docs.map((d) =>
      ImportIssueDoc.parse(d.data()),
    );
  const ledgerOf = async (jobId: string) =>
    (await fs.adminDb.collection('ledger').where('correlationId', '==', `import-${jobId}`).get()).docs.map(
      (d) => d.data(),
    );
  const inventory = async (sku: string) =>
    InventoryDoc.parse((await fs.adminDb.doc(`inventory/${sku}`).get()).data());
  const importText = async (csv: string) => {
    const view = await uploadAndStart(api, staff, key('imp'), csv);
    const run = await runImport(deps, view.jobId);
    return { view, run, job: await jobOf(view.jobId), issues: await issuesOf(view.jobId) };
  };

  test('rows define products and variants and set stock levels, as adjust movements of the difference', async () => {
    const csv = [
      '\uFEFFsku,productId,productName,category,room,priceMinor,currency,colour,locationId,onHand',
      'lamp-1,p-lamp,"Lamp, ""Arc""",lighting,living,4500,GBP,brass,wh-north,7',
      'lamp-1,,,,,,,,store-bath,2',
      'sideboard,,,,,,,,wh-north,3',
      'cushion,,,,,,,,wh-south,46',
      'sideboard,p-sideboard,Oak sideboard,storage,,99000,GBP,,,',
    ].join('\n');
    const { run, job, issues, view } = await importText(csv);
    assert.deepEqual(run, { outcome: 'finished', status: 'done', rows: 5 });
    assert.deepEqual(issues, []);
    assert.equal(job.rowsApplied, 5);
    const lamp = await inventory('lamp-1');
    assert.equal(lamp.productId, 'p-lamp');
    assert.equal(lamp.locations['wh-north']?.onHand, 7);
    assert.equal(lamp.locations['store-bath']?.onHand, 2);
    const product = (await fs.adminDb.doc('products/p-lamp').get()).data();
    assert.equal(product?.name, 'Lamp, "Arc"', 'quoted comma and doubled quotes read as text');
    assert.equal(product?.room, 'living');
    const variant = (await fs.adminDb.doc('products/p-lamp/variants/lamp-1').get()).data();
    assert.deepEqual(variant, {
      sku: 'lamp-1',
      productId: 'p-lamp',
      options: { colour: 'brass' },
      priceMinor: 4500,
      currency: 'GBP',
      madeToOrder: false,
    });
    assert.equal((await inventory('sideboard')).locations['wh-north']?.onHand, 3);
    const shards = await fs.adminDb.collection('inventory/cushion/shards').get();
    assert.equal(
      shards.docs.reduce((n, d) => n + (d.data().onHand as number), 0),
      46,
      'a hot SKU counts over its shards',
    );
    const entries = await ledgerOf(view.jobId);
    assert.deepEqual(entries.map((e) => [e.sku, e.locationId, e.qty]).sort(), [
      ['cushion', 'wh-south', 6],
      ['lamp-1', 'store-bath', 2],
      ['lamp-1', 'wh-north', 7],
      ['sideboard', 'wh-north', -2],
    ]);
    assert.ok(
      entries.every((e) => e.kind === 'adjust' && e.idempotencyKey.startsWith(`import-${view.jobId}-`)),
    );
    assert.equal(
      (await fs.adminDb.doc('products/p-sideboard/variants/sideboard').get()).data()?.priceMinor,
      99_000,
    );
    await assertInvariants(fs.adminDb);
  });

  test('the same file again, as a new job, changes nothing', async () => {
    const file = catalogFile(100, { badEvery: 23 });
    const first = await importText(file.csv);
    assert.equal(first.job.rowsApplied, file.applied);
    const before = await everything(fs.adminDb);
    const ledgerSize = (await fs.adminDb.collection('ledger').get()).size;
    const again = await importText(file.csv);
    assert.equal(again.job.status, 'done');
    assert.equal(again.job.rowsApplied, 0);
    assert.equal(again.job.rowsFailed, file.bad.size);
    assert.equal(again.job.rowsUnchanged, file.rows - file.bad.size);
    assert.equal((await fs.adminDb.collection('ledger').get()).size, ledgerSize);
    const after = await everything(fs.adminDb);
    for (const [path, doc] of Object.entries(after))
      if (!path.startsWith('importJobs/')) assert.deepEqual(doc, before[path], `${path} changed`);
    await assertInvariants(fs.adminDb);
  });

  test('a retried start is the same job; a started job takes no changed chunk', async () => {
    const file = catalogFile(5, { badEvery: 1e9 });
    const k = key('imp');
    const first = await uploadAndStart(api, staff, k, file.csv);
    const retry = await uploadAndStart(api, staff, k, file.csv);
    assert.deepEqual(retry, first);
    await assert.rejects(
      api.uploadImportChunk({ data: { idempotencyKey: k, index: 0, text: 'sku\nx\n' }, auth: staff }),
      { code: 'failed-precondition' },
    );
    assert.equal(first.jobId, importJobId('kim', k));
  });

  test('the trigger runs a job that became queued, and two runners never both apply a batch', async () => {
    const file = catalogFile(60, { badEvery: 1e9 });
    const view = await uploadAndStart(api, staff, key('imp'), file.csv);
    const results = await Promise.all([
      onImportJobWritten(deps, view.jobId, { status: 'uploading' }, { status: 'queued' }),
      runImport(deps, view.jobId, { batchRows: 7 }),
      runImport(deps, view.jobId, { batchRows: 7 }),
    ]);
    const job = await jobOf(view.jobId);
    assert.equal(job.status, 'done');
    assert.equal(job.rowsDone, file.rows);
    const runs = results.slice(1) as Awaited<ReturnType<typeof runImport>>[];
    assert.ok(
      runs.some((r) => r.outcome === 'not-runnable'),
      JSON.stringify(runs),
    );
    const entries = await ledgerOf(view.jobId);
    assert.equal(entries.length, file.movements);
    assert.equal(new Set(entries.map((e) => e.idempotencyKey)).size, entries.length);
    await assertInvariants(fs.adminDb);
  });

  test('a cancelled job stops after its batch; what was applied stays, counted', async () => {
    const file = catalogFile(50, { badEvery: 1e9 });
    const view = await uploadAndStart(api, staff, key('imp'), file.csv);
    let batches = 0;
    const cancelling: Deps = {
      ...deps,
      checkpoint: (step) => {
        if (step === 'import:after-batch' && ++batches === 2)
          void api.cancelImport({ data: { jobId: view.jobId }, auth: staff });
      },
    };
    const run = await runImport(cancelling, view.jobId, { batchRows: 10 });
    assert.equal(run.outcome, 'lost');
    const job = await jobOf(view.jobId);
    assert.equal(job.status, 'cancelled');
    assert.ok(job.rowsDone >= 20 && job.rowsDone < file.rows, `${job.rowsDone} rows done`);
    const cancelledAgain = await api.cancelImport({ data: { jobId: view.jobId }, auth: staff });
    assert.equal(cancelledAgain.status, 'cancelled');
    await assertInvariants(fs.adminDb);
  });

  test('rows that cannot apply are reported and change nothing of themselves', async () => {
    await reserveStock(
      deps,
      { uid: 'alice' },
      {
        idempotencyKey: key(),
        lines: [{ sku: 'sideboard', qty: 4 }],
        allowSplit: false,
      },
    );
    const csv = [
      'sku,productId,productName,category,priceMinor,currency,locationId,onHand',
      'sideboard,,,,,,wh-north,2',
      'ghost,,,,,,wh-north,2',
      'sideboard,p-other,Other,storage,100,GBP,,',
      'chair-1,p-chair,Chair,chairs,-5,GBP,wh-north,1',
      'chair-2,p-chair,Chair,chairs,100,GBP,wh-north,-1',
      'chair-3,p-chair,Chair,chairs,1e3,GBP,wh-north,1',
      'chair-4,p-chair,Chair,chairs,100,GBP,wh-north',
      'chair-5,p-chair,Chair,chairs,100,GBP,wh-north,1,extra',
      'chair-6,p-chair,Chair,chairs,100,EUR,wh-north,1',
      'chair-7,,Chair,,,,,',
      'chair-8,p-chair,Chair,chairs,100,GBP,wh-north,1',
    ].join('\n');
    const before = await inventory('sideboard');
    const { job, issues } = await importText(csv);
    assert.equal(job.rowsFailed, 10);
    assert.equal(job.rowsApplied, 1);
    const expect = (row: number, column: string, message: string) => {
      const found = issues.filter((i) => i.row === row);
      assert.ok(
        found.some((i) => i.column === column && i.message.includes(message)),
        `row ${row}: expected ${column}: ${message}; got ${JSON.stringify(found)}`,
      );
    };
    expect(
      2,
      'onHand',
      '4 of the 5 units of sideboard at wh-north are held in carts; on hand cannot be set below 4',
    );
    expect(3, 'sku', "unknown SKU 'ghost'");
    expect(4, 'productId', "belongs to product 'p-sideboard'");
    expect(5, 'priceMinor', 'must not be negative');
    expect(6, 'onHand', 'must not be negative');
    expect(7, 'priceMinor', 'whole number');
    expect(8, '', 'has 7 cells; the header has 8');
    expect(9, '', 'has 9 cells; the header has 8');
    expect(10, 'currency', 'prices are in GBP');
    expect(11, 'productId', 'is required when productName is given');
    assert.deepEqual(
      await inventory('sideboard'),
      before,
      'the refused level left the counters as they were',
    );
    for (const n of [1, 2, 3, 4, 5, 6])
      assert.equal(
        (await fs.adminDb.doc(`inventory/chair-${n}`).get()).exists,
        false,
        `chair-${n} was created`,
      );
    assert.equal((await inventory('chair-8')).onHand, 1);
    await assertInvariants(fs.adminDb);
  });

  describe('files refused whole, with nothing queued or changed', () => {
    const refused = async (csv: string, message: string) => {
      const before = await everything(fs.adminDb);
      const k = key('bad');
      await assert.rejects(
        uploadAndStart(api, staff, k, csv),
        (err: { code?: string; message?: string; details?: { field?: string } }) => {
          assert.equal(err.code, 'invalid-argument');
          assert.equal(err.details?.field, 'file');
          assert.ok(err.message?.includes(message), err.message);
          return true;
        },
      );
      const job = await jobOf(importJobId('kim', k));
      assert.equal(job.status, 'uploading', 'the job was never queued');
      const after = await everything(fs.adminDb);
      for (const [path, doc] of Object.entries(after))
        if (!path.startsWith('importJobs/')) assert.deepEqual(doc, before[path], `${path} changed`);
    };
    test('a wrong header', () => refused('sku,qty\nx,1\n', "column 2 'qty' is not one of sku, productId"));
    test('a header without sku', () => refused('locationId,onHand\nwh-north,1\n', "needs a 'sku' column"));
    test('a column twice', () => refused('sku,onHand,onhand\nx,1,2\n', "'onHand' appears twice"));
    test('an unclosed quote', () => refused('sku,locationId,onHand\n"x,wh-north,1\n', 'not readable as CSV'));
    test('a header and no rows', () => refused('sku,locationId,onHand\n\n', 'no rows'));
    test('more rows than an import takes', () =>
      refused(
        `sku,locationId,onHand\n${'x,wh-north,1\n'.repeat(100_001)}`,
        '100,001 rows; an import takes at most 100,000',
      ));
  });

  test('a file too large is refused at upload, chunk by chunk', async () => {
    const k = key('huge');
    const call = (data: unknown) => api.uploadImportChunk({ data, auth: staff });
    await assert.rejects(call({ idempotencyKey: k, index: 0, text: 'x'.repeat(IMPORT_CHUNK_CHARS + 1) }), {
      code: 'invalid-argument',
      message: /text: must be at most 262144 characters/,
    });
    await assert.rejects(call({ idempotencyKey: k, index: MAX_IMPORT_CHUNKS, text: 'sku' }), {
      code: 'invalid-argument',
      message: /index: must be below 40/,
    });
    await assert.rejects(
      api.startImport({ data: { idempotencyKey: k, fileName: 'huge.csv', chunks: 41 }, auth: staff }),
      { code: 'invalid-argument', message: /chunks: must be at most 40: a file is at most 10 MiB/ },
    );
    await assert.rejects(
      api.startImport({ data: { idempotencyKey: k, fileName: 'x.csv', chunks: 1 }, auth: staff }),
      { code: 'not-found' },
    );
    await call({ idempotencyKey: k, index: 1, text: 'x,wh-north,1\n' });
    await assert.rejects(
      api.startImport({ data: { idempotencyKey: k, fileName: 'x.csv', chunks: 2 }, auth: staff }),
      { code: 'invalid-argument', message: /1 chunks were uploaded/ },
    );
  });

  test('customers and anonymous callers can neither upload, start, cancel nor export', async () => {
    const k = key('imp');
    const before = await everything(fs.adminDb);
    for (const auth of [alice, undefined]) {
      const code = auth ? 'permission-denied' : 'unauthenticated';
      await assert.rejects(
        api.uploadImportChunk({ data: { idempotencyKey: k, index: 0, text: 'sku\n' }, auth }),
        { code },
      );
      await assert.rejects(
        api.startImport({ data: { idempotencyKey: k, fileName: 'a.csv', chunks: 1 }, auth }),
        { code },
      );
      await assert.rejects(api.cancelImport({ data: { jobId: importJobId('kim', k) }, auth }), { code });
      await assert.rejects(api.exportCsv({ data: { what: 'stock' }, auth }), { code });
    }
    assert.deepEqual(await everything(fs.adminDb), before);
  });

  test('staff export stock and the ledger as CSV text', async () => {
    const stock = await api.exportCsv({ data: { what: 'stock' }, auth: staff });
    assert.ok(stock.csv.startsWith('sku,productId,locationId,onHand'));
    assert.ok(stock.rows >= 2);
    const ledger = await api.exportCsv({
      data: { what: 'ledger', from: '2020-01-01T00:00:00Z' },
      auth: staff,
    });
    assert.ok(ledger.rows >= 2);
    await assert.rejects(api.exportCsv({ data: { what: 'orders' }, auth: staff }), {
      code: 'invalid-argument',
    });
  });
});
