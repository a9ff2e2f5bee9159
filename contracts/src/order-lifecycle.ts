/**
 * An order after checkout (issue 14): each line's fulfilment state, what was cancelled and
 * refunded, click and collect, and the order's history. Spliced into `OrderDoc` (inventory.ts);
 * every field has a default so orders written before these existed still parse.
 */
import { z } from 'zod';
import { Count, CurrencyCode, FirestoreTime, LocationId } from './common';

/**
 * Where one line's units are: allocated (sold at checkout, still at the location) -> picked ->
 * shipped -> delivered, or for click and collect picked -> ready_for_pickup -> collected.
 * `cancelled` once every unit of the line is cancelled. The moves allowed are FULFILMENT_MOVES.
 */
export const FulfilmentState = z.enum([
  'allocated',
  'picked',
  'shipped',
  'delivered',
  'ready_for_pickup',
  'collected',
  'cancelled',
]);
export type FulfilmentState = z.infer<typeof FulfilmentState>;

/** The one table of legal moves (functions and console both read it). */
export const FULFILMENT_MOVES: Record<FulfilmentState, readonly FulfilmentState[]> = {
  allocated: ['picked'],
  picked: ['shipped', 'ready_for_pickup'],
  shipped: ['delivered'],
  delivered: [],
  ready_for_pickup: ['collected'],
  collected: [],
  cancelled: [],
};

/** States in which the units have left the store's hands: cancelling them means a return. */
export const LEFT_THE_STORE: readonly FulfilmentState[] = ['shipped', 'delivered', 'collected'];

/** The fields each order line gains (spread into OrderDoc's line). */
export const orderLineLifecycle = {
  fulfilment: FulfilmentState.default('allocated'),
  /** Units cancelled before they left the store: back on sale (ledger kind `cancel`). */
  cancelled: Count.default(0),
  /** Units cancelled after they left: refunded, expected back as a return (recordReturn). */
  returnRequested: Count.default(0),
};

export const OrderActor = z.object({
  uid: z.string(),
  role: z.enum(['customer', 'staff', 'admin', 'system']),
});

/** One thing that happened to an order: who, when, what. */
export const OrderHistoryEntry = z.object({
  at: FirestoreTime,
  by: OrderActor,
  action: z.enum(['placed', 'cancelled', 'return_requested', 'returned', 'fulfilment', 'pickup_expired']),
  lineIndex: Count.nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  qty: Count.nullable(),
  note: z.string(),
});
export type OrderHistoryEntry = z.infer<typeof OrderHistoryEntry>;

/**
 * What a payment provider would be told to refund (none is integrated): the amount, the lines and
 * units it is for, and the cancellation that caused it.
 */
export const OrderRefund = z.object({
  amountMinor: Count,
  currency: CurrencyCode,
  lines: z.array(z.object({ lineIndex: Count, qty: Count })),
  reason: z.string(),
  at: FirestoreTime,
  by: OrderActor,
});
export type OrderRefund = z.infer<typeof OrderRefund>;

/** Click and collect: the store the customer collects from, and until when it keeps the goods. */
export const OrderPickup = z.object({
  locationId: LocationId,
  /** Some units are allocated elsewhere: they travel to the store first, so the pickup is later. */
  viaTransfer: z.boolean().default(false),
  /** The earliest the goods can be ready at the store, as the customer was told when they held them. */
  readyFrom: FirestoreTime.nullable().default(null),
  /** Set when the goods are ready: past it, uncollected lines are cancelled and restocked. */
  expiresAt: FirestoreTime.nullable(),
});
export type OrderPickup = z.infer<typeof OrderPickup>;

/** The fields an order gains (spread into OrderDoc). */
export const orderLifecycle = {
  history: z.array(OrderHistoryEntry).default([]),
  refunds: z.array(OrderRefund).default([]),
  refundedMinor: Count.default(0),
  pickup: OrderPickup.nullable().default(null),
};
