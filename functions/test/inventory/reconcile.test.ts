/**
 * Reconciliation against drift of each kind, injected behind the functions' back: every kind is
 * reported, only what can be proven is repaired, and a repair never makes anything worse (no
 * counter changes but the proven ones, the next run finds exactly what was left).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Firestore } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import type { Deps } from '../../src/inventory/deps';
import { reconcileInventory } from '../../src/inventory/reconcile';
import { AvailabilityRefresher } from '../../src/inventory/refresh';
import { reserveStock } from '../../src/inventory/reserve';
import { transferStock } from '../../src/inventory/transfer';
import { assertInvariants } from './support/invariants';
import { FakeClock, key, SEED_STAFF, seedStore } from './support/store';

/** The counters (not the derived figures) of every location and shard. */
async function counters(db: Firestore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const d of (await db.collection('inventory').get()).docs)
    for (const [loc, s] of Object.entries<Record<string, number>>(d.data().locations))
      // A sharded location's onHand/reserved here are the aggregate of its shards, not counters.
      out[`${d.id}@${loc}`] = d.data().shards[loc]
        ? [s.inTransit, s.damaged]
        : [s.onHand, s.reserved, s.inTransit, s.damaged];
  for (const d of (await db.collectionGroup('shards').get()).docs)
    out[d.ref.path] = [d.data().onHand, d.data().reserved];
  return out;
}

interface Case {
  name: string;
  inject(db: Firestore, made: { held: string; heldShard: string }): Promise<unknown>;
  /** `location.field repaired?` of every drift reported, in report order. */
  report: string[];
  /** Counters the repair changes, with their new value. */
  repairs?: Record<string, unknown>;
}

describe('reconciliation against injected drift', () => {
  let fs: TestFirestore;
  let deps: Deps;
  let refresher: AvailabilityRefresher;
  let held: string;
  let heldShard: string;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    const base = { db: fs.adminDb, clock: new FakeClock() };
    refresher = new AvailabilityRefresher(base);
    deps = { ...base, refresher };
    await seedStore(deps, [
      { sku: 'sideboard', stock: { 'wh-north': 5, 'store-bath': 2 } },
      { sku: 'cushion', stock: { 'wh-south': 40 }, shards: { 'wh-south': 4 } },
    ]);
    const hold = await reserveStock(
      deps,
      { uid: 'hana' },
      {
        idempotencyKey: key(),
        lines: [
          { sku: 'sideboard', qty: 3 },
          { sku: 'cushion', qty: 2 },
        ],
        allowSplit: false,
      },
    );
    held = hold.reservationId;
    await transferStock(deps, SEED_STAFF, {
      idempotencyKey: key(),
      sku: 'sideboard',
      fromLocationId: 'store-bath',
      toLocationId: 'wh-south',
      qty: 1,
    });
    await refresher.idle();
    const res = (await fs.adminDb.doc(`reservations/${held}`).get()).data()!;
    heldShard = `inventory/cushion/shards/wh-south_${res.lines[1].allocations[0].shard}`;
    await assertInvariants(fs.adminDb, { aggregates: true });
    assert.deepEqual((await reconcileInventory(deps)).drift, []);
  });

  const cases: Case[] = [
    {
      name: 'reserved counter wrong, ledger and holds agree: repaired',
      inject: (db) => db.doc('inventory/sideboard').update({ 'locations.wh-north.reserved': 1 }),
      report: ['wh-north.reserved true', 'null.availability true'],
      repairs: { 'sideboard@wh-north': [5, 3, 0, 0] },
    },
    {
      name: 'reserved proven but onHand too low to hold it: both left, the document stays readable',
      inject: (db) =>
        db.doc('inventory/sideboard').update({
          'locations.wh-north.reserved': 0,
          'locations.wh-north.onHand': 1,
          'locations.wh-north.available': 1,
        }),
      report: ['wh-north.onHand false', 'wh-north.reserved false', 'null.availability true'],
    },
    {
      name: 'onHand wrong: reported only',
      inject: (db) => db.doc('inventory/sideboard').update({ 'locations.store-bath.onHand': 9 }),
      report: ['store-bath.onHand false', 'null.availability true'],
    },
    {
      name: 'inTransit wrong: reported only',
      inject: (db) => db.doc('inventory/sideboard').update({ 'locations.wh-south.inTransit': 0 }),
      report: ['wh-south.inTransit false', 'null.availability true'],
    },
    {
      name: 'damaged wrong: reported only',
      inject: (db) => db.doc('inventory/sideboard').update({ 'locations.store-bath.damaged': 2 }),
      report: ['store-bath.damaged false'],
    },
    {
      name: "a shard's reserved wrong: reported, not repaired",
      inject: (db, { heldShard }) => db.doc(heldShard).update({ reserved: 0, available: 10 }),
      report: ['wh-south.reserved false', 'null.availability true'],
    },
    {
      name: "a shard's onHand wrong: reported only",
      inject: (db) => db.doc('inventory/cushion/shards/wh-south_0').update({ onHand: 50, available: 50 }),
      report: ['wh-south.onHand false', 'null.availability true'],
    },
    {
      name: 'a ledger entry lost: the counters are not touched',
      inject: async (db) => {
        const entry = await db
          .collection('ledger')
          .where('kind', '==', 'reserve')
          .where('sku', '==', 'sideboard')
          .get();
        await entry.docs[0]!.ref.delete();
      },
      report: ['wh-north.reserved false'],
    },
    {
      name: 'a ledger entry written twice: reported only',
      inject: async (db) => {
        const entry = await db
          .collection('ledger')
          .where('kind', '==', 'restock')
          .where('locationId', '==', 'wh-north')
          .get();
        await db.doc('ledger/copy').set(entry.docs[0]!.data());
      },
      report: ['wh-north.onHand false'],
    },
    {
      name: 'a held reservation edited: reported only',
      inject: async (db, { held }) => {
        const ref = db.doc(`reservations/${held}`);
        const lines = (await ref.get()).data()!.lines;
        lines[0].allocations[0].qty = 2;
        await ref.update({ lines });
      },
      report: ['wh-north.heldReservations false'],
    },
    {
      name: 'derived figures only (available, totals, status): recomputed',
      inject: (db) =>
        db
          .doc('inventory/sideboard')
          .update({ 'locations.wh-north.available': 5, available: 9, status: 'out' }),
      report: ['null.availability true'],
    },
  ];

  for (const c of cases)
    test(c.name, async () => {
      await c.inject(fs.adminDb, { held, heldShard });
      const before = await counters(fs.adminDb);
      const first = await reconcileInventory(deps);
      assert.deepEqual(
        first.drift.map((d) => `${d.locationId}.${d.field.split('(')[0]} ${d.repaired}`),
        c.report,
      );
      assert.deepEqual(await counters(fs.adminDb), { ...before, ...c.repairs }, 'counters');
      const second = await reconcileInventory(deps);
      assert.deepEqual(
        second.drift.map((d) => `${d.locationId}.${d.field} ${d.repaired}`),
        first.drift.filter((d) => !d.repaired).map((d) => `${d.locationId}.${d.field} false`),
        'the second run finds what the first left, and nothing else',
      );
      if (second.drift.length === 0) await assertInvariants(fs.adminDb, { aggregates: true });
    });
});
