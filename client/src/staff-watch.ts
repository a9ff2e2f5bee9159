/**
 * What the staff console listens to: the stock board, a SKU's ledger and shards, open holds, orders,
 * reconciliation runs, models and forecasts. All of it is read through firestore.rules, which let only staff
 * (custom claim `staff` or `admin`) read the ledger, other customers' holds and orders, the runs and
 * the models; a shopper's listener gets `permission-denied`.
 */
import {
  collection,
  doc,
  limit,
  onSnapshot,
  orderBy,
  query,
  where,
  type QueryConstraint,
  type Unsubscribe,
} from 'firebase/firestore';
import type {
  CurrentModelDoc,
  CustomerProfile,
  ForecastDoc,
  InventoryDoc,
  LedgerEntry,
  ModelDoc,
  OrderDoc,
  ReconciliationReport,
  ReservationDoc,
  ShardDoc,
  StockStatus,
} from '@hearth/contracts';
import type { HearthClient } from './client';
import { toHearthError, type HearthError } from './errors';

type Db = Pick<HearthClient, 'db'>;
export type WithId<T> = T & { id: string };
type OnError = (e: HearthError) => void;

function watchQuery<T>(
  client: Db,
  path: string,
  constraints: QueryConstraint[],
  onChange: (rows: WithId<T>[]) => void,
  onError: OnError,
): Unsubscribe {
  return onSnapshot(
    query(collection(client.db, path), ...constraints),
    (snap) => onChange(snap.docs.map((d) => ({ ...(d.data() as T), id: d.id }))),
    (err) => onError(toHearthError(err)),
  );
}

const logError: OnError = (e) => console.error(`staff watch: ${e.message}`);

export interface StockFilter {
  /** Only SKUs in this status. */
  status?: StockStatus;
  /** SKUs whose code starts with this (codes are upper case: it is upper-cased here). */
  skuPrefix?: string;
  /** At most this many rows (default 100), in SKU order. */
  limit?: number;
}

/**
 * `inventory/{sku}` documents as they change, in SKU order. For a hot SKU the figures of its
 * sharded locations are the aggregate as of `aggregatedAt` (at most about a minute old); watch its
 * shards (`watchShards`, or `watchAvailability`) for exact ones.
 */
export function watchStock(
  client: Db,
  filter: StockFilter,
  onChange: (rows: WithId<InventoryDoc>[]) => void,
  onError: OnError = logError,
): Unsubscribe {
  const c: QueryConstraint[] = [];
  if (filter.status) c.push(where('status', '==', filter.status));
  const prefix = filter.skuPrefix?.trim().toUpperCase();
  if (prefix) c.push(where('sku', '>=', prefix), where('sku', '<', `${prefix}\uf8ff`));
  c.push(orderBy('sku'), limit(filter.limit ?? 100));
  return watchQuery(client, 'inventory', c, onChange, onError);
}

/** A hot SKU's shards, every location's, as they change. */
export const watchShards = (
  client: Db,
  sku: string,
  onChange: (shards: WithId<ShardDoc>[]) => void,
  onError: OnError = logError,
): Unsubscribe => watchQuery(client, `inventory/${sku}/shards`, [], onChange, onError);

/** A SKU's ledger, newest first (staff only). */
export const watchLedger = (
  client: Db,
  sku: string,
  onChange: (entries: WithId<LedgerEntry>[]) => void,
  opts: { limit?: number; onError?: OnError } = {},
): Unsubscribe =>
  watchQuery(
    client,
    'ledger',
    [where('sku', '==', sku), orderBy('at', 'desc'), limit(opts.limit ?? 50)],
    onChange,
    opts.onError ?? logError,
  );

/** Holds still open, the soonest to expire first (staff only). */
export const watchHeldReservations = (
  client: Db,
  onChange: (holds: WithId<ReservationDoc>[]) => void,
  opts: { limit?: number; onError?: OnError } = {},
): Unsubscribe =>
  watchQuery(
    client,
    'reservations',
    [where('status', '==', 'held'), orderBy('expiresAt'), limit(opts.limit ?? 100)],
    onChange,
    opts.onError ?? logError,
  );

/** The newest orders of every customer (staff only). */
export const watchRecentOrders = (
  client: Db,
  onChange: (orders: WithId<OrderDoc>[]) => void,
  opts: { limit?: number; onError?: OnError } = {},
): Unsubscribe =>
  watchQuery(
    client,
    'orders',
    [orderBy('createdAt', 'desc'), limit(opts.limit ?? 50)],
    onChange,
    opts.onError ?? logError,
  );

/** Reconciliation runs, newest first (staff only). */
export const watchReconciliations = (
  client: Db,
  onChange: (runs: WithId<ReconciliationReport>[]) => void,
  opts: { limit?: number; onError?: OnError } = {},
): Unsubscribe =>
  watchQuery(
    client,
    'reconciliations',
    [orderBy('startedAt', 'desc'), limit(opts.limit ?? 20)],
    onChange,
    opts.onError ?? logError,
  );

/** Every model version, oldest first, and `models/current` (null before a first model; staff only). */
export const watchModels = (
  client: Db,
  onChange: (versions: WithId<ModelDoc>[], current: CurrentModelDoc | null) => void,
  onError: OnError = logError,
): Unsubscribe =>
  watchQuery<ModelDoc | CurrentModelDoc>(
    client,
    'models',
    [],
    (rows) => {
      const current = rows.find((r) => r.id === 'current') as CurrentModelDoc | undefined;
      const versions = rows.filter((r): r is WithId<ModelDoc> => r.id !== 'current' && 'createdAt' in r);
      versions.sort((a, b) => a.createdAt.toMillis() - b.createdAt.toMillis());
      onChange(versions, current ?? null);
    },
    onError,
  );

/**
 * The SKUs the nightly forecast says to reorder now, the largest suggested quantity first (staff
 * only; the index on `replenishment.reorder, replenishment.suggestedQty` serves it).
 */
export const watchReorderSuggestions = (
  client: Db,
  onChange: (rows: WithId<ForecastDoc>[]) => void,
  opts: { limit?: number; onError?: OnError } = {},
): Unsubscribe =>
  watchQuery(
    client,
    'forecasts',
    [
      where('replenishment.reorder', '==', true),
      orderBy('replenishment.suggestedQty', 'desc'),
      limit(opts.limit ?? 100),
    ],
    onChange,
    opts.onError ?? logError,
  );

/** One SKU's forecast (history, the next weeks, its replenishment), or null before the job has made one (staff only). */
export function watchForecast(
  client: Db,
  sku: string,
  onChange: (forecast: WithId<ForecastDoc> | null) => void,
  onError: OnError = logError,
): Unsubscribe {
  return onSnapshot(
    doc(client.db, 'forecasts', sku),
    (snap) => onChange(snap.exists() ? { ...(snap.data() as ForecastDoc), id: snap.id } : null),
    (err) => onError(toHearthError(err)),
  );
}

/**
 * One customer's profile (with its consent history), found by uid or, for a value with an '@', by
 * email; null when there is none (staff only).
 */
export function watchCustomer(
  client: Db,
  uidOrEmail: string,
  onChange: (profile: WithId<CustomerProfile> | null) => void,
  onError: OnError = logError,
): Unsubscribe {
  const wanted = uidOrEmail.trim();
  const fail = (err: unknown) => onError(toHearthError(err));
  if (!wanted.includes('@')) {
    return onSnapshot(
      doc(client.db, 'customers', wanted),
      (s) => onChange(s.exists() ? { ...(s.data() as CustomerProfile), id: s.id } : null),
      fail,
    );
  }
  return watchQuery<CustomerProfile>(
    client,
    'customers',
    [where('email', '==', wanted.toLowerCase()), limit(1)],
    (rows) => onChange(rows[0] ?? null),
    onError,
  );
}
