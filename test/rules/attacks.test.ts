/**
 * What a hostile app could try against firestore.rules: forged ids, self-granted claims, oversized
 * or malformed documents, server-owned fields, widened queries, and batches that hide a forbidden
 * write behind a permitted one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import firebase from 'firebase/compat/app';
import {
  expectAccess,
  serverTime,
  startHearthRules,
  Timestamp,
  type Db,
  type HearthRules,
} from './hearth-env';
import { within } from '../support/within';

let h: HearthRules;
before(async () => {
  h = await startHearthRules();
});
after(() => h.stop());

const alice = () => h.db('alice');
const event = (extra: Record<string, unknown> = {}) => ({
  kind: 'view',
  productId: 'p1',
  quantity: 1,
  at: serverTime(),
  ...extra,
});
/** An event written as an app writes it: in a slot of the event quota, raised in the same batch. */
const addEvent = async (db: Db, data: Record<string, unknown>, uid = 'alice') =>
  (await h.eventBatch(db, uid, [data])).batch.commit();
const updateProfile = (db: Db, data: Record<string, unknown>, uid = 'alice') =>
  db.doc(`customers/${uid}`).update({ updatedAt: serverTime(), ...data });

type Row = [name: string, allowed: boolean, request: () => Promise<unknown>];

function rows(title: string, table: () => Row[]) {
  describe(title, () => {
    for (const [name, allowed, request] of table()) {
      it(`${name}: ${allowed ? 'allowed' : 'denied'}`, () => expectAccess(allowed, request));
    }
  });
}

rows('valid writes by the owner (the baseline the attacks vary)', () => [
  [
    'event with every field',
    true,
    () => addEvent(alice(), event({ sku: 's1', kind: 'cartAdd', quantity: 20 })),
  ],
  ['event with sku null', true, () => addEvent(alice(), event({ sku: null, kind: 'wishlist' }))],
  ['cartAdd event', true, () => addEvent(alice(), event({ kind: 'cartAdd' }))],
  ['profile: new display name', true, () => updateProfile(alice(), { displayName: 'Alice Smith' })],
  ['profile: region cleared', true, () => updateProfile(alice(), { region: null })],
  ['profile: only updatedAt touched', true, () => updateProfile(alice(), {})],
  [
    'profile: preferences',
    true,
    () =>
      updateProfile(alice(), { preferences: { styles: ['boho', 'rustic'], rooms: [], budgetMinor: null } }),
  ],
  [
    'profile: two addresses, one with line2',
    true,
    () =>
      updateProfile(alice(), {
        addresses: [
          {
            label: 'Home',
            line1: '1 High St',
            line2: 'Flat 2',
            city: 'Leeds',
            postcode: 'LS1 1AA',
            country: 'UK',
          },
          { label: 'Work', line1: '9 Mill Rd', city: 'York', postcode: 'YO1 2BB', country: 'UK' },
        ],
      }),
  ],
  [
    'batch of two valid events',
    true,
    async () => (await h.eventBatch(alice(), 'alice', [event(), event({ kind: 'wishlist' })])).batch.commit(),
  ],
  ['listen to own reservation', true, () => listenOnce(alice().doc('reservations/r-alice'))],
  [
    'listen to own orders query',
    true,
    () => listenOnce(alice().collection('orders').where('customerId', '==', 'alice')),
  ],
  ['listen to availability anonymously', true, () => listenOnce(h.db('anonymous').doc('inventory/s1'))],
]);

rows('forged uid in the path or the body', () => [
  ["event in another customer's history", false, () => addEvent(alice(), event(), 'bob')],
  [
    "update of another customer's profile",
    false,
    () => updateProfile(alice(), { displayName: 'Bob' }, 'bob'),
  ],
  ["read of another customer's profile", false, () => alice().doc('customers/bob').get()],
  ["read of another customer's recommendations", false, () => alice().doc('recommendations/bob').get()],
  ["read of another customer's reservation", false, () => alice().doc('reservations/r-bob').get()],
  ["read of another customer's events", false, () => alice().collection('customers/bob/events').get()],
  ['profile uid changed to another customer', false, () => updateProfile(alice(), { uid: 'bob' })],
  ['profile email changed', false, () => updateProfile(alice(), { email: 'bob@example.com' })],
  ['event claiming a customer in the body', false, () => addEvent(alice(), event({ customerId: 'alice' }))],
  [
    'profile created for oneself (ensureProfile only)',
    false,
    () => h.dbWith('carol', {}).doc('customers/carol').set({ uid: 'carol' }),
  ],
  [
    'uid that only looks like the owner (prefix)',
    false,
    () => h.dbWith('alic', {}).doc('customers/alice').get(),
  ],
]);

rows('self-granted roles and claims', () => [
  ['profile gains staff: true', false, () => updateProfile(alice(), { staff: true })],
  ['profile gains roles', false, () => updateProfile(alice(), { roles: ['admin'] })],
  ['profile gains claims map', false, () => updateProfile(alice(), { claims: { admin: true } })],
  [
    'profile grants its own marketing consent',
    false,
    () => updateProfile(alice(), { 'consent.marketing': true }),
  ],
  ['profile rewrites consent history', false, () => updateProfile(alice(), { consentHistory: [] })],
  [
    'staff claim as a string is not staff',
    false,
    () => h.dbWith('mallory', { staff: 'true' }).doc('ledger/l-1').get(),
  ],
  ['staff claim as 1 is not staff', false, () => h.dbWith('mallory', { staff: 1 }).doc('ledger/l-1').get()],
  [
    'admin claim false is not admin',
    false,
    () => h.dbWith('mallory', { admin: false }).doc('models/current').get(),
  ],
  [
    'a staff member still cannot write the ledger',
    false,
    () => h.db('staff').collection('ledger').add({ kind: 'adjust', qty: 100 }),
  ],
  [
    'an admin still cannot edit stock',
    false,
    () => h.db('admin').doc('inventory/s1').update({ available: 1000 }),
  ],
  [
    'a staff member cannot inflate a reorder suggestion',
    false,
    () => h.db('staff').doc('forecasts/s1').update({ 'replenishment.suggestedQty': 5000 }),
  ],
  [
    'an admin cannot plant a forecast',
    false,
    () => h.db('admin').doc('forecasts/new-sku').set({ sku: 'new-sku', weeks: [] }),
  ],
  ['an admin cannot delete a forecast', false, () => h.db('admin').doc('forecasts/s1').delete()],
  ['a customer cannot read forecasts', false, () => alice().doc('forecasts/s1').get()],
  ['a customer cannot list forecasts', false, () => alice().collection('forecasts').limit(5).get()],
  [
    'a staff member cannot mark a purchase order received',
    false,
    () => h.db('staff').doc('purchaseOrders/po1').update({ status: 'received', 'lines.0.received': 5 }),
  ],
  [
    'an admin cannot plant a purchase order (it would need its incoming in the ledger)',
    false,
    () => h.db('admin').doc('purchaseOrders/po-fake').set({ supplier: 'x', status: 'open', lines: [] }),
  ],
  ['an admin cannot delete a purchase order', false, () => h.db('admin').doc('purchaseOrders/po1').delete()],
  ['a customer cannot read purchase orders', false, () => alice().doc('purchaseOrders/po1').get()],
  [
    'a customer cannot list purchase orders',
    false,
    () => alice().collection('purchaseOrders').limit(5).get(),
  ],
  ['staff can read a purchase order', true, () => h.db('staff').doc('purchaseOrders/po1').get()],
  // A suggestion's claim is what refuses a second order of one run's demand: clearing it would let
  // a console order the run twice, planting one would block the run's real order.
  [
    "a staff member cannot clear a run's suggestion claim to order it again",
    false,
    () => h.db('staff').doc('suggestionClaims/s1_1764306000000').delete(),
  ],
  [
    "an admin cannot release the SKU-wide suggestion's claim",
    false,
    () => h.db('admin').doc('suggestionClaims/s1_1764306000000').update({ skuWide: null }),
  ],
  [
    'an admin cannot plant a claim that blocks the next run',
    false,
    () =>
      h
        .db('admin')
        .doc('suggestionClaims/s1_1764392400000')
        .set({ sku: 's1', skuWide: { purchaseOrderId: 'po-fake' }, locations: {} }),
  ],
  [
    'staff cannot read a suggestion claim (the orders themselves say what is ordered)',
    false,
    () => h.db('staff').doc('suggestionClaims/s1_1764306000000').get(),
  ],
  [
    'a customer cannot list suggestion claims',
    false,
    () => alice().collection('suggestionClaims').limit(5).get(),
  ],
  [
    'a staff member cannot shorten a lead time by writing the supplier (setSupplier does)',
    false,
    () => h.db('staff').doc('suppliers/sup1').update({ leadTimeDays: 1 }),
  ],
  [
    'an admin cannot plant a supplier',
    false,
    () => h.db('admin').doc('suppliers/sup-fake').set({ name: 'x', leadTimeDays: 1 }),
  ],
  ['an admin cannot delete a supplier', false, () => h.db('admin').doc('suppliers/sup1').delete()],
  ['a customer cannot read suppliers', false, () => alice().doc('suppliers/sup1').get()],
  ['a customer cannot list suppliers', false, () => alice().collection('suppliers').limit(5).get()],
  ['staff can read a supplier', true, () => h.db('staff').doc('suppliers/sup1').get()],
  [
    'a staff member cannot move a SKU to another supplier by writing its variant (setSkuSupplier does)',
    false,
    () =>
      h
        .db('staff')
        .doc('products/p1/variants/sku1')
        .set({ supplierId: 'sup-fake', supplierSetBy: 'staff' }, { merge: true }),
  ],
  [
    "an admin cannot mark a variant's supplier as staff-set",
    false,
    () => h.db('admin').doc('products/p1/variants/sku1').update({ supplierSetBy: 'admin' }),
  ],
  // The backorder queue: a customer must not jump it, read others' places in it, or plant one.
  [
    'a customer cannot read their own backorder queue entry (their reservation shows it)',
    false,
    () => alice().doc('backorders/res-alice__s1').get(),
  ],
  [
    'a customer cannot move their entry to the head of the queue',
    false,
    () => alice().doc('backorders/res-alice__s1').update({ seq: 0 }),
  ],
  [
    'a customer cannot mark their entry filled',
    false,
    () => alice().doc('backorders/res-alice__s1').update({ status: 'filled', owed: 0 }),
  ],
  [
    'a customer cannot list the queue',
    false,
    () => alice().collection('backorders').where('sku', '==', 's1').get(),
  ],
  [
    'staff cannot release a waiting entry by hand (its units would stay owed)',
    false,
    () => h.db('staff').doc('backorders/res-alice__s1').update({ status: 'released' }),
  ],
  [
    'an admin cannot plant a queue entry',
    false,
    () => h.db('admin').doc('backorders/res-x__s1').set({ sku: 's1', owed: 5, status: 'waiting', seq: 0 }),
  ],
  [
    'staff can read the queue',
    true,
    () => h.db('staff').collection('backorders').where('sku', '==', 's1').get(),
  ],
]);

const long = (n: number) => 'x'.repeat(n);
const address = { label: 'Home', line1: '1 High St', city: 'Leeds', postcode: 'LS1 1AA', country: 'UK' };

rows('oversized documents and fields', () => [
  ['display name of 80 characters', true, () => updateProfile(alice(), { displayName: long(80) })],
  ['display name of 81 characters', false, () => updateProfile(alice(), { displayName: long(81) })],
  ['10 addresses', true, () => updateProfile(alice(), { addresses: Array(10).fill(address) })],
  ['11 addresses', false, () => updateProfile(alice(), { addresses: Array(11).fill(address) })],
  [
    'address line of 121 characters',
    false,
    () => updateProfile(alice(), { addresses: [{ ...address, line1: long(121) }] }),
  ],
  [
    '11 style tags',
    false,
    () =>
      updateProfile(alice(), { preferences: { styles: Array(11).fill('a'), rooms: [], budgetMinor: null } }),
  ],
  [
    'style tag of 31 characters',
    false,
    () => updateProfile(alice(), { preferences: { styles: [long(31)], rooms: [], budgetMinor: null } }),
  ],
  ['event productId of 101 characters', false, () => addEvent(alice(), event({ productId: long(101) }))],
  ['event quantity above 20 (MAX_APP_EVENT_UNITS)', false, () => addEvent(alice(), event({ quantity: 21 }))],
  ['event quantity of a pallet', false, () => addEvent(alice(), event({ quantity: 10000 }))],
  ['event with a 100 kB payload field', false, () => addEvent(alice(), event({ blob: long(100_000) }))],
]);

rows('extra fields', () => [
  ['event with a price', false, () => addEvent(alice(), event({ priceMinor: 1 }))],
  [
    'address with a phone number',
    false,
    () => updateProfile(alice(), { addresses: [{ ...address, phone: '0113' }] }),
  ],
  [
    'preferences with an extra key',
    false,
    () => updateProfile(alice(), { preferences: { styles: [], rooms: [], budgetMinor: null, vip: true } }),
  ],
  [
    'budget with an extra key',
    false,
    () =>
      updateProfile(alice(), {
        preferences: { styles: [], rooms: [], budgetMinor: { min: 0, max: 1, currency: 'GBP' } },
      }),
  ],
  ['profile with a new top-level field', false, () => updateProfile(alice(), { nickname: 'Al' })],
]);

rows('type confusion', () => [
  ['event quantity as a string', false, () => addEvent(alice(), event({ quantity: '1' }))],
  ['event quantity as a fraction', false, () => addEvent(alice(), event({ quantity: 1.5 }))],
  ['event quantity zero', false, () => addEvent(alice(), event({ quantity: 0 }))],
  ['event kind return (store-recorded only)', false, () => addEvent(alice(), event({ kind: 'return' }))],
  // Purchases come from checkout: a client's would make any product a bestseller (issue 13).
  ['event kind purchase (store-recorded only)', false, () => addEvent(alice(), event({ kind: 'purchase' }))],
  ['event kind cancel (store-recorded only)', false, () => addEvent(alice(), event({ kind: 'cancel' }))],
  [
    "event under the store's order- id",
    false,
    () =>
      alice()
        .doc('customers/alice/events/order-o1-0')
        .set(event({ kind: 'view' })),
  ],
  [
    'event under an id of its own choosing',
    false,
    () => alice().doc('customers/alice/events/my-event-1').set(event()),
  ],
  [
    'event under an auto id (no quota slot)',
    false,
    () => alice().doc('customers/alice/events/AAAAAAAAAAbbbbbbbbbb').set(event()),
  ],
  ['event kind with different case', false, () => addEvent(alice(), event({ kind: 'VIEW' }))],
  ['event productId as a number', false, () => addEvent(alice(), event({ productId: 42 }))],
  ['event productId with a slash', false, () => addEvent(alice(), event({ productId: 'p1/../p2' }))],
  ['event sku as a list', false, () => addEvent(alice(), event({ sku: ['s1'] }))],
  [
    'event without a kind',
    false,
    () => addEvent(alice(), { productId: 'p1', quantity: 1, at: serverTime() }),
  ],
  ['display name as a number', false, () => updateProfile(alice(), { displayName: 42 })],
  ['addresses as a map', false, () => updateProfile(alice(), { addresses: { 0: address } })],
  [
    'address without a city',
    false,
    () => updateProfile(alice(), { addresses: [{ label: 'H', line1: 'l', postcode: 'p', country: 'c' }] }),
  ],
  [
    'budget with min above max',
    false,
    () =>
      updateProfile(alice(), { preferences: { styles: [], rooms: [], budgetMinor: { min: 10, max: 1 } } }),
  ],
  [
    'budget as a string',
    false,
    () => updateProfile(alice(), { preferences: { styles: [], rooms: [], budgetMinor: '500' } }),
  ],
  [
    'budget with a fractional amount',
    false,
    () =>
      updateProfile(alice(), { preferences: { styles: [], rooms: [], budgetMinor: { min: 0.5, max: 10 } } }),
  ],
  ['region as a map', false, () => updateProfile(alice(), { region: { name: 'uk' } })],
  [
    'address line2 as a number',
    false,
    () => updateProfile(alice(), { addresses: [{ ...address, line2: 2 }] }),
  ],
  ['empty address label', false, () => updateProfile(alice(), { addresses: [{ ...address, label: '' }] })],
]);

rows('server-owned fields and timestamps', () => [
  ['event time chosen by the client', false, () => addEvent(alice(), event({ at: Timestamp.now() }))],
  [
    'event time in the future',
    false,
    () => addEvent(alice(), event({ at: Timestamp.fromMillis(Date.now() + 86_400_000) })),
  ],
  [
    'profile updatedAt chosen by the client',
    false,
    () => alice().doc('customers/alice').update({ displayName: 'A', updatedAt: Timestamp.now() }),
  ],
  [
    'profile update without updatedAt',
    false,
    () => alice().doc('customers/alice').update({ displayName: 'A' }),
  ],
  ['profile createdAt moved', false, () => updateProfile(alice(), { createdAt: serverTime() })],
  [
    'profile consent replaced',
    false,
    () => updateProfile(alice(), { consent: { personalisation: true, marketing: true } }),
  ],
  ['profile deleted by its owner (deleteMyData only)', false, () => alice().doc('customers/alice').delete()],
  ['own event edited', false, () => alice().doc('customers/alice/events/e1').update({ kind: 'purchase' })],
  ['own event deleted', false, () => alice().doc('customers/alice/events/e1').delete()],
  ['own event overwritten with set', false, () => alice().doc('customers/alice/events/e1').set(event())],
  [
    'own reservation extended',
    false,
    () =>
      alice()
        .doc('reservations/r-alice')
        .update({ expiresAt: Timestamp.fromMillis(Date.now() + 1e9) }),
  ],
  ['own order marked refunded', false, () => alice().doc('orders/o-alice').update({ status: 'refunded' })],
  // Cancellation and fulfilment are the functions' (cancelOrder, advanceFulfilment): no client writes them.
  [
    'own order line cancelled, with a refund, by the app',
    false,
    () =>
      alice()
        .doc('orders/o-alice')
        .update({ status: 'cancelled', refundedMinor: 1_000_000, refunds: [{ amountMinor: 1_000_000 }] }),
  ],
  [
    'staff mark an order collected by writing it',
    false,
    () => h.db('staff').doc('orders/o-alice').update({ status: 'completed', history: [] }),
  ],
  ['own recommendations rewritten', false, () => alice().doc('recommendations/alice').set({ items: [] })],
  [
    'availability counter changed',
    false,
    () =>
      alice()
        .doc('inventory/s1')
        .update({ available: firebase.firestore.FieldValue.increment(100) }),
  ],
  ['shard counter changed', false, () => alice().doc('inventory/s1/shards/0').update({ reserved: 0 })],
]);

rows('list queries that try to widen access', () => [
  ['orders without a customer filter', false, () => alice().collection('orders').get()],
  [
    'orders of alice or bob (in)',
    false,
    () => alice().collection('orders').where('customerId', 'in', ['alice', 'bob']).get(),
  ],
  [
    'orders of anyone but bob (!=)',
    false,
    () => alice().collection('orders').where('customerId', '!=', 'bob').get(),
  ],
  ['orders by status only', false, () => alice().collection('orders').where('status', '==', 'paid').get()],
  [
    'orders by a range on the customer',
    false,
    () => alice().collection('orders').where('customerId', '>=', 'alice').get(),
  ],
  [
    'orders from a cursor on the customer',
    false,
    () => alice().collection('orders').orderBy('customerId').startAt('alice').get(),
  ],
  [
    'own orders with an extra filter',
    true,
    () => alice().collection('orders').where('customerId', '==', 'alice').where('status', '==', 'paid').get(),
  ],
  [
    'own reservations in (alice)',
    true,
    () => alice().collection('reservations').where('customerId', 'in', ['alice']).get(),
  ],
  ['events of every customer (collection group)', false, () => alice().collectionGroup('events').get()],
  [
    'own events through a collection group filter',
    false,
    () => alice().collectionGroup('events').where('customerId', '==', 'alice').get(),
  ],
  [
    // Production refuses a collection group without a rule on a recursive-wildcard path, even
    // when the filter pins the caller's own document (its own collection allows that read).
    'own event through a collection group pinned by document name',
    false,
    () =>
      alice()
        .collectionGroup('events')
        .where(firebase.firestore.FieldPath.documentId(), '==', 'customers/alice/events/e1')
        .get(),
  ],
  [
    'the same event through its own collection',
    true,
    () =>
      alice()
        .collection('customers/alice/events')
        .where(firebase.firestore.FieldPath.documentId(), '==', 'e1')
        .get(),
  ],
  ['every customer profile', false, () => alice().collection('customers').get()],
  ['every recommendation list', false, () => alice().collection('recommendations').get()],
  [
    'ledger entries of own reservation',
    false,
    () => alice().collection('ledger').where('correlationId', '==', 'r-alice').get(),
  ],
  ['listen to all reservations', false, () => listenOnce(alice().collection('reservations'))],
  [
    'anonymous own-looking query',
    false,
    () => h.db('anonymous').collection('orders').where('customerId', '==', 'alice').get(),
  ],
]);

// The console looks customers up by email for their consent history: staff only, and read-only.
rows('staff look customers up; nobody else lists profiles, and staff change none', () => [
  [
    'staff find a customer by email',
    true,
    () => h.db('staff').collection('customers').where('email', '==', 'alice@example.com').get(),
  ],
  [
    'a customer finds another by email',
    false,
    () => alice().collection('customers').where('email', '==', 'bob@example.com').get(),
  ],
  [
    'a forged staff claim (string) lists profiles',
    false,
    () => h.dbWith('mallory', { staff: 'yes' }).collection('customers').get(),
  ],
  ['anonymous lists profiles', false, () => h.db('anonymous').collection('customers').limit(1).get()],
  [
    "staff grant a customer's consent",
    false,
    () => h.db('staff').doc('customers/alice').update({ 'consent.marketing': true }),
  ],
  [
    "staff change a customer's name",
    false,
    () => h.db('staff').doc('customers/alice').update({ displayName: 'Mallory', updatedAt: serverTime() }),
  ],
  ['staff delete a profile', false, () => h.db('staff').doc('customers/alice').delete()],
  ["staff read a customer's events", false, () => h.db('staff').collection('customers/alice/events').get()],
]);

// The console lists every customer's holds and orders: staff may, anyone who only claims to be may not.
rows("staff read every customer's holds and orders; nobody else does", () => [
  [
    "staff list every customer's held reservations",
    true,
    () => h.db('staff').collection('reservations').where('status', '==', 'held').get(),
  ],
  ['staff listen to every order', true, () => listenOnce(h.db('staff').collection('orders'))],
  ['an admin reads one of them', true, () => h.db('admin').doc('reservations/r-alice').get()],
  [
    'a customer lists held reservations of everyone',
    false,
    () => alice().collection('reservations').where('status', '==', 'held').get(),
  ],
  [
    'staff claim as a string lists reservations',
    false,
    () => h.dbWith('mallory', { staff: 'true' }).collection('reservations').get(),
  ],
  [
    'a claim named like staff (staffer) reads an order',
    false,
    () => h.dbWith('mallory', { staffer: true }).doc('orders/o-alice').get(),
  ],
  [
    'staff still cannot extend a hold',
    false,
    () =>
      h
        .db('staff')
        .doc('reservations/r-alice')
        .update({ expiresAt: Timestamp.fromMillis(Date.now() + 1e9) }),
  ],
  [
    'staff still cannot create an order',
    false,
    () => h.db('staff').collection('orders').add({ customerId: 'sam' }),
  ],
]);

describe('batched writes that mix permitted and forbidden writes', () => {
  const cases: [string, (db: Db, batch: firebase.firestore.WriteBatch) => void][] = [
    ['valid event + stock change', (db, b) => b.update(db.doc('inventory/s1'), { available: 999 })],
    [
      "valid event + other customer's event",
      (db, b) => b.set(db.collection('customers/bob/events').doc(), event()),
    ],
    [
      "valid event + other customer's profile",
      (db, b) => b.update(db.doc('customers/bob'), { displayName: 'x', updatedAt: serverTime() }),
    ],
    ['valid event + deleting an old event', (db, b) => b.delete(db.doc('customers/alice/events/e1'))],
    [
      'valid event + invalid event',
      (db, b) => b.set(db.collection('customers/alice/events').doc(), event({ kind: 'return' })),
    ],
    ['valid event + ledger entry', (db, b) => b.set(db.collection('ledger').doc(), { kind: 'sale' })],
  ];
  for (const [name, forbidden] of cases) {
    it(`${name}: denied, and nothing is written`, async () => {
      const db = alice();
      const {
        batch,
        refs: [permitted],
      } = await h.eventBatch(db, 'alice', [event()]);
      forbidden(db, batch);
      await expectAccess(false, () => batch.commit());
      assert.equal(await h.adminGet(permitted!.path), undefined);
    });
  }

  it('valid profile update + valid event in a transaction: allowed', () =>
    expectAccess(true, () =>
      alice().runTransaction(async (tx) => {
        const db = alice();
        await tx.get(db.doc('customers/alice'));
        const quota = (await tx.get(db.doc('customers/alice/quota/events'))).data();
        const slot = `${quota?.window ?? 1}-${(quota?.used ?? 0) + 1}`;
        tx.update(db.doc('customers/alice'), { displayName: 'Alice T', updatedAt: serverTime() });
        if (quota) tx.update(db.doc('customers/alice/quota/events'), { used: quota.used + 1 });
        else tx.set(db.doc('customers/alice/quota/events'), { window: 1, used: 1, startedAt: serverTime() });
        tx.set(db.doc(`customers/alice/events/${slot}`), event());
      }),
    ));
});

type Snapshot = { metadata: { fromCache: boolean } };
type Listenable = {
  onSnapshot(
    options: { includeMetadataChanges: boolean },
    next: (s: Snapshot) => void,
    error: (e: Error) => void,
  ): () => void;
};

/**
 * Resolves with the first snapshot the server confirms (the SDK may first raise one from its cache
 * of earlier reads), rejects with the listener's error.
 */
function listenOnce(target: Listenable): Promise<unknown> {
  return within(
    new Promise((resolve, reject) => {
      const stop = target.onSnapshot(
        { includeMetadataChanges: true },
        (snapshot) => {
          if (snapshot.metadata.fromCache) return;
          stop();
          resolve(snapshot);
        },
        (error) => reject(error),
      );
    }),
    'a server snapshot or the refusal of the listener',
  );
}

// The event quota (issue 13): at most 500 app events per window, a window an hour at least.
describe('the event quota: rate per customer', () => {
  const carol = () => h.dbWith('carol', {});
  const quota = 'customers/carol/quota/events';
  /** A batch as the rules expect: the quota change, then events under the given slots. */
  const batchOf = (db: Db, change: Record<string, unknown> | 'create' | null, slots: string[]) => {
    const b = db.batch();
    if (change === 'create') b.set(db.doc(quota), { window: 1, used: slots.length, startedAt: serverTime() });
    else if (change) b.update(db.doc(quota), change);
    for (const s of slots) b.set(db.doc(`customers/carol/events/${s}`), event());
    return b.commit();
  };
  const setQuota = (data: Record<string, unknown>) =>
    h.env.withSecurityRulesDisabled((ctx) => ctx.firestore().doc(quota).set(data));
  const step = (name: string, allowed: boolean, request: () => Promise<unknown>) =>
    it(`${name}: ${allowed ? 'allowed' : 'denied'}`, () => expectAccess(allowed, request));

  step('an event with no quota document', false, () => batchOf(carol(), null, ['1-1']));
  step('the first window, opened for 2 events', true, () => batchOf(carol(), 'create', ['1-1', '1-2']));
  step('a slot the raise did not open', false, () => batchOf(carol(), { used: 3 }, ['1-4']));
  step('a slot already taken', false, () => batchOf(carol(), { used: 3 }, ['1-2']));
  step('two events for a raise of one', false, () => batchOf(carol(), { used: 3 }, ['1-3', '1-4']));
  step('events without raising the quota', false, () => batchOf(carol(), null, ['1-3']));
  step('a raise of one for one event', true, () => batchOf(carol(), { used: 3 }, ['1-3']));
  step('used lowered', false, () => batchOf(carol(), { used: 1 }, []));
  step('startedAt moved', false, () =>
    batchOf(carol(), { used: 4, startedAt: Timestamp.fromMillis(0) }, ['1-4']),
  );
  step('a new window before the hour is up', false, () =>
    batchOf(carol(), { window: 2, used: 1, startedAt: serverTime() }, ['2-1']),
  );
  step('the 500th event of a window', true, async () => {
    await setQuota({ window: 1, used: 499, startedAt: Timestamp.now() });
    return batchOf(carol(), { used: 500 }, ['1-500']);
  });
  step('the 501st', false, () => batchOf(carol(), { used: 501 }, ['1-501']));
  step('a new window at a time of its choosing', false, async () => {
    await setQuota({ window: 1, used: 500, startedAt: Timestamp.fromMillis(Date.now() - 2 * 3_600_000) });
    return batchOf(carol(), { window: 2, used: 1, startedAt: Timestamp.now() }, ['2-1']);
  });
  step('a window skipped', false, () =>
    batchOf(carol(), { window: 3, used: 1, startedAt: serverTime() }, ['3-1']),
  );
  step('a new window once the last began an hour ago', true, () =>
    batchOf(carol(), { window: 2, used: 1, startedAt: serverTime() }, ['2-1']),
  );
  step('a slot of the old window', false, () => batchOf(carol(), { used: 2 }, ['1-2000']));
  step("raising another customer's quota", false, () => h.db('alice').doc(quota).update({ used: 2 }));
  step('deleting the quota', false, () => carol().doc(quota).delete());
  // The quota's own shape, for a customer without one yet and for carol's.
  const dave = () => h.dbWith('dave', {});
  const first = (data: Record<string, unknown>) => () =>
    dave()
      .doc('customers/dave/quota/events')
      .set({ window: 1, used: 1, startedAt: serverTime(), ...data });
  step('a first window numbered 2', false, first({ window: 2 }));
  step('a first window with an extra key', false, first({ bonus: 1000 }));
  step('a first window of 0 used', false, first({ used: 0 }));
  step('a first window of 501', false, first({ used: 501 }));
  step('used as a string', false, first({ used: '1' }));
  step('window as a float', false, first({ window: 1.5 }));
  step('a first window started at a time of its choosing', false, first({ startedAt: Timestamp.now() }));
  step('a first window without startedAt', false, () =>
    dave().doc('customers/dave/quota/events').set({ window: 1, used: 1 }),
  );
  step('an extra key added to a quota', false, () => batchOf(carol(), { used: 2, bonus: 1 }, ['2-2']));
  step('reading own quota', true, () => carol().doc(quota).get());
  step("reading another customer's quota", false, () => h.db('bob').doc(quota).get());
});
