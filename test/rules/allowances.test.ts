/**
 * allowances/{uid} (limits for drops, customer-limits.ts) under firestore.rules, as an attacker
 * would try it: a customer reads their own count and nobody else's; nobody writes one from an app,
 * so a customer can neither lower their own count (raising what they may take) nor delete it, nor
 * plant one for a new account; staff read them for the console and write none either. The
 * reservation's allowance record and a SKU's cap can be changed by no client either.
 */
import assert from 'node:assert/strict';
import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import { after, before, describe, it } from 'node:test';
import { startHearthRules, type Db, type HearthRules } from './hearth-env';

const used = { uid: 'alice', holds: 2, skus: { 'drop-1': { windowStartMs: 0, units: 3 } } };

describe('allowances under the rules', () => {
  let h: HearthRules;
  before(async () => {
    h = await startHearthRules();
    await h.env.withSecurityRulesDisabled(async (ctx) => {
      const db = ctx.firestore() as unknown as Db;
      await db.doc('allowances/alice').set(used);
      await db.doc('allowances/bob').set({ ...used, uid: 'bob' });
      await db
        .doc('inventory/drop-1')
        .set({ sku: 'drop-1', available: 9, purchaseLimit: { units: 3, periodHours: null } });
      await db.doc('reservations/r-limited').set({
        customerId: 'alice',
        status: 'held',
        lines: [{ sku: 'drop-1', qty: 3 }],
        allowance: { hold: true, skus: [{ sku: 'drop-1', qty: 3, windowStartMs: 0 }] },
      });
    });
  });
  after(() => h.stop());

  it('lets a customer read their own allowance, and staff read any', async () => {
    await assertSucceeds(h.db('alice').doc('allowances/alice').get());
    await assertSucceeds(h.db('staff').doc('allowances/bob').get());
    await assertSucceeds(h.db('admin').doc('allowances/alice').get());
  });

  it("refuses another customer's allowance, anonymous callers and listing", async () => {
    await assertFails(h.db('bob').doc('allowances/alice').get());
    await assertFails(h.db('anonymous').doc('allowances/alice').get());
    await assertFails(h.db('alice').collection('allowances').limit(5).get());
    await assertFails(h.db('staff').collection('allowances').limit(5).get());
  });

  it('refuses a customer raising their own allowance in every way, and leaves it as it was', async () => {
    const alice = h.db('alice');
    await assertFails(alice.doc('allowances/alice').update({ holds: 0 }));
    await assertFails(alice.doc('allowances/alice').update({ 'skus.drop-1.units': 0 }));
    await assertFails(alice.doc('allowances/alice').set({ uid: 'alice', holds: 0, skus: {} }));
    await assertFails(alice.doc('allowances/alice').set({ holds: 0 }, { merge: true }));
    await assertFails(alice.doc('allowances/alice').delete());
    // Nor by making their hold look as if it took nothing, or lifting the SKU's cap.
    await assertFails(alice.doc('reservations/r-limited').update({ allowance: { hold: false, skus: [] } }));
    await assertFails(alice.doc('inventory/drop-1').update({ purchaseLimit: null }));
    assert.deepEqual(await h.adminGet('allowances/alice'), used);
  });

  it('refuses planting an allowance for a new account, and any write by staff', async () => {
    await assertFails(
      h.dbWith('carol', {}).doc('allowances/carol').set({ uid: 'carol', holds: 0, skus: {} }),
    );
    await assertFails(h.db('staff').doc('allowances/bob').update({ holds: 0 }));
    await assertFails(h.db('admin').doc('allowances/bob').delete());
    await assertFails(
      h
        .db('staff')
        .doc('inventory/drop-1')
        .update({ purchaseLimit: { units: 99, periodHours: null } }),
    );
    assert.equal(await h.adminGet('allowances/carol'), undefined);
    assert.equal((await h.adminGet('allowances/bob'))?.holds, 2);
  });
});
