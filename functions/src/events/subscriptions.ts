/**
 * Webhook subscriptions (staff): a URL, topics and a signing secret. The secret is generated here,
 * answered once (on creation and on rotation, and again to a retry with the same key) and kept in
 * `webhookSecrets/`, which no client may read; the subscription document staff read has none.
 */
import { randomBytes } from 'node:crypto';
import { Timestamp } from 'firebase-admin/firestore';
import {
  type CreateWebhookSubscriptionRequest,
  type EventType,
  type RotateWebhookSecretRequest,
  WebhookSubscriptionDoc,
  type WebhookSubscriptionView,
  type WebhookTopic,
} from '@hearth/contracts';
import type { z } from 'zod';
import { type Caller, DomainError } from '../platform/callable';
import { runInTransaction, type Tx } from '../platform/transaction';
import { deliverySettings, type EventDeps, urlPolicyOf } from './deps';
import { keyedId, secretRef, subscriptionRef } from './paths';
import { checkWebhookUrl } from './ssrf';

export interface SecretDoc {
  current: string;
  previous: string | null;
  previousUntil: Timestamp | null;
  /** The idempotency key hash of the last rotation, and its answer (a retry gets the same secret). */
  lastRotation: string | null;
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

export const subscriptionNotFound = (id: string) =>
  new DomainError('not-found', `No webhook subscription '${id}' exists`, {
    kind: 'webhook subscription',
    id,
  });

export const viewOf = (s: WebhookSubscriptionDoc): WebhookSubscriptionView => ({
  id: s.id,
  url: s.url,
  topics: s.topics,
  description: s.description,
  status: s.status,
  createdAt: new Date(s.createdAt.toMillis()).toISOString(),
  secretRotatedAt: new Date(s.secretRotatedAt.toMillis()).toISOString(),
});

export const listens = (topics: WebhookTopic[], type: EventType) =>
  topics.includes('*') || topics.includes(type);

export async function createSubscription(
  deps: EventDeps,
  caller: Caller,
  req: z.infer<typeof CreateWebhookSubscriptionRequest>,
): Promise<{ subscription: WebhookSubscriptionView; secret: string }> {
  await checkWebhookUrl(req.url, urlPolicyOf(deps));
  const id = keyedId('createWebhookSubscription', caller.uid, req.idempotencyKey);
  return runInTransaction(deps, 'create a webhook subscription', async (tx) => {
    const ref = subscriptionRef(deps.db, id);
    const [cur, sec] = [await tx.get(ref), await tx.get(secretRef(deps.db, id))];
    if (cur.exists) {
      const doc = WebhookSubscriptionDoc.parse(cur.data());
      if (doc.url !== req.url)
        throw new DomainError('failed-precondition', 'This idempotency key created another subscription', {
          reason: 'idempotency_key_reused',
        });
      return { subscription: viewOf(doc), secret: (sec.data() as SecretDoc).current };
    }
    const now = Timestamp.fromDate(deps.clock.now());
    const doc: WebhookSubscriptionDoc = {
      id,
      url: req.url,
      topics: [...new Set(req.topics)],
      description: req.description,
      status: 'active',
      createdBy: caller.uid,
      createdAt: now,
      updatedAt: now,
      secretRotatedAt: now,
    };
    const secret: SecretDoc = {
      current: newSecret(),
      previous: null,
      previousUntil: null,
      lastRotation: null,
    };
    tx.create(ref, doc);
    tx.create(secretRef(deps.db, id), { ...secret });
    return { subscription: viewOf(doc), secret: secret.current };
  });
}

async function loadForChange(deps: EventDeps, tx: Tx, id: string) {
  const snap = await tx.get(subscriptionRef(deps.db, id));
  if (!snap.exists) throw subscriptionNotFound(id);
  return WebhookSubscriptionDoc.parse(snap.data());
}

/** Pauses or resumes; a resumed subscription gets what was held for it while paused. */
export async function setSubscriptionStatus(
  deps: EventDeps,
  req: { subscriptionId: string; status: 'active' | 'paused' },
): Promise<{ subscription: WebhookSubscriptionView }> {
  return runInTransaction(deps, 'pause or resume a webhook subscription', async (tx) => {
    const doc = await loadForChange(deps, tx, req.subscriptionId);
    const next = { ...doc, status: req.status, updatedAt: Timestamp.fromDate(deps.clock.now()) };
    if (doc.status !== req.status) tx.set(subscriptionRef(deps.db, doc.id), next);
    return { subscription: viewOf(next) };
  });
}

/** A new secret; the old one still signs (a second v1) for `previousSecretMs`. */
export async function rotateSecret(
  deps: EventDeps,
  caller: Caller,
  req: z.infer<typeof RotateWebhookSecretRequest>,
): Promise<{ subscription: WebhookSubscriptionView; secret: string }> {
  const rotation = keyedId('rotateWebhookSecret', caller.uid, req.idempotencyKey);
  return runInTransaction(deps, 'rotate a webhook secret', async (tx) => {
    const doc = await loadForChange(deps, tx, req.subscriptionId);
    const secrets = (await tx.get(secretRef(deps.db, doc.id))).data() as SecretDoc;
    if (secrets.lastRotation === rotation) return { subscription: viewOf(doc), secret: secrets.current };
    const now = deps.clock.now();
    const next: SecretDoc = {
      current: newSecret(),
      previous: secrets.current,
      previousUntil: Timestamp.fromMillis(now.getTime() + deliverySettings(deps).previousSecretMs),
      lastRotation: rotation,
    };
    const updated = { ...doc, secretRotatedAt: Timestamp.fromDate(now), updatedAt: Timestamp.fromDate(now) };
    tx.set(secretRef(deps.db, doc.id), { ...next });
    tx.set(subscriptionRef(deps.db, doc.id), updated);
    return { subscription: viewOf(updated), secret: next.current };
  });
}

/** Deletes the subscription and its secret; its pending deliveries are dropped by the drain. */
export async function deleteSubscription(deps: EventDeps, req: { subscriptionId: string }) {
  return runInTransaction(deps, 'delete a webhook subscription', async (tx) => {
    const snap = await tx.get(subscriptionRef(deps.db, req.subscriptionId));
    if (!snap.exists) return { deleted: false };
    tx.raw.delete(subscriptionRef(deps.db, req.subscriptionId));
    tx.raw.delete(secretRef(deps.db, req.subscriptionId));
    return { deleted: true };
  });
}

/** The secrets that sign now: the current one, and the previous one while it is honoured. */
export function signingSecrets(s: SecretDoc, now: Date): string[] {
  const keep = s.previous !== null && s.previousUntil !== null && s.previousUntil.toMillis() > now.getTime();
  return keep ? [s.current, s.previous!] : [s.current];
}
