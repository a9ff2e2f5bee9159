/**
 * The seed against the emulator: the stock it writes keeps the design's invariants (the ledger
 * replays to every counter, shards sum up) with a year of past sales in it, those sales give the
 * forecasting job forecasts and suggestions per SKU and warehouse, and seeding again changes
 * nothing that lives.
 * Sign-in accounts go to a small in-memory stand-in for the Auth emulator.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CreateRequest, UpdateRequest, UserRecord } from 'firebase-admin/auth';
import { ForecastDoc } from '@hearth/contracts';
import { refreshForecasts } from '../../functions/src/forecasting/refresh-forecasts';
import { systemClock } from '../../functions/src/platform/deps';
import { assertInvariants } from '../../functions/test/inventory/support/invariants';
import { useEmulator, type TestFirestore } from '../../test/support/emulator';
import { seed, type SeedResult } from '../src/seed/seed';
import { HISTORY_CORRELATION, HISTORY_SKUS } from '../src/seed/sales-history';
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

  it('writes a year of sales that the forecasting job turns into forecasts and suggestions', async () => {
    const db = fs.adminDb;
    const sales = (
      await db
        .collection('ledger')
        .where('correlationId', '==', HISTORY_CORRELATION)
        .where('kind', '==', 'sale')
        .get()
    ).docs.map((d) => d.data());
    const skus = new Set(sales.map((e) => e.sku as string));
    assert.equal(skus.size, HISTORY_SKUS);
    for (const hot of first.hotSkus) assert.ok(skus.has(hot), `hot SKU ${hot} has a history`);
    const ages = sales.map((e) => (Date.now() - e.at.toMillis()) / (7 * 86_400_000));
    assert.ok(Math.min(...ages) > 0 && Math.max(...ages) > 50, 'a year of past weeks, none ahead');
    assert.deepEqual(
      [...new Set(sales.map((e) => e.locationId as string))].sort(),
      ['wh-london', 'wh-manchester'],
      'sold from the warehouse of each region',
    );

    const run = await refreshForecasts({ db, clock: systemClock });
    assert.equal(run.skus, HISTORY_SKUS);
    assert.ok(run.toReorder > 0, 'some SKUs are due an order');
    const f = ForecastDoc.parse((await db.doc(`forecasts/${first.hotSkus[0]}`).get()).data());
    assert.ok(f.history.filter((u) => u > 0).length >= 40, `sold in most weeks: ${f.history.join(' ')}`);
    assert.deepEqual(Object.keys(f.locations).sort(), ['wh-london', 'wh-manchester']);
    const london = f.locations['wh-london']!.replenishment;
    // The hot SKU's London stock is its 400 seeded units, in shards; Manchester has none.
    assert.equal(london.inventoryPosition, HOT_UNITS);
    assert.equal(f.locations['wh-manchester']!.replenishment.inventoryPosition, 0);
    assert.equal(f.locations['wh-manchester']!.replenishment.reorder, true);
    // Lead times per supplier: each SKU's comes from the supplier its variant names.
    const suppliers = new Map((await db.collection('suppliers').get()).docs.map((d) => [d.id, d.data()]));
    assert.equal(suppliers.size, 3);
    const forecasts = (await db.collection('forecasts').get()).docs.map((d) => ForecastDoc.parse(d.data()));
    assert.ok(
      forecasts.every((x) => x.supplier !== null),
      'every seeded SKU has a supplier',
    );
    assert.ok(new Set(forecasts.map((x) => x.supplier!.id)).size > 1, 'more than one supplier among them');
    for (const x of forecasts)
      assert.equal(
        x.replenishment.leadTimeWeeks,
        Math.ceil(suppliers.get(x.supplier!.id)!.leadTimeDays / 7),
        `${x.sku}: lead time of ${x.supplier!.id}`,
      );
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
    // Staff set a lead time; one history entry changed, another lost (a seed cut short): the
    // reseed keeps the first two and writes the lost one again.
    const supplier = db.doc('suppliers/nordhus');
    await supplier.update({ leadTimeDays: 3 });
    // Staff moved one SKU to another supplier (as setSkuSupplier writes it); another's supplier was
    // changed as catalog data, which the seed owns and rewrites.
    const [moved, rewritten] = (await db.collectionGroup('variants').limit(2).get()).docs;
    const catalogSupplier = rewritten!.data().supplierId as string;
    const otherSupplier = moved!.data().supplierId === 'oak-and-co' ? 'nordhus' : 'oak-and-co';
    await moved!.ref.update({ supplierId: otherSupplier, supplierSetBy: 'kim' });
    await rewritten!.ref.update({ supplierId: catalogSupplier === 'nordhus' ? 'oak-and-co' : 'nordhus' });
    const history = db.collection('ledger').where('correlationId', '==', HISTORY_CORRELATION);
    const historyCount = async () => (await history.count().get()).data().count;
    const historyBefore = await historyCount();
    const [changed, lost] = (await history.limit(2).get()).docs;
    await changed!.ref.update({ reason: 'kept-by-the-reseed' });
    // Its date is the reseed's own (the history is moved to end at each seed's today); the rest is the same.
    const { at: _lostAt, ...lostData } = lost!.data();
    await lost!.ref.delete();

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
    assert.equal((await supplier.get()).data()!.leadTimeDays, 3, 'lead time reset');
    const movedNow = (await moved!.ref.get()).data()!;
    assert.equal(movedNow.supplierId, otherSupplier, 'the staff-set supplier was reset');
    assert.equal(movedNow.supplierSetBy, 'kim');
    assert.equal(
      (await rewritten!.ref.get()).data()!.supplierId,
      catalogSupplier,
      "the catalog's supplier was not rewritten",
    );
    assert.equal((await changed!.ref.get()).data()!.reason, 'kept-by-the-reseed', 'history entry reset');
    const { at: _backAt, ...back } = (await lost!.ref.get()).data() ?? {};
    assert.deepEqual(back, lostData, 'the lost history entry is back as it was');
    assert.equal(await historyCount(), historyBefore);
    assert.equal(accounts.users.size, first.users.length);
  });
});
