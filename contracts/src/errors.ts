/**
 * What a callable's error carries besides its code and message (`HttpsError.details`, which the
 * SDKs hand to apps as `error.details`), per code. The functions build these; the client parses
 * them; apps on other platforms read them from JSON Schema (`schema/ErrorDetails.*.json`).
 */
import { z } from 'zod';
import { Count, Sku } from './common';

/** invalid-argument: the first field at fault, and every issue found (`lines.0.qty`, ...). */
export const InvalidArgumentDetails = z.object({
  field: z.string(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })),
});
export type InvalidArgumentDetails = z.infer<typeof InvalidArgumentDetails>;

/** resource-exhausted: out of stock, with how many units could be had. */
export const OutOfStockDetails = z.object({
  sku: Sku,
  requested: Count,
  available: Count,
  /** Present when more could be had by allowing a split delivery. */
  availableIfSplit: Count.optional(),
  /** Present when the SKU takes backorders: how many more units its limit lets carts be owed. */
  backorderRoom: Count.optional(),
});
export type OutOfStockDetails = z.infer<typeof OutOfStockDetails>;

/** not-found: what kind of thing (`sku`, `reservation`, `order`, `product`, ...) and its id. */
export const NotFoundDetails = z.object({ kind: z.string(), id: z.string() });
export type NotFoundDetails = z.infer<typeof NotFoundDetails>;

/**
 * failed-precondition: a machine-readable reason (`expired`, `no-profile`, `no-live-model`,
 * `invalid-profile`, ...). For `invalid-profile`, each stored field at fault, and whether the
 * customer can repair it (a profile update of that field) or only the store can.
 */
export const PreconditionDetails = z.object({
  reason: z.string(),
  /** `purchase_limit` and `too_many_holds` (customer-limits.ts): the cap, what is used of it, the SKU. */
  limit: Count.optional(),
  used: Count.optional(),
  sku: Sku.optional(),
  periodHours: Count.nullable().optional(),
  /** `illegal_transition` (advanceFulfilment): the line's state and the one asked for. */
  from: z.string().optional(),
  to: z.string().optional(),
  /**
   * `already_ordered` (createPurchaseOrder's suggestion claim, and the client's suggestion helpers
   * before the call): the purchase order that covers it, and `sku`.
   */
  purchaseOrderId: z.string().optional(),
  fields: z
    .array(z.object({ field: z.string(), message: z.string(), repair: z.enum(['customer', 'store']) }))
    .optional(),
});
export type PreconditionDetails = z.infer<typeof PreconditionDetails>;

/**
 * unavailable: busy, nothing lost; the same call with the same idempotency key may be retried. How
 * long to wait, when the server says (the dev stack's functions host does, with Retry-After), and
 * how many attempts a contended transaction made before giving up.
 */
export const UnavailableDetails = z.object({
  retryAfterSeconds: z.number().min(0).optional(),
  attempts: Count.optional(),
});
export type UnavailableDetails = z.infer<typeof UnavailableDetails>;

/** Details of each error code, for apps that switch on them (HttpsError.details). */
export const ErrorDetails = {
  'invalid-argument': InvalidArgumentDetails,
  'resource-exhausted': OutOfStockDetails,
  'not-found': NotFoundDetails,
  'failed-precondition': PreconditionDetails,
  unavailable: UnavailableDetails,
} as const;
export type ErrorDetailsCode = keyof typeof ErrorDetails;
export type ErrorDetailsOf<C extends ErrorDetailsCode> = z.infer<(typeof ErrorDetails)[C]>;
