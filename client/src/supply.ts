/**
 * Supply, for staff apps: purchase orders (create, receive by line, close), cycle counts with
 * compare-and-set, a SKU's stock policy, and the one action from a reorder suggestion to a
 * purchase order. Each request is checked against the function's own schema first; a fresh
 * idempotency key is made unless one is given.
 */
import {
  collection,
  getDocs,
  onSnapshot,
  orderBy,
  query,
  where,
  limit,
  Timestamp,
  type Unsubscribe,
} from 'firebase/firestore';
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
  SetSkuSupplierRequest,
  SetSkuSupplierResponse,
  SetSupplierRequest,
  SetSupplierResponse,
  type Replenishment,
  type SupplierDoc,
} from '@hearth/contracts';
import { call, keyed, type Keyed } from './call';
import type { HearthClient } from './client';
import { fail, invalidArgument, toHearthError, type HearthError, type Result } from './errors';

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

/**
 * Moves a SKU to another supplier (staff): the next forecast run plans it with that supplier's
 * lead time, and a re-seed keeps it. An unknown SKU or supplier is `not-found`.
 */
export const setSkuSupplier = (
  client: Client,
  req: Keyed<typeof SetSkuSupplierRequest>,
): Promise<Result<SetSkuSupplierResponse>> =>
  call(client, 'setSkuSupplier', SetSkuSupplierRequest, SetSkuSupplierResponse, keyed(req));

export type SupplierRow = SupplierDoc & { id: string };

/** Every supplier, by name (staff only; a store has tens). */
export function watchSuppliers(
  client: Pick<HearthClient, 'db'>,
  onChange: (suppliers: SupplierRow[]) => void,
  opts: { onError?: (e: HearthError) => void } = {},
): Unsubscribe {
  return onSnapshot(
    query(collection(client.db, 'suppliers'), limit(200)),
    (snap) =>
      onChange(
        snap.docs
          .map((d) => ({ ...(d.data() as SupplierDoc), id: d.id }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      ),
    (err) => (opts.onError ?? ((e) => console.error(`suppliers: ${e.message}`)))(toHearthError(err)),
  );
}

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

type Run = Pick<ForecastDoc, 'sku' | 'generatedAt'>;

/**
 * Which purchase order, if any, already covers one suggestion of a forecast run (`scope`: a
 * location's own, or `sku` for the SKU-wide one), from the run's orders (`suggestionOrders`).
 * The SKU-wide suggestion is the whole SKU's demand, every location's included, so its order
 * covers each location's too; a location's order covers that location's part of the SKU-wide one,
 * so once any location is ordered the SKU-wide one is covered (order the other locations' own).
 * Its own order is what a second press of the same suggestion returns, so it is reported with
 * `own: true` and not refused. A closed order's rest was cancelled and covers nothing.
 */
export function suggestionCover(
  orders: readonly Pick<PurchaseOrderRow, 'id' | 'status' | 'fromSuggestion'>[],
  scope: string,
): { purchaseOrderId: string; own: boolean } | null {
  const live = orders.filter((o) => o.status !== 'closed' && o.fromSuggestion);
  const of = (o: (typeof live)[number]) => o.fromSuggestion?.locationId ?? SKU_WIDE;
  const own = live.find((o) => of(o) === scope);
  if (own) return { purchaseOrderId: own.id, own: true };
  const other = live.find((o) => (scope === SKU_WIDE ? true : of(o) === SKU_WIDE));
  return other ? { purchaseOrderId: other.id, own: false } : null;
}

/** The scope `suggestionCover` names the SKU-wide suggestion by (no location id starts with '*'). */
export const SKU_WIDE = '*';

const runQuery = (client: Pick<HearthClient, 'db'>, forecast: Run) =>
  query(
    collection(client.db, 'purchaseOrders'),
    where('fromSuggestion.sku', '==', forecast.sku),
    where('fromSuggestion.generatedAt', '==', Timestamp.fromMillis(forecast.generatedAt.toMillis())),
    limit(100),
  );

const rowsOf = (docs: { id: string; data: () => unknown }[]): PurchaseOrderRow[] =>
  docs.map((d) => ({ ...(d.data() as PurchaseOrderDoc), id: d.id }));

/** The purchase orders made from one forecast run's suggestions of a SKU, live (staff only). */
export function watchSuggestionOrders(
  client: Pick<HearthClient, 'db'>,
  forecast: Run,
  onChange: (orders: PurchaseOrderRow[]) => void,
  opts: { onError?: (e: HearthError) => void } = {},
): Unsubscribe {
  return onSnapshot(
    runQuery(client, forecast),
    (snap) => onChange(rowsOf(snap.docs)),
    (err) => (opts.onError ?? ((e) => console.error(`suggestion orders: ${e.message}`)))(toHearthError(err)),
  );
}

async function orderPlan(
  client: Client & Pick<HearthClient, 'db'>,
  forecast: Run,
  plan: Replenishment,
  scope: string,
  order: SuggestionOrder,
): Promise<Result<PurchaseOrderResponse>> {
  const now = order.now ?? new Date();
  const lead = plan.leadTimeWeeks * 7 * DAY_MS;
  const locationId = scope === SKU_WIDE ? undefined : scope;
  const req = {
    idempotencyKey: suggestionKey(forecast, locationId),
    supplier: order.supplier,
    locationId: order.locationId,
    expectedAt: order.expectedAt ?? new Date(now.getTime() + lead).toISOString(),
    lines: [{ sku: forecast.sku, qty: order.qty ?? plan.suggestedQty }],
    fromSuggestion: {
      sku: forecast.sku,
      generatedAt: new Date(forecast.generatedAt.toMillis()).toISOString(),
      ...(locationId ? { locationId } : {}),
    },
  };
  // Bad input is refused before the look-up as well as before the call.
  const parsed = CreatePurchaseOrderRequest.safeParse(req);
  if (!parsed.success) return fail(invalidArgument(parsed.error));
  let orders: PurchaseOrderRow[];
  try {
    orders = rowsOf((await getDocs(runQuery(client, forecast))).docs);
  } catch (err) {
    return fail(toHearthError(err));
  }
  // A fast answer only: createPurchaseOrder claims the run's suggestion in its own transaction and
  // refuses a covered one with this same error (reason, sku, purchaseOrderId), which reaches the
  // caller through call() as it is, so an order this look-up could not see yet is still refused.
  const cover = suggestionCover(orders, scope);
  if (cover && !cover.own) {
    const what = locationId ? `${locationId}'s own suggestion` : 'the SKU-wide suggestion';
    const by = scope === SKU_WIDE ? "a location's own suggestion" : 'the SKU-wide suggestion';
    return fail({
      code: 'failed-precondition',
      message: `${forecast.sku}: ${what} of this forecast is already ordered, as purchase order ${cover.purchaseOrderId} (from ${by})`,
      reason: 'already_ordered',
      sku: forecast.sku,
      purchaseOrderId: cover.purchaseOrderId,
    });
  }
  return createPurchaseOrder(client, req);
}

/**
 * Turns a reorder suggestion (`forecasts/{sku}`, see watchReorderSuggestions) into a purchase
 * order of its suggested quantity, expected after its lead time unless `expectedAt` says otherwise.
 * Refused (`failed-precondition`, `already_ordered`) once a location's own suggestion of the same
 * run is ordered (see suggestionCover), here before the call when the look-up sees that order, or
 * by the callable's transaction when it does not (two consoles at once). The same press again by
 * the same member of staff returns the order it made; another's press of it is refused.
 */
export const orderSuggestion = (
  client: Client & Pick<HearthClient, 'db'>,
  forecast: Pick<ForecastDoc, 'sku' | 'generatedAt' | 'replenishment'>,
  order: SuggestionOrder,
): Promise<Result<PurchaseOrderResponse>> =>
  orderPlan(client, forecast, forecast.replenishment, SKU_WIDE, order);

/**
 * Orders a location's own suggestion (`forecast.locations[locationId]`: its forecast against its
 * stock) to that location, from the SKU's supplier unless `supplier` names another. A location
 * without a forecast of its own is refused here as not-found, before any call; one whose run's
 * SKU-wide suggestion is ordered, as `already_ordered`.
 */
export async function orderLocationSuggestion(
  client: Client & Pick<HearthClient, 'db'>,
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
  return orderPlan(client, forecast, plan, locationId, {
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
