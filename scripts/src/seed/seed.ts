/**
 * `npm run seed`: the demo store from data/online-retail/ into the running local stack (or wherever
 * FIRESTORE_EMULATOR_HOST and FIREBASE_AUTH_EMULATOR_HOST point). Safe to run again: reference data
 * is rewritten, live state (stock, customers, histories) is left as it is.
 *
 *   npm run seed [-- --customers 800]
 */
import { getApps, initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { customerRef, eventsOf } from '../../../functions/src/customers/profile';
import {
  inventoryRef,
  ledgerCol,
  locationsCol,
  orderRef,
  shardRef,
  variantRef,
} from '../../../functions/src/inventory/paths';
import { readRetailProducts, readRetailTransactions } from '../data/online-retail';
import { RetailDemand, tapped } from '../data/retail-demand';
import { host, ports, projectId, useLocalStack } from '../dev/stack';
import { buildCatalog } from './catalog';
import { planCustomers, type DemoUser } from './customers';
import { HISTORY_CORRELATION, historySkus, planSalesHistory } from './sales-history';
import { planSuppliers } from './suppliers';
import { locations, planStock } from './stock';
import { upsertUsers, type UserAdmin } from './users';
import { writeAll, type SeedWrite } from './write';

export interface SeedOptions {
  db?: Firestore;
  auth?: UserAdmin;
  /** How many ordinary customers get a purchase history (the demo users always do). */
  population?: number;
  now?: Date;
  log?: (line: string) => void;
}

export interface SeedResult {
  users: DemoUser[];
  hotSkus: string[];
  counts: Record<string, number>;
  seconds: number;
}

export const DEFAULT_POPULATION = 800;

function defaultApp() {
  return getApps()[0] ?? initializeApp({ projectId });
}

async function plan(now: Date, population: number) {
  const catalog = buildCatalog(readRetailProducts());
  const stock = planStock(catalog, now);
  // One pass over the transactions serves both the customers and the sales history.
  const followed = historySkus(catalog);
  const demand = new RetailDemand((sku) => followed.has(sku));
  const transactions = tapped(readRetailTransactions(), (t) => demand.add(t));
  const customers = await planCustomers(transactions, catalog, now, { population });
  const history = planSalesHistory(demand.demand(), demand.lastDate, stock.hotSkus, now);
  return { catalog, stock, customers, history };
}

const historyEntriesThere = async (db: Firestore) =>
  (await ledgerCol(db).where('correlationId', '==', HISTORY_CORRELATION).count().get()).data().count;

/**
 * The variants whose supplier staff set (setSkuSupplier), by SKU: a re-seed keeps them, as it keeps
 * lead times; one query finds them.
 */
async function staffSetSuppliers(db: Firestore): Promise<<T extends { sku: string }>(doc: T) => T> {
  const snap = await db.collectionGroup('variants').where('supplierSetBy', '>', '').get();
  const kept = new Map(
    snap.docs.flatMap((d) => {
      const { supplierId, supplierSetBy } = d.data() as { supplierId?: unknown; supplierSetBy: string };
      return typeof supplierId === 'string' ? [[d.id, { supplierId, supplierSetBy }] as const] : [];
    }),
  );
  return (doc) => ({ ...doc, ...kept.get(doc.sku) });
}

export async function seed(opts: SeedOptions = {}): Promise<SeedResult> {
  const started = Date.now();
  const log = opts.log ?? ((line: string) => console.log(line));
  const db = opts.db ?? getFirestore(defaultApp());
  const auth = opts.auth ?? getAuth(defaultApp());
  const now = opts.now ?? new Date();

  log('seeding: reading data/online-retail/');
  const { catalog, stock, customers, history } = await plan(now, opts.population ?? DEFAULT_POPULATION);
  log(`  planned in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const set = (ref: SeedWrite['ref'], data: object): SeedWrite => ({ ref, data: { ...data }, mode: 'set' });
  const create = (ref: SeedWrite['ref'], data: object): SeedWrite => ({
    ref,
    data: { ...data },
    mode: 'create',
  });
  const counts: Record<string, number> = {};
  const step = async (label: string, writes: SeedWrite[]) => {
    const t = Date.now();
    const { written, kept } = await writeAll(db, writes, label);
    counts[label] = writes.length;
    const keptNote = kept > 0 ? `, ${kept} already there (kept as they are)` : '';
    log(`  ${label}: ${written} written${keptNote} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };

  const staffSet = await staffSetSuppliers(db);
  await step('catalog', [
    ...locations.map((l) => set(locationsCol(db).doc(l.id), l)),
    ...catalog.products.map((p) => set(db.collection('products').doc(p.id), p.doc)),
    ...catalog.variants.map((v) => set(variantRef(db, v.doc.productId, v.doc.sku), staffSet(v.doc))),
  ]);
  await step('stock', [
    ...stock.inventory.map((i) => create(inventoryRef(db, i.sku), i.doc)),
    ...stock.shards.map((s) => create(shardRef(db, s.sku, s.doc.locationId, s.doc.index), s.doc)),
    ...stock.ledger.map((e) => create(ledgerCol(db).doc(e.id), e.doc)),
    ...stock.purchaseOrders.map((po) => create(db.collection('purchaseOrders').doc(po.id), po.doc)),
    // Staff set lead times live (setSupplier): kept as they are, like stock.
    ...planSuppliers(now).map((s) => create(db.collection('suppliers').doc(s.id), s.doc)),
  ]);
  // Every entry there (the usual re-seed) is one count instead of thousands of refused creates.
  if ((await historyEntriesThere(db)) === history.entries.length)
    log(`  sales history: ${history.entries.length} ledger entries already there (kept as they are)`);
  else
    await step(
      'sales history',
      history.entries.map((e) => create(ledgerCol(db).doc(e.id), e.doc)),
    );
  await step('customers', [
    ...customers.profiles.map((p) => create(customerRef(db, p.uid), p.doc)),
    ...customers.events.map((e) => create(eventsOf(db, e.uid).doc(e.id), e.doc)),
    ...customers.orders.map((o) => create(orderRef(db, o.id), o.doc)),
  ]);
  const users = await upsertUsers(auth, customers.users);
  log(`  users: ${users.created} created, ${users.updated} reset to the demo state`);

  const seconds = (Date.now() - started) / 1000;
  log(
    `seeded in ${seconds.toFixed(1)} s: ${catalog.products.length} products, ${catalog.variants.length} SKUs, ` +
      `${locations.length} locations, hot SKUs ${stock.hotSkus.join(', ')}, ${customers.profiles.length} customers ` +
      `with ${customers.events.length} history events, ${customers.users.length} users, ` +
      `a year of sales of ${history.skus.length} SKUs (${history.units} units)`,
  );
  return { users: customers.users, hotSkus: stock.hotSkus, counts, seconds };
}

function populationFlag(): number | undefined {
  const i = process.argv.indexOf('--customers');
  if (i < 0) return undefined;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 0) {
    console.error('--customers takes a whole number, e.g. --customers 800');
    process.exit(2);
  }
  return n;
}

if (require.main === module) {
  if (!process.env.FIRESTORE_EMULATOR_HOST) useLocalStack();
  seed({ population: populationFlag() }).then(
    () => process.exit(0),
    (err: Error) => {
      console.error(`seed failed: ${err.message}`);
      console.error(
        `Is the stack running (npm start)? The seed talks to the emulators on ${host}:${ports.firestore} and :${ports.auth}.`,
      );
      process.exit(1);
    },
  );
}
