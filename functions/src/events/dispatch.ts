/**
 * Dispatch: an outbox event becomes one delivery per subscription that listens to its type (paused
 * ones too: they get theirs when resumed), and the event is marked dispatched, in one transaction,
 * so a crash leaves either both or neither and the sweeper finishes the job.
 */
import { Timestamp } from 'firebase-admin/firestore';
import {
  OUTBOX_RETENTION_MS,
  OutboxEvent,
  type WebhookDeliveryDoc,
  WebhookSubscriptionDoc,
} from '@hearth/contracts';
import { runInTransaction } from '../platform/transaction';
import type { EventDeps } from './deps';
import { deliveryId, deliveryRef, outboxCol, subscriptionsCol } from './paths';
import { listens } from './subscriptions';

/** A subscription's stream: its deliveries with one order key, delivered one after the other. */
export interface StreamKey {
  subscriptionId: string;
  stream: string;
}

export async function dispatchEvent(deps: EventDeps, eventId: string): Promise<StreamKey[]> {
  const subs = (await subscriptionsCol(deps.db).get()).docs.map((d) =>
    WebhookSubscriptionDoc.parse(d.data()),
  );
  return runInTransaction(deps, 'dispatch an outbox event', async (tx) => {
    const ref = outboxCol(deps.db).doc(eventId);
    const snap = await tx.get(ref);
    if (!snap.exists) return [];
    const event = OutboxEvent.parse(snap.data());
    // A subscription hears of what happened after it was made, however late the dispatch.
    const targets = subs.filter(
      (s) => listens(s.topics, event.type) && s.createdAt.toMillis() <= event.at.toMillis(),
    );
    const streams = targets.map((s) => ({ subscriptionId: s.id, stream: event.orderKey }));
    if (event.dispatched) return streams;
    const refs = targets.map((s) => deliveryRef(deps.db, deliveryId(s.id, event.id)));
    const existing = await tx.getAll(refs);
    const now = Timestamp.fromDate(deps.clock.now());
    for (const [i, s] of targets.entries()) {
      if (existing.get(refs[i]!.path)?.exists) continue;
      tx.create(refs[i]!, newDelivery(s.id, event, event.orderKey, null, now));
    }
    deps.checkpoint?.('webhooks:dispatch-before-write');
    // Only once dispatched may it go: the TTL policy on expireAt never deletes an event still owed.
    tx.update(ref, {
      dispatched: true,
      expireAt: Timestamp.fromMillis(event.at.toMillis() + OUTBOX_RETENTION_MS),
    });
    return streams;
  });
}

export function newDelivery(
  subscriptionId: string,
  event: OutboxEvent,
  stream: string,
  replayId: string | null,
  now: Timestamp,
): WebhookDeliveryDoc {
  return {
    subscriptionId,
    eventId: event.id,
    type: event.type,
    stream,
    eventAt: event.at,
    seq: event.seq,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    log: [],
    replayId,
    createdAt: now,
    deliveredAt: null,
  };
}
