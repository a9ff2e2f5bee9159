/**
 * Where every document of the store lives, for every domain: the one layout of the database
 * (inventory, shards, reservations, orders, ledger, customers and their events, recommendations).
 * Domains that read or write another domain's documents go through here, not through that domain.
 */
import type { Firestore } from 'firebase-admin/firestore';

export const inventoryCol = (db: Firestore) => db.collection('inventory');
export const inventoryRef = (db: Firestore, sku: string) => inventoryCol(db).doc(sku);
/** Every shard of every SKU (a collection group: filter on the parent being under inventory/). */
export const allShards = (db: Firestore) => db.collectionGroup('shards');
export const shardsOf = (db: Firestore, sku: string) => inventoryRef(db, sku).collection('shards');
export const shardId = (locationId: string, index: number) => `${locationId}_${index}`;
export const shardRef = (db: Firestore, sku: string, locationId: string, index: number) =>
  shardsOf(db, sku).doc(shardId(locationId, index));
export const locationsCol = (db: Firestore) => db.collection('locations');
export const variantRef = (db: Firestore, productId: string, sku: string) =>
  db.collection('products').doc(productId).collection('variants').doc(sku);
export const reservationsCol = (db: Firestore) => db.collection('reservations');
export const reservationRef = (db: Firestore, id: string) => reservationsCol(db).doc(id);
export const orderRef = (db: Firestore, id: string) => db.collection('orders').doc(id);
export const ledgerCol = (db: Firestore) => db.collection('ledger');
export const transferRef = (db: Firestore, id: string) => db.collection('transfers').doc(id);
export const idempotencyRef = (db: Firestore, operationId: string) =>
  db.collection('idempotency').doc(operationId);
export const reconciliationsCol = (db: Firestore) => db.collection('reconciliations');
export const suppliersCol = (db: Firestore) => db.collection('suppliers');

export const customerRef = (db: Firestore, uid: string) => db.collection('customers').doc(uid);
export const eventsOf = (db: Firestore, uid: string) => customerRef(db, uid).collection('events');
export const recommendationsRef = (db: Firestore, uid: string) => db.collection('recommendations').doc(uid);
