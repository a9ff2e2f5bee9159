/**
 * The contract of every inventory callable: request and response schemas. Handlers parse requests
 * with these; the client types its calls from them.
 */
import { z } from 'zod';
import {
  Count,
  CurrencyCode,
  Delta,
  IdempotencyKey,
  IsoTime,
  LocationId,
  OrderId,
  ProductId,
  Quantity,
  Region,
  ReservationId,
  Sku,
  TransferId,
} from './common';
import { ReservationStatus } from './inventory';

/** Furniture carts are short; the cap keeps one reservation inside one transaction's limits. */
export const MAX_CART_LINES = 50;

export const CartLine = z.object({ sku: Sku, qty: Quantity });

export const PickupChoice = z.object({ locationId: LocationId, allowTransfer: z.boolean().default(false) });
export type PickupChoice = z.infer<typeof PickupChoice>;

/** Bundles in one cart: each expands to one line per SKU of the set (bundle-cart.ts). */
export const MAX_CART_BUNDLES = 10;
/** A bundle in a cart: `qty` sets of the bundle product, held all or nothing with the rest of the cart. */
export const BundleCartLine = z.object({ productId: ProductId, qty: Quantity });

const ReserveStockShape = z.object({
  idempotencyKey: IdempotencyKey,
  lines: z
    .array(CartLine)
    .max(MAX_CART_LINES, `must hold at most ${MAX_CART_LINES} lines`)
    .superRefine((lines, ctx) => {
      const seen = new Set<string>();
      lines.forEach((line, i) => {
        if (seen.has(line.sku))
          ctx.addIssue({ code: 'custom', path: [i, 'sku'], message: 'appears twice; merge the lines' });
        seen.add(line.sku);
      });
    }),
  /** The shipping region: locations there are preferred among those of equal priority. */
  region: Region.optional(),
  /** Whether one line may be served from several locations (several deliveries). */
  allowSplit: z.boolean().default(false),
  /**
   * Click and collect: the store the customer collects from. Its own stock serves the cart, or, with
   * allowTransfer, other locations' when it has too little (the goods travel there: a later pickup).
   */
  pickup: PickupChoice.optional(),
  /**
   * Whether a line the stock cannot cover may be held beyond it, when its SKU takes backorders (or
   * is made to order): the rest is owed, promised for a date, and filled first come first served as
   * units arrive. Delivered carts only (not with pickup).
   */
  allowBackorder: z.boolean().optional(),
  /** Bundle products (a dining set), each held as one with its SKUs; none by default. */
  bundles: z
    .array(BundleCartLine)
    .max(MAX_CART_BUNDLES, `must hold at most ${MAX_CART_BUNDLES} bundles`)
    .superRefine((bundles, ctx) => {
      const seen = new Set<string>();
      bundles.forEach((b, i) => {
        if (seen.has(b.productId))
          ctx.addIssue({ code: 'custom', path: [i, 'productId'], message: 'appears twice' });
        seen.add(b.productId);
      });
    })
    .optional(),
});
// An empty cart is refused even when other fields are wrong too, so every mistake is named at once.
export const ReserveStockRequest = ReserveStockShape.refine(
  (r) => r.lines.length + (r.bundles?.length ?? 0) > 0,
  {
    path: ['lines'],
    message: 'must hold at least one line (or a bundle)',
    when: (payload) => Array.isArray((payload.value as { lines?: unknown } | null)?.lines),
  },
).refine((r) => !(r.allowBackorder && r.pickup), {
  path: ['allowBackorder'],
  message: 'cannot be combined with pickup: a backorder is delivered when its units arrive',
});
export type ReserveStockRequest = z.infer<typeof ReserveStockRequest>;

export const ReservationView = z.object({
  reservationId: ReservationId,
  status: ReservationStatus,
  expiresAt: IsoTime,
  lines: z.array(
    z.object({
      sku: Sku,
      qty: Count,
      allocations: z.array(z.object({ locationId: LocationId, qty: Count })),
      /** The bundle the line belongs to (its product id), when it is part of one. */
      bundleId: ProductId.nullable().optional(),
      /** Units still owed to this hold (backordered); absent when none ever were. */
      owed: Count.optional(),
    }),
  ),
  /**
   * A hold beyond stock: where the owed units arrive, when they are promised, and when the last of
   * them came (null while any are owed; checkout waits for it).
   */
  backorder: z
    .object({ locationId: LocationId, promisedAt: IsoTime, filledAt: IsoTime.nullable() })
    .optional(),
  /** Whether extendReservation has been used on it (a hold is extended at most once). */
  extended: z.boolean().optional(),
  /**
   * Click and collect: the store, and the earliest the goods can be ready there (later than now when
   * some units travel from elsewhere: the slowest source's lead time).
   */
  pickup: z.object({ locationId: LocationId, readyFrom: IsoTime }).optional(),
});
export type ReservationView = z.infer<typeof ReservationView>;

export const ReservationRequest = z.object({ idempotencyKey: IdempotencyKey, reservationId: ReservationId });
export type ReservationRequest = z.infer<typeof ReservationRequest>;

export const CheckoutResponse = z.object({
  orderId: OrderId,
  reservationId: ReservationId,
  lines: z.array(z.object({ sku: Sku, qty: Count, unitPriceMinor: Count, lineTotalMinor: Count })),
  totalMinor: Count,
  currency: CurrencyCode,
});
export type CheckoutResponse = z.infer<typeof CheckoutResponse>;

export const ReleaseResponse = z.object({ reservationId: ReservationId, status: ReservationStatus });
export type ReleaseResponse = z.infer<typeof ReleaseResponse>;

export const RestockRequest = z.object({
  idempotencyKey: IdempotencyKey,
  sku: Sku,
  locationId: LocationId,
  qty: Quantity,
  reason: z.string().max(200).default('restock'),
});
export type RestockRequest = z.infer<typeof RestockRequest>;

export const AdjustReason = z.enum(['count_correction', 'damaged', 'lost', 'found', 'other']);

export const AdjustStockRequest = z.object({
  idempotencyKey: IdempotencyKey,
  sku: Sku,
  locationId: LocationId,
  delta: Delta,
  reason: AdjustReason,
  note: z.string().max(500).default(''),
});
export type AdjustStockRequest = z.infer<typeof AdjustStockRequest>;

/**
 * The answer of restock, adjustStock and recordReturn: the ledger entries that record the change
 * (one, or one per shard the units came from).
 */
export const StockChangeResponse = z.object({
  sku: Sku,
  locationId: LocationId,
  kind: z.string(),
  qty: z.number().int(),
  ledgerEntryIds: z.array(z.string()),
});
export type StockChangeResponse = z.infer<typeof StockChangeResponse>;

export const TransferStockRequest = z
  .object({
    idempotencyKey: IdempotencyKey,
    sku: Sku,
    fromLocationId: LocationId,
    toLocationId: LocationId,
    qty: Quantity,
  })
  .refine((r) => r.fromLocationId !== r.toLocationId, {
    path: ['toLocationId'],
    message: 'must differ from fromLocationId',
  });
export type TransferStockRequest = z.infer<typeof TransferStockRequest>;

export const ReceiveTransferRequest = z.object({ idempotencyKey: IdempotencyKey, transferId: TransferId });
export type ReceiveTransferRequest = z.infer<typeof ReceiveTransferRequest>;

export const TransferResponse = z.object({
  transferId: TransferId,
  status: z.enum(['in_transit', 'received']),
});
export type TransferResponse = z.infer<typeof TransferResponse>;

export const RecordReturnRequest = z.object({
  idempotencyKey: IdempotencyKey,
  orderId: OrderId,
  sku: Sku,
  qty: Quantity,
  /** Resellable goods go back on sale here; damaged ones are recorded here and never sold. */
  locationId: LocationId,
  condition: z.enum(['resellable', 'damaged']),
});
export type RecordReturnRequest = z.infer<typeof RecordReturnRequest>;

/** Raising a hot SKU's shard count at one location (admin only); counts never go down. */
export const SetShardCountRequest = z.object({
  idempotencyKey: IdempotencyKey,
  sku: Sku,
  locationId: LocationId,
  count: z.number().int().min(1).max(256),
});
export type SetShardCountRequest = z.infer<typeof SetShardCountRequest>;

export const SetShardCountResponse = z.object({ sku: Sku, locationId: LocationId, count: Count });
export type SetShardCountResponse = z.infer<typeof SetShardCountResponse>;
