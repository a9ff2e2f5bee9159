/**
 * Limits for drops and the hold policy: a SKU may cap the units one customer buys per period, the
 * store may cap how many holds one customer keeps at once (param MAX_HOLDS_PER_CUSTOMER), and a hold
 * may be extended once. Both caps are kept in one counter document per customer, read and written
 * in the reservation's own transaction (functions/src/inventory/customer-limits.ts).
 */
import { z } from 'zod';
import { Count, FirestoreTime, IdempotencyKey, MAX_UNITS, ReservationId, Sku } from './common';

/** A year: the longest period a cap counts over (null counts for as long as the cap stands). */
export const MAX_LIMIT_PERIOD_HOURS = 24 * 366;

/**
 * inventory/{sku}.purchaseLimit: at most `units` per customer in each period of `periodHours`
 * (fixed windows from the Unix epoch, so every instance agrees on the window without a read), or
 * over the whole drop when `periodHours` is null. Units held count, units bought count; units
 * released, expired or cancelled come back (see README, "Limits for drops").
 */
export const PurchaseLimit = z.object({
  units: z
    .number({ error: 'must be a number' })
    .int('must be a whole number of units')
    .min(1, 'must be at least 1 (remove the limit instead)')
    .max(MAX_UNITS, `must be at most ${MAX_UNITS}`),
  periodHours: z
    .number({ error: 'must be a number or null' })
    .int('must be a whole number of hours')
    .min(1, 'must be at least 1')
    .max(MAX_LIMIT_PERIOD_HOURS, `must be at most ${MAX_LIMIT_PERIOD_HOURS}`)
    .nullable(),
});
export type PurchaseLimit = z.infer<typeof PurchaseLimit>;

/** One SKU's use of its cap by one customer, in the window that starts at `windowStartMs`. */
export const SkuAllowanceUse = z.object({ windowStartMs: Count, units: Count });
export type SkuAllowanceUse = z.infer<typeof SkuAllowanceUse>;

/**
 * allowances/{uid}: what one customer has used of the caps. Functions only (rules deny every
 * client write: a customer must not lower their own count); the customer may read their own.
 */
export const AllowanceDoc = z.object({
  uid: z.string(),
  /** Held reservations that counted against MAX_HOLDS_PER_CUSTOMER. */
  holds: Count,
  /** Per limited SKU: units held or bought in its current window. */
  skus: z.record(Sku, SkuAllowanceUse),
  updatedAt: FirestoreTime,
});
export type AllowanceDoc = z.infer<typeof AllowanceDoc>;

/**
 * reservations/{id}.allowance: what the reservation took from its customer's allowance, so release,
 * expiry, checkout and cancellation give back exactly that (and the invariant checker can recount).
 */
export const ReservationAllowance = z.object({
  /** Whether it counts as one of the customer's holds. */
  hold: z.boolean(),
  skus: z.array(z.object({ sku: Sku, qty: z.number().int().min(1), windowStartMs: Count })),
});
export type ReservationAllowance = z.infer<typeof ReservationAllowance>;

/** Who a hold is for: the hold's duration depends on it (params HOLD_MINUTES, HOLD_MINUTES_ANONYMOUS). */
export const ShopperKind = z.enum(['signed_in', 'anonymous']);
export type ShopperKind = z.infer<typeof ShopperKind>;

/** setPurchaseLimit (staff): a SKU's cap per customer, or null to lift it. */
export const SetPurchaseLimitRequest = z.object({
  idempotencyKey: IdempotencyKey,
  sku: Sku,
  limit: PurchaseLimit.nullable(),
});
export type SetPurchaseLimitRequest = z.infer<typeof SetPurchaseLimitRequest>;

export const SetPurchaseLimitResponse = z.object({ sku: Sku, limit: PurchaseLimit.nullable() });
export type SetPurchaseLimitResponse = z.infer<typeof SetPurchaseLimitResponse>;

/** extendReservation (customer): once per hold, a new full hold period from now. Answers the ReservationView. */
export const ExtendReservationRequest = z.object({
  idempotencyKey: IdempotencyKey,
  reservationId: ReservationId,
});
export type ExtendReservationRequest = z.infer<typeof ExtendReservationRequest>;

/** failed-precondition details when a cap refuses a cart (reason `purchase_limit` or `too_many_holds`). */
export const LimitRefusalDetails = z.object({
  reason: z.enum(['purchase_limit', 'too_many_holds']),
  sku: Sku.optional(),
  /** The cap: units per period, or holds at once. */
  limit: Count,
  /** What the customer has used of it now (units held or bought in this window, or holds). */
  used: Count,
  requested: Count.optional(),
  periodHours: Count.nullable().optional(),
});
export type LimitRefusalDetails = z.infer<typeof LimitRefusalDetails>;
