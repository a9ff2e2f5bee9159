/**
 * Webhook documents under firestore.rules, attacked as an app would: a signing secret is read by
 * nobody (staff and admins included, forged claims too), stream leases and replays likewise; staff
 * read subscriptions, the delivery log and the outbox, customers none of it; nobody writes any of
 * it from an app (a planted subscription would receive the store's events, a planted outbox event
 * would be delivered to every subscriber as the store's).
 */
import assert from 'node:assert/strict';
import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import { after, before, describe, it } from 'node:test';
import { ACTORS, startHearthRules, type Db, type HearthRules } from './hearth-env';

const SUB = 'webhookSubscriptions/sub1';
const SECRET = 'webhookSecrets/sub1';

describe('webhooks under the rules', () => {
  let h: HearthRules;
  before(async () => {
    h = await startHearthRules();
    await h.env.withSecurityRulesDisabled(async (ctx) => {
      const db = ctx.firestore() as unknown as Db;
      await db
        .doc(SUB)
        .set({ id: 'sub1', url: 'https://erp.example.com/hooks', topics: ['*'], status: 'active' });
      await db.doc(SECRET).set({ current: 'whsec_topsecret', previous: null });
      await db
        .doc('webhookDeliveries/sub1__e1')
        .set({ subscriptionId: 'sub1', eventId: 'e1', status: 'delivered' });
      await db.doc('webhookStreams/sub1__abc').set({ holder: 'x', dirty: false });
      await db.doc('webhookReplays/r1').set({ subscriptionId: 'sub1', events: 3 });
      await db.doc('outbox/e1').set({ id: 'e1', type: 'stock.changed', sku: 's1', dispatched: true });
    });
  });
  after(() => h.stop());

  it('no caller reads or lists a signing secret, a stream lease or a replay', async () => {
    for (const who of ACTORS) {
      const db = h.db(who);
      await assertFails(db.doc(SECRET).get());
      await assertFails(db.collection('webhookSecrets').limit(10).get());
      await assertFails(db.doc('webhookStreams/sub1__abc').get());
      await assertFails(db.doc('webhookReplays/r1').get());
    }
    await assertFails(h.dbWith('mallory', { staff: 'true', admin: 'true' }).doc(SECRET).get());
    await assertFails(h.dbWith('mallory', { staff: 1 }).doc(SUB).get());
  });

  it('staff and admins read subscriptions, deliveries and the outbox; customers and anonymous callers do not', async () => {
    for (const who of ['staff', 'admin'] as const) {
      const db = h.db(who);
      await assertSucceeds(db.doc(SUB).get());
      await assertSucceeds(db.collection('webhookSubscriptions').limit(10).get());
      await assertSucceeds(db.collection('webhookDeliveries').where('subscriptionId', '==', 'sub1').get());
      await assertSucceeds(db.doc('outbox/e1').get());
    }
    for (const who of ['anonymous', 'alice', 'bob'] as const) {
      const db = h.db(who);
      await assertFails(db.doc(SUB).get());
      await assertFails(db.collection('webhookDeliveries').limit(5).get());
      await assertFails(db.doc('outbox/e1').get());
    }
  });

  it('refuses every write from an app, and leaves the documents as they were', async () => {
    for (const who of ACTORS) {
      const db = h.db(who);
      await assertFails(db.doc(SECRET).set({ current: 'whsec_mine' }));
      await assertFails(db.doc(SUB).update({ url: 'https://attacker.example/steal' }));
      await assertFails(
        db
          .collection('webhookSubscriptions')
          .doc('planted')
          .set({ url: 'https://attacker.example', topics: ['*'] }),
      );
      await assertFails(db.doc('webhookDeliveries/sub1__e1').update({ status: 'pending' }));
      await assertFails(db.collection('outbox').doc('forged').set({ type: 'order.placed', data: {} }));
      await assertFails(db.doc('webhookStreams/sub1__abc').set({ holder: 'me' }));
      await assertFails(db.doc(SUB).delete());
    }
    assert.equal((await h.adminGet(SECRET))?.current, 'whsec_topsecret');
    assert.equal((await h.adminGet(SUB))?.url, 'https://erp.example.com/hooks');
    assert.equal(await h.adminGet('outbox/forged'), undefined);
    assert.equal(await h.adminGet('webhookSubscriptions/planted'), undefined);
    assert.equal((await h.adminGet('webhookDeliveries/sub1__e1'))?.status, 'delivered');
  });
});
