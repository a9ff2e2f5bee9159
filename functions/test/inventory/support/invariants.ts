/**
 * The design's invariants, checked from what Firestore holds, independently of the code under test:
 * - available = onHand - reserved >= 0 for every location counter and every shard;
 * - replaying the ledger gives every counter (sharded locations: the sum of their shards);
 * - the held reservations account for every reserved unit;
 * - each availability document's totals are the sum of its locations (and, with `aggregates`, the
 *   figures of its sharded locations are the sums of their shards).
 */
import assert from 'node:assert/strict';
import type { Firestore } from 'firebase-admin/firestore';
import { assertOrderInvariants } from './order-invariants';
import { assertSupplyInvariants } from './supply-invariants';
import { assertLimitInvariants } from './limits-invariants';
import { assertBackorderInvariants } from './backorder-invariants';

type Cell = { onHand: number; reserved: number; inTransit: number; damaged: number; incoming: number };
const zero = (): Cell => ({ onHand: 0, reserved: 0, inTransit: 0, damaged: 0, incoming: 0 });

function at(map: Map<string, Cell>, sku: string, loc: string): Cell {
  const key = `${sku}@${loc}`;
  if (!map.has(key)) map.set(key, zero());
  return map.get(key)!;
}

/** What the ledger says each kind does, written out from the issue, not imported from the code. */
function replay(e: FirebaseFirestore.DocumentData, cells: Map<string, Cell>): void {
  const here = at(cells, e.sku, e.locationId);
  const q: number = e.qty;
  switch (e.kind) {
    case 'reserve':
      here.reserved += q;
      break;
    case 'release':
    case 'expire':
      here.reserved -= q;
      break;
    case 'sale':
      here.reserved -= q;
      here.onHand -= q;
      break;
    case 'restock':
    case 'return':
    case 'adjust':
      here.onHand += q;
      break;
    case 'damaged':
      here.damaged += q;
      break;
    case 'transfer_out':
      here.onHand -= q;
      at(cells, e.sku, e.toLocationId).inTransit += q;
      break;
    case 'transfer_in':
      here.inTransit -= q;
      here.onHand += q;
      break;
    case 'cancel':
      here.onHand += q;
      break;
    case 'ship':
      break;
    case 'po_ordered':
      here.incoming += q;
      break;
    case 'po_received':
      here.incoming -= q;
      here.onHand += q;
      break;
    case 'po_closed':
      here.incoming -= q;
      break;
    // Owed units are counted in backorder-invariants.ts; a fill reserves what arrived for its hold.
    case 'backorder':
    case 'backorder_release':
      break;
    case 'backorder_fill':
      here.reserved += q;
      break;
    default:
      assert.fail(`unknown ledger kind ${e.kind}`);
  }
}

export async function assertInvariants(db: Firestore, opts: { aggregates?: boolean } = {}): Promise<void> {
  const [inventory, shards, ledger, held] = await Promise.all([
    db.collection('inventory').get(),
    db.collectionGroup('shards').get(),
    db.collection('ledger').get(),
    db.collection('reservations').where('status', '==', 'held').get(),
  ]);
  const counters = new Map<string, Cell>();
  const shardSums = new Map<string, Cell>();
  for (const s of shards.docs) {
    const d = s.data();
    assert.equal(d.available, d.onHand - d.reserved, `${s.ref.path}: available`);
    assert.ok(d.reserved >= 0 && d.available >= 0, `${s.ref.path}: negative (${d.onHand}/${d.reserved})`);
    const sum = at(shardSums, d.sku, d.locationId);
    sum.onHand += d.onHand;
    sum.reserved += d.reserved;
  }
  for (const snap of inventory.docs) {
    const doc = snap.data();
    const totals = { onHand: 0, reserved: 0, available: 0 };
    for (const [loc, s] of Object.entries<Record<string, number>>(doc.locations)) {
      const sharded = Boolean(doc.shards[loc]);
      const cell = at(counters, snap.id, loc);
      const sum = at(shardSums, snap.id, loc);
      cell.onHand = sharded ? sum.onHand : s.onHand!;
      cell.reserved = sharded ? sum.reserved : s.reserved!;
      cell.inTransit = s.inTransit!;
      cell.damaged = s.damaged!;
      cell.incoming = s.incoming!;
      assert.equal(s.available, s.onHand! - s.reserved!, `inventory/${snap.id} ${loc}: available`);
      assert.ok(s.reserved! >= 0 && s.available! >= 0, `inventory/${snap.id} ${loc}: negative`);
      assert.ok(
        s.inTransit! >= 0 && s.damaged! >= 0,
        `inventory/${snap.id} ${loc}: negative transit/damaged`,
      );
      if (sharded && opts.aggregates) {
        assert.equal(s.onHand, sum.onHand, `inventory/${snap.id} ${loc}: aggregate onHand`);
        assert.equal(s.reserved, sum.reserved, `inventory/${snap.id} ${loc}: aggregate reserved`);
      }
      totals.onHand += s.onHand!;
      totals.reserved += s.reserved!;
      totals.available += s.available!;
    }
    assert.deepEqual(
      { onHand: doc.onHand, reserved: doc.reserved, available: doc.available },
      totals,
      `inventory/${snap.id}: totals`,
    );
  }
  const replayed = new Map<string, Cell>();
  for (const e of ledger.docs) replay(e.data(), replayed);
  for (const key of new Set([...replayed.keys(), ...counters.keys()]))
    assert.deepEqual(
      counters.get(key) ?? zero(),
      replayed.get(key) ?? zero(),
      `${key}: counters vs ledger replay`,
    );

  const heldUnits = new Map<string, number>();
  for (const r of held.docs)
    for (const line of r.data().lines)
      for (const a of line.allocations) {
        const key = `${line.sku}@${a.locationId}`;
        heldUnits.set(key, (heldUnits.get(key) ?? 0) + a.qty);
      }
  for (const [key, cell] of counters)
    assert.equal(cell.reserved, heldUnits.get(key) ?? 0, `${key}: reserved vs held reservations`);
  await assertOrderInvariants(db, ledger.docs);
  await assertSupplyInvariants(db);
  await assertLimitInvariants(db);
  await assertBackorderInvariants(db);
}
