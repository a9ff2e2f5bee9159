/**
 * Stock and ledger exports against the emulator, read back with a real CSV parser: every SKU and
 * location with its exact figures (a hot SKU's from its shards, even while its aggregate is stale),
 * every ledger entry in time order across pages, and staff-typed text that can neither break a row
 * nor run as a spreadsheet formula.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { exportLedgerCsv, exportStockCsv, ledgerColumns, stockColumns } from '../../src/bulk/export-csv';
import { checkout } from '../../src/inventory/checkout';
import type { Deps } from '../../src/inventory/deps';
import { reserveStock } from '../../src/inventory/reserve';
import { restock } from '../../src/inventory/stock-changes';
import { FakeClock, key, SEED_STAFF, seedStore } from '../inventory/support/store';

const alice = { uid: 'alice', staff: false };
const formula = '=HYPERLINK("http://evil.example","click"), now';

async function collect(run: (write: (chunk: string) => void) => Promise<number>) {
  let text = '';
  const rows = await run((chunk) => void (text += chunk));
  return { rows, records: parse(text, { columns: true }) as Record<string, string>[], text };
}

describe('CSV exports', () => {
  let fs: TestFirestore;
  let clock: FakeClock;
  let deps: Deps;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    clock = new FakeClock();
    // No availability refresher: a hot SKU's aggregate stays as it was seeded.
    deps = { db: fs.adminDb, clock };
    await seedStore(deps, [
      { sku: 'sideboard', stock: { 'wh-north': 5, 'store-bath': 2 } },
      { sku: 'cushion', stock: { 'wh-south': 40 }, shards: { 'wh-south': 4 } },
    ]);
    clock.advance(60_000);
    const held = await reserveStock(deps, alice, {
      idempotencyKey: key(),
      lines: [
        { sku: 'sideboard', qty: 3 },
        { sku: 'cushion', qty: 2 },
      ],
      allowSplit: false,
    });
    clock.advance(60_000);
    await checkout(deps, alice, { idempotencyKey: key(), reservationId: held.reservationId });
    clock.advance(60_000);
    await restock(deps, SEED_STAFF, {
      idempotencyKey: key(),
      sku: 'sideboard',
      locationId: 'store-bath',
      qty: 4,
      reason: formula,
    });
    clock.advance(60_000);
    await reserveStock(deps, alice, {
      idempotencyKey: key(),
      lines: [{ sku: 'cushion', qty: 1 }],
      allowSplit: false,
    });
  });

  test('stock: one row per SKU and location, exact, a hot SKU summed from its shards', async () => {
    const { rows, records, text } = await collect((w) => exportStockCsv(fs.adminDb, w, 1));
    assert.equal(text.split('\r\n')[0], stockColumns.join(','));
    assert.equal(rows, records.length);
    const row = (sku: string, loc: string) => records.find((r) => r.sku === sku && r.locationId === loc);
    // The sale took the 3 sideboards from wh-north (the first location by priority).
    assert.deepEqual(
      [
        row('sideboard', 'wh-north')?.onHand,
        row('sideboard', 'wh-north')?.reserved,
        row('sideboard', 'wh-north')?.available,
      ],
      ['2', '0', '2'],
    );
    assert.deepEqual(
      [row('sideboard', 'store-bath')?.onHand, row('sideboard', 'store-bath')?.available],
      ['6', '6'],
    );
    // 40 seeded, 2 sold, 1 held now: only the shards know.
    assert.deepEqual(
      [
        row('cushion', 'wh-south')?.onHand,
        row('cushion', 'wh-south')?.reserved,
        row('cushion', 'wh-south')?.available,
      ],
      ['38', '1', '37'],
    );
    assert.equal(row('sideboard', 'wh-north')?.productId, 'p-sideboard');
  });

  test('ledger: every entry, oldest first, across pages; typed text stays one field and never a formula', async () => {
    const { rows, records, text } = await collect((w) => exportLedgerCsv(fs.adminDb, w, {}, 2));
    assert.equal(text.split('\r\n')[0], ledgerColumns.join(','));
    const all = await fs.adminDb.collection('ledger').get();
    assert.equal(rows, all.size);
    assert.deepEqual(records.map((r) => r.entryId).sort(), all.docs.map((d) => d.id).sort());
    const times = records.map((r) => r.at);
    assert.deepEqual(times, [...times].sort(), 'oldest first');
    const planted = records.filter((r) => r.kind === 'restock' && r.reason !== 'seed');
    assert.equal(planted.length, 1);
    assert.equal(planted[0]!.reason, `'${formula}`);
    assert.equal(planted[0]!.actorRole, 'admin');
    assert.ok(
      records.some((r) => r.kind === 'sale' && r.sku === 'cushion' && r.shard !== ''),
      'a shard is kept',
    );

    // A time range: only what happened from the sale on, before the last hold.
    const from = new Date(Date.parse('2026-11-21T09:02:00Z'));
    const to = new Date(Date.parse('2026-11-21T09:04:00Z'));
    const ranged = await collect((w) => exportLedgerCsv(fs.adminDb, w, { from, to }));
    assert.deepEqual([...new Set(ranged.records.map((r) => r.kind))].sort(), ['restock', 'sale']);
  });
});
