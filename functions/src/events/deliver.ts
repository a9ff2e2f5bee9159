/**
 * Draining a stream: a subscription's pending deliveries with one order key, oldest event first,
 * each tried until it succeeds or is dead-lettered before the next is sent (so a consumer sees one
 * SKU's events in commit order). A failure schedules a retry with backoff; a retry due soon is
 * waited for here, a later one is left to the sweeper. At least once: a drainer that dies after the
 * consumer answered but before recording it sends that delivery again; consumers dedupe by event id.
 */
import { randomUUID } from 'node:crypto';
import { type DocumentSnapshot, Timestamp } from 'firebase-admin/firestore';
import { OutboxEvent, WebhookDeliveryDoc, WebhookSubscriptionDoc } from '@hearth/contracts';
import { attemptDelivery, backoffMs } from './attempt';
import { deliverySettings, type EventDeps } from './deps';
import { dispatchEvent, type StreamKey } from './dispatch';
import { deliveriesCol, outboxCol, secretRef, subscriptionRef } from './paths';
import { payloadOf } from './payload';
import { acquireStream, releaseStream, renewStream } from './streams';
import { type SecretDoc, signingSecrets } from './subscriptions';

const BATCH = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Delivers what the stream holds; returns how many deliveries it completed (delivered or dead). */
export async function drainStream(deps: EventDeps, key: StreamKey): Promise<number> {
  const holder = randomUUID();
  if (!(await acquireStream(deps, key, holder))) return 0;
  let completed = 0;
  try {
    for (;;) {
      const step = await drainOnce(deps, key);
      completed += step.completed;
      if (step.more) {
        await renewStream(deps, key, holder);
        continue;
      }
      if (await releaseStream(deps, key, holder)) return completed;
    }
  } catch (err) {
    await releaseStream(deps, key, holder).catch(() => undefined);
    throw err;
  }
}

/** One batch of the stream; `more` when it should be looked at again at once. */
async function drainOnce(deps: EventDeps, key: StreamKey): Promise<{ completed: number; more: boolean }> {
  const sub = await deps.db.getAll(
    subscriptionRef(deps.db, key.subscriptionId),
    secretRef(deps.db, key.subscriptionId),
  );
  const pending = await pendingOf(deps, key);
  if (pending.length === 0) return { completed: 0, more: false };
  if (!sub[0]!.exists) {
    await Promise.all(
      pending.map((d) => d.ref.update({ status: 'dead', nextAttemptAt: Timestamp.fromMillis(0) })),
    );
    return { completed: pending.length, more: true };
  }
  const subscription = WebhookSubscriptionDoc.parse(sub[0]!.data());
  if (subscription.status !== 'active') return { completed: 0, more: false };
  const head = WebhookDeliveryDoc.parse(pending[0]!.data());
  if (!key.stream.startsWith('replay:') && (await dispatchEarlier(deps, key.stream, head.eventAt)))
    return { completed: 0, more: true };
  const secrets = signingSecrets(sub[1]!.data() as SecretDoc, deps.clock.now());
  const events = await deps.db.getAll(
    ...pending.map((d) => outboxCol(deps.db).doc(WebhookDeliveryDoc.parse(d.data()).eventId)),
  );
  let completed = 0;
  for (const [i, snap] of pending.entries()) {
    const outcome = await deliverOne(deps, { url: subscription.url, secrets }, snap, events[i]!);
    if (outcome === 'later') return { completed, more: false };
    completed++;
  }
  return { completed, more: true };
}

async function pendingOf(deps: EventDeps, key: StreamKey) {
  const q = await deliveriesCol(deps.db)
    .where('subscriptionId', '==', key.subscriptionId)
    .where('stream', '==', key.stream)
    .where('status', '==', 'pending')
    .orderBy('eventAt')
    .orderBy('seq')
    .limit(BATCH)
    .get();
  return q.docs;
}

/**
 * Events of this stream committed before the head but not dispatched yet (their trigger crashed or
 * is late): dispatched first, so they are not overtaken. Returns whether there were any.
 */
async function dispatchEarlier(
  deps: EventDeps,
  orderKey: string,
  before: { toMillis(): number },
): Promise<boolean> {
  const late = await outboxCol(deps.db)
    .where('orderKey', '==', orderKey)
    .where('dispatched', '==', false)
    .where('at', '<=', Timestamp.fromMillis(before.toMillis()))
    .orderBy('at')
    .limit(BATCH)
    .get();
  for (const d of late.docs) await dispatchEvent(deps, d.id);
  return !late.empty;
}

/** Tries one delivery (waiting for its retry if that is due soon): 'done' (delivered or dead) or 'later'. */
async function deliverOne(
  deps: EventDeps,
  target: { url: string; secrets: string[] },
  snap: DocumentSnapshot,
  eventSnap: DocumentSnapshot,
): Promise<'done' | 'later'> {
  const settings = deliverySettings(deps);
  const d = WebhookDeliveryDoc.parse(snap.data());
  const wait = d.nextAttemptAt.toMillis() - deps.clock.now().getTime();
  if (wait > settings.inlineWaitMs) return 'later';
  if (wait > 0) await sleep(wait);
  if (!eventSnap.exists) {
    await snap.ref.update({
      status: 'dead',
      log: [...d.log, failure(deps, 'the event is no longer in the outbox')],
    });
    return 'done';
  }
  const event = OutboxEvent.parse(eventSnap.data());
  const r = await attemptDelivery(deps, target, event, JSON.stringify(payloadOf(event)));
  // The consumer may have answered already: a crash here is how a duplicate delivery comes about.
  deps.checkpoint?.('webhooks:after-attempt');
  const now = deps.clock.now();
  const attempts = d.attempts + 1;
  const status = r.ok ? 'delivered' : attempts >= settings.maxAttempts ? 'dead' : 'pending';
  const delay = r.ok ? 0 : backoffMs(deps, attempts);
  await snap.ref.update({
    status,
    attempts,
    nextAttemptAt: Timestamp.fromMillis(now.getTime() + delay),
    log: [
      ...d.log,
      { at: Timestamp.fromDate(now), statusCode: r.statusCode, error: r.error, latencyMs: r.latencyMs },
    ].slice(-settings.maxAttempts),
    deliveredAt: r.ok ? Timestamp.fromDate(now) : null,
  });
  if (status !== 'pending') return 'done';
  // Due soon: try again in this drain; otherwise the sweeper brings it back.
  if (delay > settings.inlineWaitMs) return 'later';
  return deliverOne(deps, target, await snap.ref.get(), eventSnap);
}

const failure = (deps: EventDeps, error: string) => ({
  at: Timestamp.fromDate(deps.clock.now()),
  statusCode: null,
  error,
  latencyMs: 0,
});
