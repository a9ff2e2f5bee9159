/**
 * Events to the outside (issue 15): what the transactional outbox holds and what a webhook
 * subscriber receives. An event is written in the same transaction as the change that causes it, so
 * a committed change always has its events and an aborted one never does.
 */
import { z } from 'zod';
import { FirestoreTime } from './common';

export const EVENT_TYPES = [
  'stock.changed',
  'stock.low',
  'stock.out',
  'stock.back_in_stock',
  'reservation.created',
  'reservation.expired',
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
