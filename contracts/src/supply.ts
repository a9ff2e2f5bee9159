/**
 * The supply side of stock: purchase orders from suppliers (which raise `incoming` until they are
 * received), cycle counts with compare-and-set, and a SKU's stock policy (safety stock withheld
 * from sale, its own low-stock threshold). Staff callables only; `purchaseOrders/` is staff-readable
 * and written by functions alone.
 */
import { z } from 'zod';
import {
  Count,
  FirestoreTime,
  IdempotencyKey,
  IsoTime,
  LocationId,
  MAX_UNITS,
  Quantity,
  Sku,
} from './common';
import { BackorderPolicy } from './inventory';

export const PurchaseOrderId = z
  .string({ error: 'purchaseOrderId must be a string' })
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    "purchaseOrderId must be 1-100 letters, digits, '.', '_' or '-'",
  );

/** A purchase order is one delivery to one location; a supplier's lorry rarely carries more than this. */
export const MAX_PO_LINES = 50;

export const PurchaseOrderStatus = z.enum(['open', 'received', 'closed']);
export type PurchaseOrderStatus = z.infer<typeof PurchaseOrderStatus>;

/** purchaseOrders/{purchaseOrderId} */
export const PurchaseOrderDoc = z.object({
  supplier: z.string(),
  locationId: LocationId,
  /** open: units still to come; received: every unit came; closed: the rest was cancelled. */
  status: PurchaseOrderStatus,
  lines: z.array(z.object({ sku: Sku, qty: z.number().int().min(1), received: Count })),
  expectedAt: FirestoreTime,
  /**
   * The reorder suggestion it was made from (`forecasts/{sku}` as generated then), if any:
   * `locationId` names the location whose own suggestion it was, null the SKU-wide one (orders
   * made before this was recorded read as SKU-wide).
   */
  fromSuggestion: z
    .object({ sku: Sku, generatedAt: FirestoreTime, locationId: LocationId.nullable().default(null) })
    .nullable(),
  createdBy: z.string(),
  createdAt: FirestoreTime,
  updatedAt: FirestoreTime,
  closedAt: FirestoreTime.nullable(),
});
export type PurchaseOrderDoc = z.infer<typeof PurchaseOrderDoc>;

/**
 * suggestionClaims/{sku}_{generatedAtMillis}: which suggestions of one forecast run of a SKU are
 * ordered, and by which purchase order, written by createPurchaseOrder in the transaction that makes
 * the order (so two orders of one run's demand cannot both be made). `skuWide` is the SKU-wide
 * suggestion's order, `locations` each location's own. An order that was closed since covers
 * nothing, and its entry is replaced by the next order of that suggestion. Functions only.
 */
export const SuggestionClaimDoc = z.object({
  sku: Sku,
  generatedAt: FirestoreTime,
  skuWide: z.object({ purchaseOrderId: z.string() }).nullable(),
  locations: z.record(LocationId, z.object({ purchaseOrderId: z.string() })),
  updatedAt: FirestoreTime,
});
export type SuggestionClaimDoc = z.infer<typeof SuggestionClaimDoc>;

const distinctSkus = (lines: { sku: string }[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (seen.has(line.sku))
      ctx.addIssue({ code: 'custom', path: [i, 'sku'], message: 'appears twice; merge the lines' });
    seen.add(line.sku);
  });
};

const PoLines = z
  .array(z.object({ sku: Sku, qty: Quantity }))
  .min(1, 'must hold at least one line')
  .max(MAX_PO_LINES, `must hold at most ${MAX_PO_LINES} lines`)
  .superRefine(distinctSkus);

export const CreatePurchaseOrderRequest = z.object({
  idempotencyKey: IdempotencyKey,
  supplier: z.string().trim().min(1, 'must name the supplier').max(120),
  locationId: LocationId,
  /** When the supplier promised the delivery (ISO 8601). */
  expectedAt: IsoTime,
  lines: PoLines,
  /**
   * Set by the client's "order this suggestion" helpers: which forecast the order answers, and
   * `locationId` when it is that location's own suggestion rather than the SKU-wide one.
   */
  fromSuggestion: z.object({ sku: Sku, generatedAt: IsoTime, locationId: LocationId.optional() }).optional(),
});
export type CreatePurchaseOrderRequest = z.infer<typeof CreatePurchaseOrderRequest>;

/** Receiving some or all of an order's lines, as they come off the lorry. */
export const ReceivePurchaseOrderRequest = z.object({
  idempotencyKey: IdempotencyKey,
  purchaseOrderId: PurchaseOrderId,
  lines: PoLines,
});
export type ReceivePurchaseOrderRequest = z.infer<typeof ReceivePurchaseOrderRequest>;

/** Closing an open order: what was not received will not come, and leaves `incoming`. */
export const ClosePurchaseOrderRequest = z.object({
  idempotencyKey: IdempotencyKey,
  purchaseOrderId: PurchaseOrderId,
  reason: z.string().max(200).default('cancelled'),
});
export type ClosePurchaseOrderRequest = z.infer<typeof ClosePurchaseOrderRequest>;

export const PurchaseOrderResponse = z.object({
  purchaseOrderId: PurchaseOrderId,
  status: PurchaseOrderStatus,
  lines: z.array(z.object({ sku: Sku, qty: Count, received: Count })),
  ledgerEntryIds: z.array(z.string()),
});
export type PurchaseOrderResponse = z.infer<typeof PurchaseOrderResponse>;

/**
 * A cycle count: the figure counted on the shelf, and the on-hand figure the counter saw when they
 * started (compare-and-set, as Shopify's `inventorySetQuantities` with `compareQuantity`): if the
 * store's figure has moved since, the count is refused with the current figure, to be counted again.
 */
export const SetStockCountRequest = z.object({
  idempotencyKey: IdempotencyKey,
  sku: Sku,
  locationId: LocationId,
  counted: Count.max(MAX_UNITS * 10, `must be at most ${MAX_UNITS * 10}`),
  expectedOnHand: Count.max(MAX_UNITS * 10, `must be at most ${MAX_UNITS * 10}`),
  note: z.string().max(500).default(''),
});
export type SetStockCountRequest = z.infer<typeof SetStockCountRequest>;

export const SetStockCountResponse = z.object({
  sku: Sku,
  locationId: LocationId,
  previous: Count,
  counted: Count,
  /** The adjustment recorded: counted - previous (0: nothing recorded). */
  delta: z.number().int(),
  ledgerEntryIds: z.array(z.string()),
});
export type SetStockCountResponse = z.infer<typeof SetStockCountResponse>;

/** failed-precondition of a count whose expected figure is stale: the figure to count against now. */
export const CountMismatchDetails = z.object({
  reason: z.literal('count_mismatch'),
  expectedOnHand: Count,
  currentOnHand: Count,
});
export type CountMismatchDetails = z.infer<typeof CountMismatchDetails>;

/**
 * A SKU's stock policy. `lowStockUnits`: its own low-stock threshold (null: the store's
 * LOW_STOCK_UNITS param). `safetyStock`: units per location withheld from sale (a location left out
 * keeps its figure).
 */
export const SetStockPolicyRequest = z.object({
  idempotencyKey: IdempotencyKey,
  sku: Sku,
  lowStockUnits: Count.max(MAX_UNITS).nullable().optional(),
  safetyStock: z.record(LocationId, Count.max(MAX_UNITS)).optional(),
  /** Holds beyond stock; null turns them off (owed units stay owed); absent leaves them as they are. */
  backorder: BackorderPolicy.nullable().optional(),
});
export type SetStockPolicyRequest = z.infer<typeof SetStockPolicyRequest>;

export const SetStockPolicyResponse = z.object({
  sku: Sku,
  lowStockUnits: Count,
  lowStockOverride: Count.nullable(),
  safetyStock: z.record(LocationId, Count),
  backorder: BackorderPolicy.nullable(),
});
export type SetStockPolicyResponse = z.infer<typeof SetStockPolicyResponse>;
