/**
 * Every collection of the design, every method, every kind of caller: who may do what under
 * firestore.rules. Each row asserts allow (assertSucceeds) or deny (assertFails).
 */
import { after, before, describe, it } from 'node:test';
import {
  ACTORS,
  expectAccess,
  serverTime,
  startHearthRules,
  type Actor,
  type Db,
  type HearthRules,
} from './hearth-env';

type Method = 'get' | 'list' | 'create' | 'update' | 'delete';

interface Collection {
  name: string;
  /** The document get/update/delete target (alice's where documents belong to a customer). */
  doc: string;
  list: (db: Db) => Promise<unknown>;
  create: (db: Db) => Promise<unknown>;
  update: (db: Db) => Promise<unknown>;
  allowed: Partial<Record<Method, Actor[]>>;
}

const everyone = ACTORS;
const staff: Actor[] = ['staff', 'admin'];
const newId = () => `new-${Math.random().toString(36).slice(2, 10)}`;
const anyCreate = (collection: string) => (db: Db) => db.collection(collection).doc(newId()).set({ x: 1 });
const anyUpdate = (path: string) => (db: Db) => db.doc(path).update({ x: 2 });

function publicCollection(name: string, collection: string, doc: string): Collection {
  return {
    name,
    doc,
    list: (db) => db.collection(collection).limit(10).get(),
    create: anyCreate(collection),
    update: anyUpdate(doc),
    allowed: { get: everyone, list: everyone },
  };
}

function staffCollection(collection: string, doc: string): Collection {
  return {
    name: collection,
    doc,
    list: (db) => db.collection(collection).limit(10).get(),
    create: anyCreate(collection),
    update: anyUpdate(doc),
    allowed: { get: staff, list: staff },
  };
}

function customerCollection(collection: string, doc: string): Collection {
  return {
    name: collection,
    doc,
    list: (db) => db.collection(collection).where('customerId', '==', 'alice').limit(10).get(),
    create: (db) => db.collection(collection).doc(newId()).set({ customerId: 'alice', status: 'held' }),
    update: anyUpdate(doc),
    allowed: { get: ['alice', ...staff], list: ['alice', ...staff] },
  };
}

const COLLECTIONS: Collection[] = [
  publicCollection('products', 'products', 'products/p1'),
  publicCollection('products/{id}/variants', 'products/p1/variants', 'products/p1/variants/s1'),
  publicCollection('locations', 'locations', 'locations/l1'),
  publicCollection('inventory', 'inventory', 'inventory/s1'),
  publicCollection('inventory/{sku}/shards', 'inventory/s1/shards', 'inventory/s1/shards/0'),
  customerCollection('reservations', 'reservations/r-alice'),
  customerCollection('orders', 'orders/o-alice'),
  {
    name: 'recommendations',
    doc: 'recommendations/alice',
    list: (db) => db.collection('recommendations').limit(10).get(),
    create: (db) => db.doc('recommendations/carol').set({ items: [] }),
    update: anyUpdate('recommendations/alice'),
    allowed: { get: ['alice'] },
  },
  staffCollection('ledger', 'ledger/l-1'),
  staffCollection('models', 'models/current'),
  staffCollection('transfers', 'transfers/t1'),
  staffCollection('reconciliations', 'reconciliations/run1'),
  staffCollection('forecasts', 'forecasts/s1'),
  staffCollection('purchaseOrders', 'purchaseOrders/po1'),
  staffCollection('suppliers', 'suppliers/sup1'),
  staffCollection('backorders', 'backorders/res-alice__s1'),
  {
    name: 'customers',
    doc: 'customers/alice',
    list: (db) => db.collection('customers').where('uid', '==', 'alice').get(),
    create: (db) => db.collection('customers').doc(newId()).set({ uid: 'x' }),
    update: (db) => db.doc('customers/alice').update({ displayName: 'Alice B', updatedAt: serverTime() }),
    allowed: { get: ['alice', ...staff], list: staff, update: ['alice'] },
  },
  {
    name: 'customers/{uid}/events',
    doc: 'customers/alice/events/e1',
    list: (db) => db.collection('customers/alice/events').limit(10).get(),
    // As an app writes events: in a slot of alice's event quota, raised in the same batch.
    create: async (db) =>
      (
        await eventWriter!.eventBatch(db, 'alice', [
          { kind: 'view', productId: 'p1', quantity: 1, at: serverTime() },
        ])
      ).batch.commit(),
    update: anyUpdate('customers/alice/events/e1'),
    allowed: { get: ['alice'], list: ['alice'], create: ['alice'] },
  },
  {
    // Written by serving alone: an app that could write them could move its arm's figures.
    name: 'customers/{uid}/exposures',
    doc: 'customers/alice/exposures/x1',
    list: (db) => db.collection('customers/alice/exposures').limit(10).get(),
    create: (db) => db.doc('customers/alice/exposures/x2').set({ experimentId: 'x2', slot: 'a' }),
    update: anyUpdate('customers/alice/exposures/x1'),
    allowed: {},
  },
  // Suggestion claims are for createPurchaseOrder alone: staff see the orders, not the claims.
  { ...staffCollection('suggestionClaims', 'suggestionClaims/s1_1764306000000'), allowed: {} },
  staffCollection('idempotency', 'idempotency/reserve:alice:key12345'),
];
// Idempotency records are for functions alone: not even staff read them.
COLLECTIONS[COLLECTIONS.length - 1]!.allowed = {};

/** The environment's event-batch helper, for the events row above (set once it starts). */
let eventWriter: HearthRules | undefined;

describe('firestore.rules: collection x method x caller', () => {
  let h: HearthRules;
  before(async () => {
    h = await startHearthRules();
    eventWriter = h;
  });
  after(() => h.stop());

  for (const c of COLLECTIONS) {
    describe(c.name, () => {
      const requests: Record<Method, (db: Db) => Promise<unknown>> = {
        get: (db) => db.doc(c.doc).get(),
        list: c.list,
        create: c.create,
        update: c.update,
        // Deletes run last so the other rows still find their documents.
        delete: (db) => db.doc(c.doc).delete(),
      };
      for (const method of ['get', 'list', 'create', 'update', 'delete'] as Method[]) {
        for (const actor of ACTORS) {
          const allowed = c.allowed[method]?.includes(actor) ?? false;
          it(`${method} by ${actor}: ${allowed ? 'allowed' : 'denied'}`, () =>
            expectAccess(allowed, () => requests[method](h.db(actor))));
        }
      }
    });
  }
});
