/**
 * Inventory documents as Firestore holds them. Only functions write them; apps read
 * `inventory/{sku}` (and, for hot SKUs, its shards) and their own reservations and orders.
 */
import { z } from 'zod';
import {
  Count,
  CurrencyCode,
  FirestoreTime,
  IdempotencyKey,
  LocationId,
  OrderId,
  ProductId,
  ReservationId,
  Sku,
} from './common';
import { orderLifecycle, orderLineLifecycle } from './order-lifecycle';
import { BundleGroupId } from './catalog';
import { PurchaseLimit, ReservationAllowance, ShopperKind } from './limits';

export const StockStatus = z.enum(['in_stock', 'low', 'out', 'backorder', 'made_to_order']);
export type StockStatus = z.infer<typeof StockStatus>;

/** What one location holds of one SKU. `available` is always `onHand - reserved`. */
export const LocationStock = z.object({
  onHand: Count,
  reserved: Count,
  available: Count,
  /** Ordered from suppliers, not yet here: shown to shoppers, never sold. */
  incoming: Count,
  /** Held back from the status shown to shoppers (see inventory/status.ts). */
  safetyStock: Count,
  /** Shipped to this location by a transfer, not yet received: sellable neither here nor at the source. */
  inTransit: Count,
  /** Returned or found damaged here: recorded, never sellable. */
  damaged: Count,
});
export type LocationStock = z.infer<typeof LocationStock>;

/**
 * inventory/{sku}: the availability document apps listen to.
 *
 * For a location listed in `shards`, its onHand/reserved/available live in
 * `inventory/{sku}/shards/{locationId}_{n}` and the figures here are their sum as of
 * `aggregatedAt`, refreshed off the hot path; apps that need them exact sum the shards
 * (the client's `watchAvailability` does). Every other figure here is exact at all times.
 */
export const InventoryDoc = z.object({
  sku: Sku,
  productId: ProductId,
  madeToOrder: z.boolean(),
  /** Whether shoppers may be shown `backorder` when nothing is available. */
  backorderable: z.boolean(),
  locations: z.record(LocationId, LocationStock),
  shards: z.record(LocationId, z.number().int().min(1)),
  onHand: Count,
  reserved: Count,
  available: Count,
  incoming: Count,
  inTransit: Count,
  status: StockStatus,
  /** The low-stock threshold `status` was computed with, so an app summing shards applies the same. */
  lowStockUnits: Count.optional(),
  /** Units one customer may hold or buy per period (setPurchaseLimit); absent or null: no cap. */
  purchaseLimit: PurchaseLimit.nullable().optional(),
  /** This SKU's own threshold (setStockPolicy), over the store's LOW_STOCK_UNITS; null or absent: the store's. */
  lowStockOverride: Count.nullable().optional(),
  version: Count,
  updatedAt: FirestoreTime,
  aggregatedAt: FirestoreTime.nullable(),
});
export type InventoryDoc = z.infer<typeof InventoryDoc>;

/** inventory/{sku}/shards/{locationId}_{index}: a slice of one location's stock of a hot SKU. */
export const ShardDoc = z.object({
  sku: Sku,
  locationId: LocationId,
  index: Count,
  onHand: Count,
  reserved: Count,
  available: Count,
  version: Count,
});
export type ShardDoc = z.infer<typeof ShardDoc>;

/** Where a reserved unit sits: `shard` is null for unsharded locations. */
export const Allocation = z.object({
  locationId: LocationId,
  shard: Count.nullable(),
  qty: z.number().int().min(1),
});
export type Allocation = z.infer<typeof Allocation>;

export const ReservationStatus = z.enum(['held', 'checked_out', 'released', 'expired']);
export type ReservationStatus = z.infer<typeof ReservationStatus>;

/** reservations/{reservationId} */
export const ReservationDoc = z.object({
  customerId: z.string(),
  status: ReservationStatus,
  lines: z.array(
    z.object({
      sku: Sku,
      productId: ProductId,
      qty: z.number().int().min(1),
      allocations: z.array(Allocation),
      /** Set on the lines of a bundle (ProductDoc.bundle, contracts/src/catalog.ts): they are held, sold and returned as one. */
      bundleId: BundleGroupId.nullable().optional(),
      /** Units of this SKU in one set of the bundle (a dining set: 1 table, 6 chairs). */
      unitsPerBundle: z.number().int().min(1).nullable().optional(),
    }),
  ),
  createdAt: FirestoreTime,
  expiresAt: FirestoreTime,
  closedAt: FirestoreTime.nullable(),
  orderId: OrderId.nullable(),
  /** Click and collect (ReserveStockRequest.pickup); absent or null: delivered. */
  pickup: z
    .object({
      locationId: LocationId,
      allowTransfer: z.boolean(),
      /** The earliest the goods can be ready at the store (absent on holds made before it existed). */
      readyFrom: FirestoreTime.optional(),
    })
    .nullable()
    .optional(),
  /** What it took from its customer's caps (absent: nothing, it had no limited SKU and holds were uncapped). */
  allowance: ReservationAllowance.optional(),
  /** Who it was held for (its duration depends on it); absent on holds made before this existed. */
  shopper: ShopperKind.optional(),
  /** When it was extended (extendReservation, once); absent or null: never. */
  extendedAt: FirestoreTime.nullable().optional(),
});
export type ReservationDoc = z.infer<typeof ReservationDoc>;

/**
 * An order's summary of its lines (order-lifecycle.ts holds each line's own state). The first three
 * are what orders written before fulfilment existed hold.
 */
export const OrderStatus = z.enum([
  'placed',
  'partially_returned',
  'returned',
  'partially_cancelled',
  'cancelled',
  'in_fulfilment',
  'ready_for_pickup',
  'shipped',
  'completed',
]);
export type OrderStatus = z.infer<typeof OrderStatus>;

/** orders/{orderId}: one per checked-out reservation (same id). */
export const OrderDoc = z.object({
  customerId: z.string(),
  reservationId: ReservationId,
  lines: z.array(
    z.object({
      sku: Sku,
      qty: z.number().int().min(1),
      unitPriceMinor: Count,
      allocations: z.array(Allocation),
      returned: Count,
      ...orderLineLifecycle,
      /**
       * The bundle group the line belongs to (null: sold on its own). Every line with the same id is
       * one bundle: cancelled and returned together, all or nothing. Absent or null: not a bundle (orders placed before bundles
       * existed have neither field).
       */
      bundleId: BundleGroupId.nullable().optional(),
      /** Units of this SKU in one set of its bundle; null outside a bundle. */
      unitsPerBundle: z.number().int().min(1).nullable().optional(),
    }),
  ),
  totalMinor: Count,
  currency: CurrencyCode,
  status: OrderStatus,
  statusHistory: z.array(z.object({ status: OrderStatus, at: FirestoreTime })),
  createdAt: FirestoreTime,
  ...orderLifecycle,
});
export type OrderDoc = z.infer<typeof OrderDoc>;
/** An order as written before fulfilment existed (the seed's past orders): the lifecycle fields take their defaults. */
export type OrderDocInput = z.input<typeof OrderDoc>;

export const LedgerKind = z.enum([
  'reserve',
  'release',
  'expire',
  'sale',
  'return',
  'damaged',
  'restock',
  'adjust',
  'transfer_out',
  'transfer_in',
  /** An order's unshipped units cancelled: back on hand (order-cancel.ts). */
  'cancel',
  /** An order's units leaving the location, shipped or collected: no counter moves (sold at checkout). */
  'ship',
  // Purchase orders (supply.ts): ordered raises incoming, received moves it on hand, closed drops the rest.
  'po_ordered',
  'po_received',
  'po_closed',
]);
export type LedgerKind = z.infer<typeof LedgerKind>;

export const ActorRole = z.enum(['customer', 'staff', 'admin', 'system']);
export const Actor = z.object({ uid: z.string(), role: ActorRole });
export type Actor = z.infer<typeof Actor>;

/**
 * ledger/{entryId}: append-only; one entry per stock movement. `qty` is signed only for `adjust`.
 * What each kind does to the counters is defined once, in inventory/movements.ts.
 */
export const LedgerEntry = z.object({
  kind: LedgerKind,
  sku: Sku,
  locationId: LocationId,
  /** transfer_out only: the destination, whose inTransit grows. */
  toLocationId: LocationId.nullable(),
  shard: Count.nullable(),
  qty: z.number().int(),
  reason: z.string(),
  actor: Actor,
  /** The operation (reservation, order, transfer, staff change) the entry belongs to. */
  correlationId: z.string(),
  idempotencyKey: IdempotencyKey.nullable(),
  at: FirestoreTime,
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

/** transfers/{transferId} */
export const TransferDoc = z.object({
  sku: Sku,
  fromLocationId: LocationId,
  toLocationId: LocationId,
  qty: z.number().int().min(1),
  status: z.enum(['in_transit', 'received']),
  shippedAt: FirestoreTime,
  receivedAt: FirestoreTime.nullable(),
});
export type TransferDoc = z.infer<typeof TransferDoc>;

/**
 * idempotency/{scope}:{uid}:{key}: the first successful answer of a call, written in the same
 * transaction as its effect. `expireAt` is meant for a Firestore TTL policy.
 */
export const IdempotencyRecord = z.object({
  scope: z.string(),
  uid: z.string(),
  requestHash: z.string(),
  result: z.unknown(),
  createdAt: FirestoreTime,
  expireAt: FirestoreTime,
});
export type IdempotencyRecord = z.infer<typeof IdempotencyRecord>;

export const Counters = z.object({
  onHand: z.number(),
  reserved: z.number(),
  inTransit: z.number(),
  damaged: z.number(),
  incoming: z.number(),
});
export type Counters = z.infer<typeof Counters>;

export const Drift = z.object({
  sku: Sku,
  locationId: LocationId.nullable(),
  field: z.string(),
  ledger: z.number().nullable(),
  counter: z.number().nullable(),
  reservations: z.number().nullable(),
  repaired: z.boolean(),
  why: z.string(),
});
export type Drift = z.infer<typeof Drift>;

/** reconciliations/{runId}: what reconcileInventory found and what it repaired. */
export const ReconciliationReport = z.object({
  startedAt: FirestoreTime,
  finishedAt: FirestoreTime,
  ledgerEntries: Count,
  skus: Count,
  drift: z.array(Drift),
});
export type ReconciliationReport = z.infer<typeof ReconciliationReport>;
