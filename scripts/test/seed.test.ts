/**
 * The seed against the emulator: the stock it writes keeps the design's invariants (the ledger
 * replays to every counter, shards sum up), and seeding again changes nothing that lives.
 * Sign-in accounts go to a small in-memory stand-in for the Auth emulator.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CreateRequest, UpdateRequest, UserRecord } from 'firebase-admin/auth';
import { assertInvariants } from '../../functions/test/inventory/support/invariants';
import { useEmulator, type TestFirestore } from '../../test/support/emulator';
import { seed, type SeedResult } from '../src/seed/seed';
import { HOT_LOCATION, HOT_SHARDS, HOT_UNITS } from '../src/seed/stock';

class Accounts {
  readonly users = new Map<string, { email?: string; claims?: object }>();
  async updateUser(uid: string, fields: UpdateRequest): Promise<UserRecord> {
    const u = this.users.get(uid);
    if (!u) throw Object.assign(new Error('no user'), { code: 'auth/user-not-found' });
    Object.assign(u, { email: fields.email });
    return { uid } as UserRecord;
  }
  async createUser(fields: CreateRequest): Promise<UserRecord> {
    this.users.set(fields.uid!, { email: fields.email });
    return { uid: fields.uid } as UserRecord;
  }
  async setCustomUserClaims(uid: string, claims: object | null): Promise<void> {
    this.users.get(uid)!.claims = claims ?? {};
  }
}

let fs: TestFirestore;
const accounts = new Accounts();
const quiet = () => undefined;
let first: SeedResult;

before(async () => {
  fs = await useEmulator();
  first = await seed({ db: fs.adminDb, auth: accounts, population: 30, log: quiet });
});
after(() => fs.stop());

describe('seed', () => {
  it('builds a catalog with variants, categories, rooms and prices', async () => {
    const db = fs.adminDb;
    const [products, variants, locations] = await Promise.all([
      db.collection('products').count().get(),
      db.collectionGroup('variants').count().get(),
      db.collection('locations').get(),
    ]);
    assert.ok(products.data().count > 3000);
    assert.ok(variants.data().count > products.data().count, 'some products have several variants');
    assert.deepEqual(locations.docs.map((d) => d.data().kind).sort(), [
      'dropship',
      'store',
      'store',
      'warehouse',
      'warehouse',
    ]);
    // 84661A/B/C are a white, a black and a pink square table clock: one product, three colours.
    const clock = (await db.doc('products/p84661').get()).data()!;
    assert.equal(clock.name, 'Square Table Clock');
    assert.equal(clock.category, 'clocks');
    assert.ok(clock.room);
    const colours = (await db.collection('products/p84661/variants').get()).docs.map(
      (d) => d.data().options.colour,
    );
    assert.deepEqual(colours.sort(), ['black', 'pink', 'white']);
  });

  it('writes stock that the ledger explains, with the hot SKUs sharded', async () => {
    await assertInvariants(fs.adminDb, { aggregates: true });
    assert.equal(first.hotSkus.length, 3);
    const hot = (await fs.adminDb.doc(`inventory/${first.hotSkus[0]}`).get()).data()!;
    assert.equal(hot.shards[HOT_LOCATION], HOT_SHARDS);
    assert.equal(hot.available, HOT_UNITS);
    const shards = await fs.adminDb.collection(`inventory/${first.hotSkus[0]}/shards`).get();
    assert.equal(shards.size, HOT_SHARDS);
  });

  it('gives demo customers a profile, a history and orders, and staff their claims', async () => {
    const ada = first.users.find((u) => u.uid === 'demo-ada')!;
    assert.ok(ada.retailCustomerId);
    const profile = (await fs.adminDb.doc('customers/demo-ada').get()).data()!;
    assert.equal(profile.consent.personalisation, true);
    assert.ok(profile.preferences.styles.length > 0);
    const events = await fs.adminDb.collection('customers/demo-ada/events').count().get();
    assert.ok(events.data().count >= 10);
    const orders = await fs.adminDb.collection('orders').where('customerId', '==', 'demo-ada').get();
    assert.ok(orders.size > 0);
    assert.deepEqual(accounts.users.get('staff-sam')?.claims, { staff: true });
    assert.deepEqual(accounts.users.get('admin-alex')?.claims, { admin: true });
  });

  it('is idempotent: seeding again keeps live stock and histories as they are', async () => {
    const db = fs.adminDb;
    // The store lives on between seeds: a unit of a hot SKU leaves one shard (as a sale would),
    // and a customer's profile, one of their seeded history events and one of their seeded orders
    // change. Seeding again must keep every one of those changes (it only creates what is absent),
    // while reference data (the catalog) is rewritten.
    const sku = first.hotSkus[0]!;
    const shard = db.doc(`inventory/${sku}/shards/${HOT_LOCATION}_0`);
    const before = (await shard.get()).data()!;
    await shard.update({ onHand: before.onHand - 1, available: before.available - 1 });
    const profile = db.doc('customers/demo-ada');
    await profile.update({ 'preferences.styles': ['kept-by-the-reseed'] });
    const event = (await db.collection('customers/demo-ada/events').limit(1).get()).docs[0]!;
    await event.ref.update({ productId: 'p-kept-by-the-reseed' });
    const order = (await db.collection('orders').where('customerId', '==', 'demo-ada').limit(1).get())
      .docs[0]!;
    await order.ref.update({ status: 'kept-by-the-reseed' });
    const historySize = async () =>
      (await db.collection('customers/demo-ada/events').count().get()).data().count;
    const eventsBefore = await historySize();
    const product = db.doc('products/p84661');
    await product.update({ name: 'renamed since the seed' });

    await seed({ db, auth: accounts, population: 30, log: quiet });

    assert.equal((await shard.get()).data()!.onHand, before.onHand - 1, 'seeding again reset stock');
    assert.deepEqual(
      (await profile.get()).data()!.preferences.styles,
      ['kept-by-the-reseed'],
      'profile reset',
    );
    assert.equal((await event.ref.get()).data()!.productId, 'p-kept-by-the-reseed', 'history event reset');
    assert.equal((await order.ref.get()).data()!.status, 'kept-by-the-reseed', 'order reset');
    assert.equal(await historySize(), eventsBefore, 'the history gained or lost events');
    assert.equal((await product.get()).data()!.name, 'Square Table Clock', 'the catalog was not rewritten');
    assert.equal(accounts.users.size, first.users.length);
  });
});
