/**
 * What a reconciliation report says, field by field, and when a repair is applied or held back.
 * reconcile.test.ts injects each kind of drift and checks which locations and fields are flagged;
 * this file checks the rest of each entry (the ledger's, the counter's and the holds' figures, the
 * reason), the derived figures location by location, malformed documents of each collection, the
 * reads a run costs, and a document that moves on between the snapshot and the repair.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { FieldValue } from 'firebase-admin/firestore';
import type { Drift } from '@hearth/contracts';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { withTotals } from '../../src/inventory/availability';
import type { Deps } from '../../src/inventory/deps';
import { reconcileInventory } from '../../src/inventory/reconcile';
import { AvailabilityRefresher } from '../../src/inventory/refresh';
import { reserveStock } from '../../src/inventory/reserve';
import { newMetrics } from '../../src/platform/deps';
import { writeBeforeTransaction } from './support/interleave';
import { assertInvariants } from './support/invariants';
import { FakeClock, key, seedStore } from './support/store';

const BOTH_AGREE = 'counter disagrees with both the ledger and the held reservations';
const UNPROVEN = 'counter disagrees with the ledger and nothing shows which is right';
const DERIVED = 'derived figures differ from the counters they are computed from';

/** Drift entries in a stable order (by location and field), as the report lists them per SKU. */
const sorted = (drift: Drift[]) =>
  [...drift].sort((a, b) =>
    `${a.sku}.${a.locationId}.${a.field}`.localeCompare(`${b.sku}.${b.locationId}.${b.field}`),
  );

describe('reconciliation reports', () => {
  let fs: TestFirestore;
  let deps: Deps;
  let clock: FakeClock;
  let held: string;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    clock = new FakeClock();
    const base = { db: fs.adminDb, clock };
    const refresher = new AvailabilityRefresher(base);
    deps = { ...base, refresher };
    await seedStore(deps, [
      { sku: 'lamp', stock: { 'wh-north': 3, 'store-bath': 2 } },
      { sku: 'cushion', stock: { 'wh-south': 40 }, shards: { 'wh-south': 2 } },
    ]);
    // All three of the lamp's units at wh-north are held: a proven repair there is exactly onHand.
    held = (
      await reserveStock(
        deps,
        { uid: 'hana' },
        {
          idempotencyKey: key(),
          lines: [
            { sku: 'lamp', qty: 3 },
            { sku: 'cushion', qty: 2 },
          ],
          region: 'north',
          allowSplit: false,
        },
      )
    ).reservationId;
    await refresher.idle();
    const doc = (await fs.adminDb.doc('inventory/lamp').get()).data()!;
    assert.equal(doc.locations['wh-north'].reserved, 3, 'the hold is at wh-north');
    assert.deepEqual((await reconcileInventory(deps)).drift, []);
  });

  const data = async (path: string) => (await fs.adminDb.doc(path).get()).data()!;

  test('each entry gives the ledger, the counter, the holds where they matter, and why', async () => {
    await fs.adminDb.doc('inventory/lamp').update({
      'locations.wh-north.reserved': 1,
      'locations.store-bath.onHand': 9,
      'locations.store-bath.damaged': 2,
    });
    const report = await reconcileInventory(deps);
    const lamp = (locationId: string, field: string, ledger: number, counter: number) => ({
      sku: 'lamp',
      locationId,
      field,
      ledger,
      counter,
      reservations: null,
      repaired: false,
      why: UNPROVEN,
    });
    assert.deepEqual(sorted(report.drift), [
      {
        sku: 'lamp',
        locationId: null,
        field: 'availability(onHand,reserved,available,status,locations.wh-north,locations.store-bath)',
        ledger: null,
        counter: null,
        reservations: null,
        repaired: true,
        why: DERIVED,
      },
      lamp('store-bath', 'damaged', 0, 2),
      lamp('store-bath', 'onHand', 2, 9),
      // Proven by two records, and onHand (3) covers it exactly: repaired.
      {
        sku: 'lamp',
        locationId: 'wh-north',
        field: 'reserved',
        ledger: 3,
        counter: 1,
        reservations: 3,
        repaired: true,
        why: BOTH_AGREE,
      },
    ]);
    const doc = await data('inventory/lamp');
    assert.equal(doc.locations['wh-north'].reserved, 3);
    assert.equal(doc.locations['store-bath'].onHand, 9, 'unproven drift is left for a person');
    assert.equal(doc.locations['store-bath'].damaged, 2);
  });

  test('a reserved repair at a location does not mark its other drift there repaired', async () => {
    await fs.adminDb.doc('inventory/lamp').update({
      'locations.wh-north.reserved': 1,
      'locations.wh-north.onHand': 9,
    });
    const report = await reconcileInventory(deps);
    assert.deepEqual(
      report.drift.filter((d) => d.locationId === 'wh-north').map((d) => [d.field, d.repaired]),
      [
        ['onHand', false],
        ['reserved', true],
      ],
    );
    const doc = await data('inventory/lamp');
    assert.deepEqual([doc.locations['wh-north'].onHand, doc.locations['wh-north'].reserved], [9, 3]);
  });

  test('a proven reserved that onHand cannot hold says to fix onHand first', async () => {
    await fs.adminDb.doc('inventory/lamp').update({
      'locations.wh-north.reserved': 0,
      'locations.wh-north.onHand': 2,
      'locations.wh-north.available': 2,
    });
    const report = await reconcileInventory(deps);
    const reserved = report.drift.find((d) => d.field === 'reserved')!;
    assert.deepEqual(reserved, {
      sku: 'lamp',
      locationId: 'wh-north',
      field: 'reserved',
      ledger: 3,
      counter: 0,
      reservations: 3,
      repaired: false,
      why: `${BOTH_AGREE}, but onHand is too low to hold them: fix onHand first`,
    });
    assert.equal((await data('inventory/lamp')).locations['wh-north'].reserved, 0);
  });

  test('held reservations that disagree with the ledger and the counter are reported with all three', async () => {
    const ref = fs.adminDb.doc(`reservations/${held}`);
    const lines = (await ref.get()).data()!.lines;
    lines[0].allocations[0].qty = 2;
    await ref.update({ lines });
    assert.deepEqual((await reconcileInventory(deps)).drift, [
      {
        sku: 'lamp',
        locationId: 'wh-north',
        field: 'heldReservations',
        ledger: 3,
        counter: 3,
        reservations: 2,
        repaired: false,
        why: 'held reservations disagree with the ledger and the counter',
      },
    ]);
  });

  test('a wrong reserved counter is repaired even when the figures derived from it agree with it', async () => {
    const doc = (await fs.adminDb.doc('inventory/lamp').get()).data()!;
    doc.locations['wh-north'].reserved = 1;
    await fs.adminDb.doc('inventory/lamp').set(withTotals(doc as never, clock.now()));
    const report = await reconcileInventory(deps);
    assert.deepEqual(
      report.drift.map((d) => [d.locationId, d.field, d.repaired]),
      [['wh-north', 'reserved', true]],
    );
    assert.equal((await data('inventory/lamp')).locations['wh-north'].reserved, 3);
    assert.deepEqual((await reconcileInventory(deps)).drift, []);
    await assertInvariants(fs.adminDb, { aggregates: true });
  });

  for (const c of [
    {
      name: "a location's available alone",
      path: 'inventory/lamp',
      change: { 'locations.store-bath.available': 5 },
      field: 'availability(locations.store-bath)',
    },
    {
      name: "a sharded location's aggregate onHand alone",
      path: 'inventory/cushion',
      change: { 'locations.wh-south.onHand': 99 },
      field: 'availability(locations.wh-south)',
    },
    {
      name: "a sharded location's aggregate reserved alone",
      path: 'inventory/cushion',
      change: { 'locations.wh-south.reserved': 0 },
      field: 'availability(locations.wh-south)',
    },
  ])
    test(`derived figures: ${c.name} is found and recomputed`, async () => {
      await fs.adminDb.doc(c.path).update(c.change);
      const report = await reconcileInventory(deps);
      assert.deepEqual(
        report.drift.map((d) => [d.sku, d.field, d.repaired]),
        [[c.path.split('/')[1], c.field, true]],
      );
      assert.deepEqual((await reconcileInventory(deps)).drift, []);
      await assertInvariants(fs.adminDb, { aggregates: true });
    });

  test('a clean store is left exactly as it was', async () => {
    const before = {
      lamp: await data('inventory/lamp'),
      cushion: await data('inventory/cushion'),
    };
    clock.advance(60_000);
    const report = await reconcileInventory(deps);
    assert.deepEqual(report.drift, []);
    assert.deepEqual(await data('inventory/lamp'), before.lamp, 'nothing rewritten');
    assert.deepEqual(await data('inventory/cushion'), before.cushion, 'nothing rewritten');
  });

  test('a run reads each ledger entry, availability document, shard and held reservation once', async () => {
    const metrics = newMetrics();
    const report = await reconcileInventory({ ...deps, metrics });
    const size = async (q: FirebaseFirestore.Query) => (await q.get()).size;
    const db = fs.adminDb;
    const expected = {
      ledger: await size(db.collection('ledger')),
      inventory: await size(db.collection('inventory')),
      shards: await size(db.collectionGroup('shards')),
      held: await size(db.collection('reservations').where('status', '==', 'held')),
    };
    assert.ok(expected.held > 0 && expected.shards > 0, 'every kind of document is present');
    assert.equal(report.ledgerEntries, expected.ledger);
    assert.equal(report.skus, expected.inventory);
    assert.equal(
      metrics.reads,
      expected.ledger + expected.inventory + expected.shards + expected.held,
      JSON.stringify(expected),
    );
    assert.equal(metrics.writes, 0, 'a clean store costs no write');
  });

  test('the report is stored under its run id', async () => {
    const report = await reconcileInventory(deps);
    const stored = await data(`reconciliations/${report.runId}`);
    assert.equal(stored.ledgerEntries, report.ledgerEntries);
    assert.deepEqual(stored.drift, []);
  });

  describe('a document that moves on between the snapshot and the repair', () => {
    const bump = (sku: string) => () =>
      fs.adminDb.doc(`inventory/${sku}`).update({ version: FieldValue.increment(1) });

    test('is not repaired, and says so; the next run repairs it', async () => {
      await fs.adminDb.doc('inventory/lamp').update({ 'locations.wh-north.reserved': 1 });
      const racing = { ...deps, db: writeBeforeTransaction(fs.adminDb, 2, bump('lamp')) };
      const first = await reconcileInventory(racing);
      assert.deepEqual(
        first.drift.map((d) => [d.locationId, d.field.split('(')[0], d.repaired]),
        [
          ['wh-north', 'reserved', false],
          [null, 'availability', false],
        ],
      );
      assert.equal((await data('inventory/lamp')).locations['wh-north'].reserved, 1, 'nothing written');
      const second = await reconcileInventory(deps);
      assert.deepEqual(
        second.drift.map((d) => [d.locationId, d.field.split('(')[0], d.repaired]),
        [
          ['wh-north', 'reserved', true],
          [null, 'availability', true],
        ],
      );
      assert.equal((await data('inventory/lamp')).locations['wh-north'].reserved, 3);
    });

    test("a hot SKU's figures are still refolded from its shards", async () => {
      await fs.adminDb.doc('inventory/cushion').update({ status: 'out' });
      const racing = { ...deps, db: writeBeforeTransaction(fs.adminDb, 2, bump('cushion')) };
      const first = await reconcileInventory(racing);
      assert.deepEqual(
        first.drift.map((d) => [d.field, d.repaired]),
        [['availability(status)', true]],
      );
      assert.notEqual((await data('inventory/cushion')).status, 'out');
      assert.deepEqual((await reconcileInventory(deps)).drift, [], 'nothing left for the next run');
    });
  });

  describe('malformed documents', () => {
    test('an availability document: reported with each bad field by path, its SKU left unchecked', async () => {
      await fs.adminDb
        .doc('inventory/lamp')
        .update({ 'locations.wh-north.onHand': 'three', 'locations.store-bath.reserved': -1 });
      const report = await reconcileInventory(deps);
      assert.equal(report.drift.length, 1, JSON.stringify(report.drift));
      const [d] = report.drift;
      assert.deepEqual(
        { ...d, why: undefined },
        {
          sku: 'lamp',
          locationId: null,
          field: 'malformed inventory/lamp',
          ledger: null,
          counter: null,
          reservations: null,
          repaired: false,
          why: undefined,
        },
      );
      const issues = d!.why.split('; ');
      assert.equal(issues.length, 2, d!.why);
      assert.ok(
        issues.some((i) => i.startsWith('locations.wh-north.onHand: ')),
        d!.why,
      );
      assert.ok(
        issues.some((i) => i.startsWith('locations.store-bath.reserved: ')),
        d!.why,
      );
    });

    test('a ledger entry without a valid SKU is reported as unknown', async () => {
      await fs.adminDb.doc('ledger/hand-written').set({ kind: 'restock', sku: 42 });
      const report = await reconcileInventory(deps);
      assert.deepEqual(
        report.drift.map((d) => [d.sku, d.field, d.repaired]),
        [['unknown', 'malformed ledger/hand-written', false]],
      );
      assert.match(report.drift[0]!.why, /^sku: /);
    });

    for (const [name, broken] of [
      ['without lines', { status: 'held' }],
      ['with no line', { status: 'held', lines: [] }],
    ] as const)
      test(`a held reservation ${name} is reported, not thrown over`, async () => {
        await fs.adminDb.doc('reservations/broken').set(broken);
        const report = await reconcileInventory(deps);
        assert.deepEqual(
          report.drift.map((d) => [d.sku, d.field]),
          [['unknown', 'malformed reservations/broken']],
        );
      });
  });
});
