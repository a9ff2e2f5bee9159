/**
 * The orders' side of the invariants (issue 14), checked from what Firestore holds, written out from
 * the issue rather than imported from the code under test:
 * - per order and SKU, the ledger's sales are the units ordered, its cancellations the units the
 *   lines say were cancelled (never more than were sold from that location), and its `ship` entries
 *   the units of the lines that left the store: no unit lost or doubled;
 * - no line cancels or returns more than it holds, and a line is `cancelled` exactly when all of it is;
 * - the refunds recorded add up to the cancelled and return-requested units at their prices.
 */
import assert from 'node:assert/strict';
import type { Firestore, QueryDocumentSnapshot } from 'firebase-admin/firestore';

const LEFT = new Set(['shipped', 'delivered', 'collected']);

type Sums = Map<string, number>;
const add = (m: Sums, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);

export async function assertOrderInvariants(db: Firestore, ledger: QueryDocumentSnapshot[]): Promise<void> {
  const orders = await db.collection('orders').get();
  const byOrder = new Map<string, { sale: Sums; cancel: Sums; ship: Sums }>();
  for (const d of ledger) {
    const e = d.data();
    if (e.kind !== 'sale' && e.kind !== 'cancel' && e.kind !== 'ship') continue;
    let o = byOrder.get(e.correlationId);
    if (!o) byOrder.set(e.correlationId, (o = { sale: new Map(), cancel: new Map(), ship: new Map() }));
    const kind = e.kind as 'sale' | 'cancel' | 'ship';
    add(o[kind], e.sku, e.qty);
    add(o[kind], `${e.sku}@${e.locationId}`, e.qty);
  }
  for (const snap of orders.docs) {
    const order = snap.data();
    const want = { sale: new Map() as Sums, cancel: new Map() as Sums, ship: new Map() as Sums };
    let refundable = 0;
    (order.lines as Record<string, unknown>[]).forEach((raw, i) => {
      const line = raw as { sku: string; qty: number; returned: number; unitPriceMinor: number };
      const cancelled = (raw.cancelled as number | undefined) ?? 0;
      const returnRequested = (raw.returnRequested as number | undefined) ?? 0;
      const state = (raw.fulfilment as string | undefined) ?? 'allocated';
      const where = `orders/${snap.id} line ${i}`;
      assert.ok(
        cancelled >= 0 && cancelled + line.returned <= line.qty,
        `${where}: cancelled + returned > qty`,
      );
      assert.ok(cancelled + returnRequested <= line.qty, `${where}: cancelled + return requested > qty`);
      assert.equal(
        state === 'cancelled',
        cancelled === line.qty,
        `${where}: ${state} with ${cancelled} of ${line.qty} cancelled`,
      );
      // Orders from before this system (the seed's history) sold nothing here: no allocations, no ledger.
      const here = ((raw.allocations as unknown[] | undefined) ?? []).length > 0;
      add(want.sale, line.sku, here ? line.qty : 0);
      add(want.cancel, line.sku, here ? cancelled : 0);
      add(want.ship, line.sku, here && LEFT.has(state) ? line.qty - cancelled : 0);
      refundable += (cancelled + returnRequested) * line.unitPriceMinor;
    });
    const got = byOrder.get(snap.id) ?? { sale: new Map(), cancel: new Map(), ship: new Map() };
    for (const kind of ['sale', 'cancel', 'ship'] as const)
      for (const [sku, units] of want[kind])
        assert.equal(got[kind].get(sku) ?? 0, units, `orders/${snap.id} ${sku}: ${kind} units in the ledger`);
    for (const [key, units] of got.cancel)
      if (key.includes('@'))
        assert.ok(
          units <= (got.sale.get(key) ?? 0),
          `orders/${snap.id} ${key}: more cancelled than sold here`,
        );
    const refunds = ((order.refunds as { amountMinor: number }[] | undefined) ?? []).reduce(
      (sum, r) => sum + r.amountMinor,
      0,
    );
    assert.equal(order.refundedMinor ?? 0, refunds, `orders/${snap.id}: refundedMinor vs refunds`);
    assert.equal(refunds, refundable, `orders/${snap.id}: refunds vs cancelled units at their prices`);
  }
}
