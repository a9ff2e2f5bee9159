/** Where each inventory document lives; every path in the domain goes through here. */
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
