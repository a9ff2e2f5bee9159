/**
 * Events to the outside (issue 15): what the transactional outbox holds and what a webhook
 * subscriber receives. An event is written in the same transaction as the change that causes it, so
 * a committed change always has its events and an aborted one never does.
 */
import { z } from 'zod';
import { FirestoreTime, IdempotencyKey } from './common';

export const EVENT_TYPES = [
  'stock.changed',
  'stock.low',
  'stock.out',
  'stock.back_in_stock',
  'reservation.created',
  'reservation.expired',
  /** A backordered hold's last owed unit arrived: it can be checked out now. */
  'reservation.filled',
  'order.placed',
  'order.cancelled',
  'order.shipped',
  'order.returned',
] as const;
export const EventType = z.enum(EVENT_TYPES, { error: `must be one of ${EVENT_TYPES.join(', ')}` });
export type EventType = z.infer<typeof EventType>;

/** The figures of one SKU at one location, as a stock event carries them. */
export const StockFigures = z.object({
  onHand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
  inTransit: z.number().int(),
  damaged: z.number().int(),
  incoming: z.number().int(),
});
export type StockFigures = z.infer<typeof StockFigures>;

/** `data` of the four stock.* events: one per SKU and location whose figures a commit changed. */
export const StockEventData = z.object({
  sku: z.string(),
  locationId: z.string(),
  before: StockFigures,
  after: StockFigures,
  /** The location's status (the shoppers' rule applied to the location alone), before and after. */
  statusBefore: z.string(),
  statusAfter: z.string(),
  /** The SKU's totals over every location after the change, from its availability document. */
  skuAvailable: z.number().int(),
  skuStatus: z.string(),
});
export type StockEventData = z.infer<typeof StockEventData>;

/** `outbox/{eventId}`: written by functions only, in the transaction of its change. */
export const OutboxEvent = z.object({
  id: z.string(),
  type: EventType,
  at: FirestoreTime,
  /** Order of the events of one commit (a commit's events share `at`). */
  seq: z.number().int().min(0),
  /** The business object (reservation, order, transfer, staff operation) the change belongs to. */
  correlationId: z.string(),
  sku: z.string().nullable(),
  locationId: z.string().nullable(),
  /** Events with the same key are delivered in order: `sku:<sku>` for stock, else per object. */
  orderKey: z.string(),
  data: z.record(z.string(), z.unknown()),
  /** Whether every subscription has been given its delivery (the trigger or the sweeper did it). */
  dispatched: z.boolean(),
  /** Set when dispatched: OUTBOX_RETENTION_DAYS after `at`, when the TTL policy deletes the event. */
  expireAt: FirestoreTime.optional(),
});
export type OutboxEvent = z.infer<typeof OutboxEvent>;

/** The JSON body of a webhook delivery (and of a replay): the event, with ISO times. */
export const WebhookPayload = z.object({
  id: z.string(),
  type: EventType,
  createdAt: z.string(),
  correlationId: z.string(),
  sku: z.string().nullable(),
  locationId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/** What a subscription listens to: event types, or '*' for every one. */
export const WebhookTopic = z.union([EventType, z.literal('*')], {
  error: `must be '*' or one of ${EVENT_TYPES.join(', ')}`,
});
export type WebhookTopic = z.infer<typeof WebhookTopic>;

export const SubscriptionId = z
  .string({ error: 'subscriptionId must be a string' })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'subscriptionId must be 1-64 letters, digits, "_" or "-"');

export const WebhookUrl = z
  .string({ error: 'url must be a string' })
  .max(2048, 'url must be at most 2048 characters')
  .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'url must be an http(s) URL');

export const WebhookStatus = z.enum(['active', 'paused']);

/** `webhookSubscriptions/{id}`: staff read it; its secret lives apart (`webhookSecrets/`, no client reads). */
export const WebhookSubscriptionDoc = z.object({
  id: SubscriptionId,
  url: z.string(),
  topics: z.array(WebhookTopic),
  description: z.string(),
  status: WebhookStatus,
  createdBy: z.string(),
  createdAt: FirestoreTime,
  updatedAt: FirestoreTime,
  secretRotatedAt: FirestoreTime,
});
export type WebhookSubscriptionDoc = z.infer<typeof WebhookSubscriptionDoc>;

/** A subscription as callables answer it (ISO times). */
export const WebhookSubscriptionView = z.object({
  id: SubscriptionId,
  url: z.string(),
  topics: z.array(WebhookTopic),
  description: z.string(),
  status: WebhookStatus,
  createdAt: z.string(),
  secretRotatedAt: z.string(),
});
export type WebhookSubscriptionView = z.infer<typeof WebhookSubscriptionView>;

export const CreateWebhookSubscriptionRequest = z.object({
  url: WebhookUrl,
  topics: z
    .array(WebhookTopic)
    .min(1, 'topics must name at least one event type')
    .max(EVENT_TYPES.length + 1),
  description: z.string().max(200, 'description must be at most 200 characters').default(''),
  idempotencyKey: IdempotencyKey,
});
/** The secret is shown here once (and by rotation); no document a client can read holds it. */
export const WebhookSecretResponse = z.object({
  subscription: WebhookSubscriptionView,
  secret: z.string(),
});

export const SetWebhookStatusRequest = z.object({ subscriptionId: SubscriptionId, status: WebhookStatus });
export const WebhookSubscriptionResponse = z.object({ subscription: WebhookSubscriptionView });

export const RotateWebhookSecretRequest = z.object({
  subscriptionId: SubscriptionId,
  idempotencyKey: IdempotencyKey,
});

export const DeleteWebhookSubscriptionRequest = z.object({ subscriptionId: SubscriptionId });
export const DeleteWebhookSubscriptionResponse = z.object({ deleted: z.boolean() });

/** Up to 31 days at a time: a replay re-sends every matching event of the range, in order. */
export const MAX_REPLAY_DAYS = 31;
/**
 * How long `outbox/` keeps a dispatched event after it happened: a Firestore TTL policy on
 * `expireAt` (firestore.indexes.json) deletes it then, so the outbox does not grow for ever. A replay
 * can reach back this far and no further; events not yet dispatched are never deleted.
 */
export const OUTBOX_RETENTION_DAYS = 35;
export const OUTBOX_RETENTION_MS = OUTBOX_RETENTION_DAYS * 86_400_000;
export const ReplayWebhookEventsRequest = z
  .object({
    subscriptionId: SubscriptionId,
    from: z.iso.datetime({ error: 'from must be an ISO date-time' }),
    to: z.iso.datetime({ error: 'to must be an ISO date-time' }),
    idempotencyKey: IdempotencyKey,
  })
  .refine((r) => Date.parse(r.from) < Date.parse(r.to), { path: ['to'], error: 'to must be after from' })
  .refine((r) => Date.parse(r.to) - Date.parse(r.from) <= MAX_REPLAY_DAYS * 86_400_000, {
    path: ['to'],
    error: `a replay covers at most ${MAX_REPLAY_DAYS} days`,
  });
export const ReplayWebhookEventsResponse = z.object({ replayId: z.string(), events: z.number().int() });

export const DeliveryStatus = z.enum(['pending', 'delivered', 'dead']);

/** One try of a delivery, as its log keeps it. */
export const DeliveryAttempt = z.object({
  at: FirestoreTime,
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  latencyMs: z.number(),
});

/** `webhookDeliveries/{subscriptionId}__{eventId}` (and `__r<replay>` for a replay's): staff read them. */
export const WebhookDeliveryDoc = z.object({
  subscriptionId: SubscriptionId,
  eventId: z.string(),
  type: EventType,
  /** The stream it is delivered in: the event's order key, or `replay:<id>`. */
  stream: z.string(),
  eventAt: FirestoreTime,
  seq: z.number().int(),
  status: DeliveryStatus,
  attempts: z.number().int(),
  nextAttemptAt: FirestoreTime,
  log: z.array(DeliveryAttempt),
  replayId: z.string().nullable(),
  createdAt: FirestoreTime,
  deliveredAt: FirestoreTime.nullable(),
});
export type WebhookDeliveryDoc = z.infer<typeof WebhookDeliveryDoc>;
