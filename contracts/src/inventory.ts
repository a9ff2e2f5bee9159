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
  MAX_UNITS,
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

/** A promise further out than this is a typo, not a maker's or supplier's lead time. */
export const MAX_BACKORDER_LEAD_DAYS = 365;

/**
 * A SKU's backorders (setStockPolicy): holds beyond stock at one unsharded location, up to `limit`
 * units owed at once, promised from that location's open purchase orders or, past what they bring,
 * `leadTimeDays` from the hold (a made-to-order SKU: the time to make one).
 */
export const BackorderPolicy = z.object({
  limit: z
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1 (null turns backorders off)')
    .max(MAX_UNITS, `limit must be at most ${MAX_UNITS}`),
  locationId: LocationId,
  leadTimeDays: z
    .number({ error: 'leadTimeDays must be a number' })
    .int('leadTimeDays must be a whole number')
    .min(0, 'leadTimeDays cannot be negative')
    .max(MAX_BACKORDER_LEAD_DAYS, `leadTimeDays must be at most ${MAX_BACKORDER_LEAD_DAYS}`),
});
export type BackorderPolicy = z.infer<typeof BackorderPolicy>;

/** A backordered hold waits this long past its promised date for the stock before it expires. */
export const BACKORDER_GRACE_DAYS = 14;
/** Once every owed unit has arrived, the customer has this long to check out. */
export const BACKORDER_READY_HOURS = 72;

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
  /**
   * Units customers hold here beyond stock (backorders, made to order), owed to them first come
   * first served as stock arrives: carts never take arriving units while any are owed. Absent on
   * documents written before backorders existed.
   */
  backordered: Count.default(0),
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
  /** Units owed to backordered holds, over all locations (see LocationStock.backordered). */
  backordered: Count.default(0),
  /** Holds beyond stock (setStockPolicy); absent or null: none. */
  backorder: BackorderPolicy.nullable().optional(),
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
      /** Units still owed (backordered at `backorder.locationId`); the rest are in `allocations`. */
      owed: Count.optional(),
    }),
  ),
  /**
   * Set on a hold made beyond stock (ReserveStockRequest.allowBackorder): where its owed units will
   * arrive and when they are promised. It cannot be checked out until nothing is owed.
   */
  backorder: z
    .object({ locationId: LocationId, promisedAt: FirestoreTime, filledAt: FirestoreTime.nullable() })
    .optional(),
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
  // Backorders (backorders.ts): a hold beyond stock raises backordered; arriving units fill it
  // (backordered down, reserved up) first come first served; a hold closed while owed drops it.
  'backorder',
  'backorder_fill',
  'backorder_release',
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
  backordered: z.number(),
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

export const BackorderStatus = z.enum(['waiting', 'filled', 'released']);
export type BackorderStatus = z.infer<typeof BackorderStatus>;

/**
 * backorders/{reservationId}__{sku}: one backordered line in the queue its SKU's arrivals fill,
 * oldest `seq` first. Written with its reservation; functions alone write it, staff read it.
 */
export const BackorderDoc = z.object({
  reservationId: ReservationId,
  customerId: z.string(),
  sku: Sku,
  locationId: LocationId,
  /** Units owed when the hold was made, and still owed now. */
  qty: z.number().int().min(1),
  owed: Count,
  status: BackorderStatus,
  /** Queue order: the hold's time in milliseconds x 1000 + its place in its batch. */
  seq: z.number().int().min(0),
  promisedAt: FirestoreTime,
  createdAt: FirestoreTime,
  updatedAt: FirestoreTime,
});
export type BackorderDoc = z.infer<typeof BackorderDoc>;
