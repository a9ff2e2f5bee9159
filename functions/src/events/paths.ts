/** Where the events domain keeps its documents (the outbox itself is platform's: platform/outbox.ts). */
import { createHash } from 'node:crypto';
import type { Firestore } from 'firebase-admin/firestore';

export { outboxCol } from '../platform/outbox';

export const subscriptionsCol = (db: Firestore) => db.collection('webhookSubscriptions');
export const subscriptionRef = (db: Firestore, id: string) => subscriptionsCol(db).doc(id);
/** Signing secrets: no rule lets a client read or write them (firestore.rules denies the collection). */
export const secretRef = (db: Firestore, id: string) => db.collection('webhookSecrets').doc(id);
export const deliveriesCol = (db: Firestore) => db.collection('webhookDeliveries');
export const deliveryId = (subscriptionId: string, eventId: string, replayId: string | null = null) =>
  replayId === null ? `${subscriptionId}__${eventId}` : `${subscriptionId}__${eventId}__r${replayId}`;
export const deliveryRef = (db: Firestore, id: string) => deliveriesCol(db).doc(id);
/** One lease per (subscription, stream): whoever holds it is the only one delivering that stream. */
export const streamRef = (db: Firestore, subscriptionId: string, stream: string) =>
  db.collection('webhookStreams').doc(`${subscriptionId}__${hash(stream).slice(0, 24)}`);
export const replayRef = (db: Firestore, id: string) => db.collection('webhookReplays').doc(id);

export const hash = (s: string) => createHash('sha256').update(s).digest('hex');
/** An id derived from who asked and their idempotency key: a retry lands on the same document. */
export const keyedId = (scope: string, uid: string, key: string) =>
  hash(`${scope}\u0000${uid}\u0000${key}`).slice(0, 20);
