/**
 * Backorders' invariants, from what Firestore holds (written out here, not imported from the code
 * under test), per SKU and location:
 * - `backordered` is what the ledger's backorder entries leave (backorder - fill - release), what the
 *   held reservations are still owed there, and what the waiting queue entries are owed;
 * - a held line's allocations and owed units add up to its quantity;
 * - a waiting or filled queue entry's hold is held and owed what the entry says; a released one's
 *   hold is closed; a filled entry is owed nothing;
 * - an availability document's `backordered` is the sum of its locations'.
 */
import assert from 'node:assert/strict';
import type { Firestore } from 'firebase-admin/firestore';

const add = (m: Map<string, number>, key: string, n: number) => m.set(key, (m.get(key) ?? 0) + n);

export async function assertBackorderInvariants(db: Firestore): Promise<void> {
  const [inventory, ledger, reservations, queue] = await Promise.all([
    db.collection('inventory').get(),
    db.collection('ledger').where('kind', 'in', ['backorder', 'backorder_fill', 'backorder_release']).get(),
    db.collection('reservations').get(),
    db.collection('backorders').get(),
  ]);
  const counters = new Map<string, number>();
  for (const snap of inventory.docs) {
    const doc = snap.data();
    let total = 0;
    for (const [loc, s] of Object.entries<Record<string, number>>(doc.locations)) {
      const owed = s.backordered ?? 0;
      assert.ok(owed >= 0, `inventory/${snap.id} ${loc}: backordered ${owed}`);
      if (owed > 0) counters.set(`${snap.id}@${loc}`, owed);
      total += owed;
    }
    assert.equal(doc.backordered ?? 0, total, `inventory/${snap.id}: backordered total`);
  }
  const replayed = new Map<string, number>();
  for (const e of ledger.docs) {
    const d = e.data();
    add(replayed, `${d.sku}@${d.locationId}`, d.kind === 'backorder' ? d.qty : -d.qty);
  }
  const heldOwed = new Map<string, number>();
  const holds = new Map(reservations.docs.map((r) => [r.id, r.data()]));
  for (const [id, r] of holds) {
    if (r.status !== 'held') continue;
    for (const line of r.lines) {
      const allocated = line.allocations.reduce((s: number, a: { qty: number }) => s + a.qty, 0);
      assert.equal(
        allocated + (line.owed ?? 0),
        line.qty,
        `reservations/${id} ${line.sku}: allocated + owed`,
      );
      if ((line.owed ?? 0) > 0) add(heldOwed, `${line.sku}@${r.backorder.locationId}`, line.owed);
    }
  }
  const queued = new Map<string, number>();
  for (const q of queue.docs) {
    const e = q.data();
    const hold = holds.get(e.reservationId);
    assert.ok(hold, `${q.ref.path}: its reservation exists`);
    const line = hold.lines.find((l: { sku: string }) => l.sku === e.sku);
    if (e.status === 'released') {
      assert.notEqual(hold.status, 'held', `${q.ref.path}: released but its hold is held`);
      assert.equal(e.owed, 0, `${q.ref.path}: released owes nothing`);
      continue;
    }
    if (hold.status === 'held')
      assert.equal(line.owed ?? 0, e.owed, `${q.ref.path}: owed vs its hold's line`);
    if (e.status === 'filled') assert.equal(e.owed, 0, `${q.ref.path}: filled owes nothing`);
    else {
      assert.equal(hold.status, 'held', `${q.ref.path}: waiting for a hold that is ${hold.status}`);
      add(queued, `${e.sku}@${e.locationId}`, e.owed);
    }
  }
  for (const key of new Set([...counters.keys(), ...replayed.keys(), ...heldOwed.keys(), ...queued.keys()])) {
    const counter = counters.get(key) ?? 0;
    assert.equal(counter, replayed.get(key) ?? 0, `${key}: backordered vs ledger replay`);
    assert.equal(counter, heldOwed.get(key) ?? 0, `${key}: backordered vs what held reservations are owed`);
    assert.equal(counter, queued.get(key) ?? 0, `${key}: backordered vs the waiting queue`);
  }
}
