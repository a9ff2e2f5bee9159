/**
 * Supply, for staff apps: purchase orders (create, receive by line, close), cycle counts with
 * compare-and-set, a SKU's stock policy, and the one action from a reorder suggestion to a
 * purchase order. Each request is checked against the function's own schema first; a fresh
 * idempotency key is made unless one is given.
 */
import { collection, onSnapshot, orderBy, query, where, limit, type Unsubscribe } from 'firebase/firestore';
import {
  type BackorderDoc,
  ClosePurchaseOrderRequest,
  CreatePurchaseOrderRequest,
  type ForecastDoc,
  type PurchaseOrderDoc,
  PurchaseOrderResponse,
  type PurchaseOrderStatus,
  ReceivePurchaseOrderRequest,
  SetStockCountRequest,
  SetStockCountResponse,
  SetStockPolicyRequest,
  SetStockPolicyResponse,
  SetSupplierRequest,
  SetSupplierResponse,
  type Replenishment,
} from '@hearth/contracts';
import { call, keyed, type Keyed } from './call';
import type { HearthClient } from './client';
import { fail, toHearthError, type HearthError, type Result } from './errors';

type Client = Pick<HearthClient, 'functions'>;

export const createPurchaseOrder = (
  client: Client,
  req: Keyed<typeof CreatePurchaseOrderRequest>,
): Promise<Result<PurchaseOrderResponse>> =>
  call(client, 'createPurchaseOrder', CreatePurchaseOrderRequest, PurchaseOrderResponse, keyed(req));

/** Receives some or all of an order's lines; more than a line still awaits is refused (`over_receipt`). */
export const receivePurchaseOrder = (
  client: Client,
  req: Keyed<typeof ReceivePurchaseOrderRequest>,
): Promise<Result<PurchaseOrderResponse>> =>
  call(client, 'receivePurchaseOrder', ReceivePurchaseOrderRequest, PurchaseOrderResponse, keyed(req));

/** Closes an open order: what was not received leaves `incoming`. */
export const closePurchaseOrder = (
  client: Client,
  req: Keyed<typeof ClosePurchaseOrderRequest>,
): Promise<Result<PurchaseOrderResponse>> =>
  call(client, 'closePurchaseOrder', ClosePurchaseOrderRequest, PurchaseOrderResponse, keyed(req));

/**
 * Records a cycle count. `expectedOnHand` is the on-hand figure shown when counting began; if the
 * store's figure has moved since, the answer is `failed-precondition` with reason `count_mismatch`
 * and the message names the figure now: count again against it.
 */
export const setStockCount = (
  client: Client,
  req: Keyed<typeof SetStockCountRequest>,
): Promise<Result<SetStockCountResponse>> =>
  call(client, 'setStockCount', SetStockCountRequest, SetStockCountResponse, keyed(req));

/** A SKU's own low-stock threshold (null: the store's) and its safety stock per location. */
export const setStockPolicy = (
  client: Client,
  req: Keyed<typeof SetStockPolicyRequest>,
): Promise<Result<SetStockPolicyResponse>> =>
  call(client, 'setStockPolicy', SetStockPolicyRequest, SetStockPolicyResponse, keyed(req));

/** A supplier's name and lead time, which the nightly forecast orders ahead of (staff). */
export const setSupplier = (client: Client, req: SetSupplierRequest): Promise<Result<SetSupplierResponse>> =>
  call(client, 'setSupplier', SetSupplierRequest, SetSupplierResponse, req);

const DAY_MS = 24 * 3600 * 1000;

const safeKeyPart = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, '_');

/**
 * The key of "order this suggestion": one per SKU (and location, for a location's own suggestion)
 * and forecast run, so a second press (or a retry after a lost answer) returns the order already
 * made instead of making another.
 */
export const suggestionKey = (forecast: Pick<ForecastDoc, 'sku' | 'generatedAt'>, locationId?: string) =>
  `suggestion-${safeKeyPart(forecast.sku)}-${locationId ? `${safeKeyPart(locationId)}-` : ''}${forecast.generatedAt.toMillis()}`;

/** What an order names when the SKU has no supplier on record. */
export const USUAL_SUPPLIER = 'Usual supplier';

interface SuggestionOrder {
  supplier: string;
  locationId: string;
  expectedAt?: string;
  qty?: number;
  now?: Date;
}

function orderPlan(
  client: Client,
  forecast: Pick<ForecastDoc, 'sku' | 'generatedAt'>,
  plan: Replenishment,
  idempotencyKey: string,
  order: SuggestionOrder,
): Promise<Result<PurchaseOrderResponse>> {
  const now = order.now ?? new Date();
  const lead = plan.leadTimeWeeks * 7 * DAY_MS;
  return createPurchaseOrder(client, {
    idempotencyKey,
    supplier: order.supplier,
    locationId: order.locationId,
    expectedAt: order.expectedAt ?? new Date(now.getTime() + lead).toISOString(),
    lines: [{ sku: forecast.sku, qty: order.qty ?? plan.suggestedQty }],
    fromSuggestion: {
      sku: forecast.sku,
      generatedAt: new Date(forecast.generatedAt.toMillis()).toISOString(),
    },
  });
}

/**
 * Turns a reorder suggestion (`forecasts/{sku}`, see watchReorderSuggestions) into a purchase
 * order of its suggested quantity, expected after its lead time unless `expectedAt` says otherwise.
 */
export const orderSuggestion = (
  client: Client,
  forecast: Pick<ForecastDoc, 'sku' | 'generatedAt' | 'replenishment'>,
  order: SuggestionOrder,
): Promise<Result<PurchaseOrderResponse>> =>
  orderPlan(client, forecast, forecast.replenishment, suggestionKey(forecast), order);

/**
 * Orders a location's own suggestion (`forecast.locations[locationId]`: its forecast against its
 * stock) to that location, from the SKU's supplier unless `supplier` names another. A location
 * without a forecast of its own is refused here as not-found, before any call.
 */
export async function orderLocationSuggestion(
  client: Client,
  forecast: Pick<ForecastDoc, 'sku' | 'generatedAt' | 'locations' | 'supplier'>,
  locationId: string,
  order: Partial<SuggestionOrder> = {},
): Promise<Result<PurchaseOrderResponse>> {
  const plan = forecast.locations[locationId]?.replenishment;
  if (!plan)
    return fail({
      code: 'not-found',
      message: `${forecast.sku} has no forecast of its own at ${locationId} (too little history there)`,
      kind: 'location forecast',
      id: locationId,
    });
  return orderPlan(client, forecast, plan, suggestionKey(forecast, locationId), {
    ...order,
    supplier: order.supplier ?? forecast.supplier?.name ?? USUAL_SUPPLIER,
    locationId,
  });
}

export type PurchaseOrderRow = PurchaseOrderDoc & { id: string };

/**
 * Purchase orders in one status (default open), soonest expected first (staff only). Sorted here,
 * so the query needs no composite index.
 */
export function watchPurchaseOrders(
  client: Pick<HearthClient, 'db'>,
  onChange: (orders: PurchaseOrderRow[]) => void,
  opts: { status?: PurchaseOrderStatus; limit?: number; onError?: (e: HearthError) => void } = {},
): Unsubscribe {
  return onSnapshot(
    query(
      collection(client.db, 'purchaseOrders'),
      where('status', '==', opts.status ?? 'open'),
      limit(opts.limit ?? 100),
    ),
    (snap) =>
      onChange(
        snap.docs
          .map((d) => ({ ...(d.data() as PurchaseOrderDoc), id: d.id }))
          .sort((a, b) => a.expectedAt.toMillis() - b.expectedAt.toMillis()),
      ),
    (err) => (opts.onError ?? ((e) => console.error(`purchase orders: ${e.message}`)))(toHearthError(err)),
  );
}

export type BackorderRow = BackorderDoc & { id: string };

/**
 * A SKU's backorder queue as it changes (staff only): the lines still owed units, in the order
 * arrivals will fill them (oldest hold first).
 */
export function watchBackorderQueue(
  client: Pick<HearthClient, 'db'>,
  sku: string,
  onChange: (queue: BackorderRow[]) => void,
  opts: { limit?: number; onError?: (e: HearthError) => void } = {},
): Unsubscribe {
  return onSnapshot(
    query(
      collection(client.db, 'backorders'),
      where('sku', '==', sku),
      where('status', '==', 'waiting'),
      orderBy('seq'),
      limit(opts.limit ?? 100),
    ),
    (snap) => onChange(snap.docs.map((d) => ({ ...(d.data() as BackorderDoc), id: d.id }))),
    (err) => (opts.onError ?? ((e) => console.error(`backorders: ${e.message}`)))(toHearthError(err)),
  );
}
