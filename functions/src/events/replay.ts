/**
 * replayWebhookEvents: every event of a time range that the subscription listens to is delivered
 * again, in event order, as new deliveries in a stream of their own (`replay:<id>`), so a replay
 * neither waits behind nor holds up live events. Events still in the outbox only: a range that
 * starts before the outbox's retention is refused rather than replayed in part. The replay's id comes from the caller and their key: a retry starts nothing new.
 */
import { Timestamp } from 'firebase-admin/firestore';
import {
  OUTBOX_RETENTION_DAYS,
  OUTBOX_RETENTION_MS,
  OutboxEvent,
  WebhookSubscriptionDoc,
} from '@hearth/contracts';
import { type Caller, DomainError } from '../platform/callable';
import type { EventDeps } from './deps';
import { newDelivery } from './dispatch';
import { deliveryId, deliveryRef, keyedId, outboxCol, replayRef, subscriptionRef } from './paths';
import { drainAll } from './sweep';
import { listens, subscriptionNotFound } from './subscriptions';

/** At most this many events per replay; a longer range is refused (narrow it). */
export const MAX_REPLAY_EVENTS = 10_000;
const CHUNK = 400;

export async function replayWebhookEvents(
  deps: EventDeps,
  caller: Caller,
  req: { subscriptionId: string; from: string; to: string; idempotencyKey: string },
): Promise<{ replayId: string; events: number; drained: Promise<number> }> {
  const replayId = keyedId('replayWebhookEvents', caller.uid, req.idempotencyKey);
  const stream = `replay:${replayId}`;
  const key = { subscriptionId: req.subscriptionId, stream };
  const prior = await replayRef(deps.db, replayId).get();
  if (prior.exists) return { replayId, events: Number(prior.get('events')), drained: drainAll(deps, [key]) };
  const subSnap = await subscriptionRef(deps.db, req.subscriptionId).get();
  if (!subSnap.exists) throw subscriptionNotFound(req.subscriptionId);
  const sub = WebhookSubscriptionDoc.parse(subSnap.data());
  const keptFrom = deps.clock.now().getTime() - OUTBOX_RETENTION_MS;
  if (Date.parse(req.from) < keptFrom)
    throw new DomainError(
      'invalid-argument',
      `from: events are kept ${OUTBOX_RETENTION_DAYS} days, so a replay can start at ${new Date(keptFrom).toISOString()} at the earliest`,
      { field: 'from' },
    );
  const snap = await outboxCol(deps.db)
    .where('at', '>=', Timestamp.fromDate(new Date(req.from)))
    .where('at', '<', Timestamp.fromDate(new Date(req.to)))
    .orderBy('at')
    .limit(MAX_REPLAY_EVENTS + 1)
    .get();
  const events = snap.docs.map((d) => OutboxEvent.parse(d.data())).filter((e) => listens(sub.topics, e.type));
  if (snap.size > MAX_REPLAY_EVENTS)
    throw new DomainError(
      'invalid-argument',
      `to: the range holds more than ${MAX_REPLAY_EVENTS} events; replay a shorter one`,
      { field: 'to' },
    );
  const now = Timestamp.fromDate(deps.clock.now());
  for (let i = 0; i < events.length; i += CHUNK) {
    const batch = deps.db.batch();
    for (const e of events.slice(i, i + CHUNK))
      batch.set(
        deliveryRef(deps.db, deliveryId(sub.id, e.id, replayId)),
        newDelivery(sub.id, e, stream, replayId, now),
      );
    await batch.commit();
  }
  await replayRef(deps.db, replayId).set({
    subscriptionId: sub.id,
    from: req.from,
    to: req.to,
    events: events.length,
    by: caller.uid,
    at: now,
  });
  return { replayId, events: events.length, drained: drainAll(deps, [key]) };
}
