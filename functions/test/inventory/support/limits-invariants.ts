/**
 * The caps' invariants, from what Firestore holds (written out here, not imported from the code
 * under test):
 * - each customer's `holds` is the number of their held reservations that counted as a hold;
 * - each customer's units of a limited SKU in a window are what their reservations took in that
 *   window and still keep: held, or checked out and not cancelled (released, expired and cancelled
 *   units came back; returned ones did not);
 * - no customer is above a SKU's current cap in the window that cap counts in.
 */
import assert from 'node:assert/strict';
import type { Firestore } from 'firebase-admin/firestore';

interface Taken {
  sku: string;
  qty: number;
  windowStartMs: number;
}

export async function assertLimitInvariants(db: Firestore): Promise<void> {
  const [allowances, reservations, orders, inventory] = await Promise.all([
    db.collection('allowances').get(),
    db.collection('reservations').get(),
    db.collection('orders').get(),
    db.collection('inventory').get(),
  ]);
  const cancelled = new Map<string, number>();
  for (const o of orders.docs)
    for (const line of o.data().lines as { sku: string; cancelled?: number }[])
      cancelled.set(`${o.id}/${line.sku}`, line.cancelled ?? 0);

  const holds = new Map<string, number>();
  const units = new Map<string, number>();
  for (const r of reservations.docs) {
    const d = r.data();
    const allowance = d.allowance as { hold: boolean; skus: Taken[] } | undefined;
    if (!allowance) continue;
    if (allowance.hold && d.status === 'held') holds.set(d.customerId, (holds.get(d.customerId) ?? 0) + 1);
    for (const t of allowance.skus) {
      let kept = 0;
      if (d.status === 'held') kept = t.qty;
      else if (d.status === 'checked_out')
        kept = t.qty - (cancelled.get(`${d.orderId ?? r.id}/${t.sku}`) ?? 0);
      const key = `${d.customerId}|${t.sku}|${t.windowStartMs}`;
      units.set(key, (units.get(key) ?? 0) + kept);
    }
  }

  const counted = new Map<string, number>();
  for (const a of allowances.docs) {
    const d = a.data();
    assert.equal(d.uid, a.id, `${a.ref.path}: uid`);
    assert.equal(d.holds, holds.get(a.id) ?? 0, `${a.ref.path}: holds vs held reservations that counted`);
    for (const [sku, use] of Object.entries(
      d.skus as Record<string, { windowStartMs: number; units: number }>,
    ))
      counted.set(`${a.id}|${sku}|${use.windowStartMs}`, use.units);
  }
  for (const [uid] of holds)
    assert.ok(
      allowances.docs.some((a) => a.id === uid),
      `allowances/${uid} missing`,
    );
  // A window the counter has moved past is not kept (a new window starts from zero): only the
  // counter's own window must match, and every window a reservation keeps units in is either it or past.
  for (const [key, kept] of units) {
    const [uid, sku, start] = key.split('|');
    const current = [...counted.keys()].find((k) => k.startsWith(`${uid}|${sku}|`));
    if (current === key)
      assert.equal(counted.get(key), kept, `allowances/${uid} ${sku}: units vs reservations`);
    else if (kept > 0)
      assert.ok(
        current !== undefined && Number(current.split('|')[2]) > Number(start),
        `allowances/${uid} ${sku}: ${kept} units kept in window ${start} but the counter has ${current ?? 'none'}`,
      );
  }
  for (const [key, n] of counted)
    assert.equal(n, units.get(key) ?? 0, `allowances ${key}: units vs reservations`);

  const caps = new Map<string, { units: number; periodHours: number | null }>();
  for (const i of inventory.docs) if (i.data().purchaseLimit) caps.set(i.id, i.data().purchaseLimit);
  for (const [key, kept] of units) {
    const [uid, sku, start] = key.split('|');
    const cap = caps.get(sku!);
    if (!cap) continue;
    const periodMs = cap.periodHours === null ? null : cap.periodHours * 3_600_000;
    const sameKind = periodMs === null ? Number(start) === 0 : Number(start) % periodMs === 0;
    if (sameKind)
      assert.ok(kept <= cap.units, `${uid} holds or bought ${kept} × ${sku} in one window; cap ${cap.units}`);
  }
}
