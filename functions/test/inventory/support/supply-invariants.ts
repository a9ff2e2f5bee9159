/**
 * The supply side's invariants, from what Firestore holds (written out here, not imported from the
 * code under test):
 * - every location's `incoming` is the sum, over open purchase orders to it, of what their lines
 *   still await (ordered - received); received and closed orders await nothing;
 * - no line is received beyond what was ordered, and an order is `received` exactly when every line is.
 */
import assert from 'node:assert/strict';
import type { Firestore } from 'firebase-admin/firestore';

export async function assertSupplyInvariants(db: Firestore): Promise<void> {
  const [inventory, orders] = await Promise.all([
    db.collection('inventory').get(),
    db.collection('purchaseOrders').get(),
  ]);
  const awaited = new Map<string, number>();
  for (const po of orders.docs) {
    const d = po.data();
    let complete = true;
    for (const line of d.lines as { sku: string; qty: number; received: number }[]) {
      assert.ok(
        line.received >= 0 && line.received <= line.qty,
        `${po.ref.path} ${line.sku}: received ${line.received} of ${line.qty}`,
      );
      if (line.received < line.qty) complete = false;
      if (d.status !== 'open') continue;
      const key = `${line.sku}@${d.locationId}`;
      awaited.set(key, (awaited.get(key) ?? 0) + line.qty - line.received);
    }
    if (d.status !== 'closed')
      assert.equal(d.status === 'received', complete, `${po.ref.path}: status ${d.status} vs its lines`);
  }
  const incoming = new Map<string, number>();
  for (const snap of inventory.docs)
    for (const [loc, s] of Object.entries<Record<string, number>>(snap.data().locations))
      if (s.incoming) incoming.set(`${snap.id}@${loc}`, s.incoming);
  for (const key of new Set([...awaited.keys(), ...incoming.keys()]))
    assert.equal(incoming.get(key) ?? 0, awaited.get(key) ?? 0, `${key}: incoming vs open purchase orders`);
}
