/**
 * Live availability of SKUs, for product pages and carts. A hot SKU keeps part of its stock in
 * shards, and its availability document only catches up with them off the hot path; so for those
 * locations this sums the shards themselves, and what an app shows is exact as of each snapshot.
 */
import {
  collection,
  doc,
  onSnapshot,
  type DocumentData,
  type Firestore,
  type Unsubscribe,
} from 'firebase/firestore';
import { type InventoryDoc, type ShardDoc, type StockStatus, stockStatus } from '@hearth/contracts';
import { toHearthError, type HearthError } from './errors';
import type { HearthClient } from './client';

export interface LocationAvailability {
  onHand: number;
  reserved: number;
  available: number;
  incoming: number;
}

export interface Availability {
  sku: string;
  productId: string;
  status: StockStatus;
  /** onHand - reserved over all locations: units not held, safety stock and units owed included. */
  available: number;
  /**
   * What carts can take now: available less the safety stock withheld and the units owed to
   * backordered holds (what the status is computed from; show this as "only N left").
   */
  forSale: number;
  onHand: number;
  reserved: number;
  incoming: number;
  locations: Record<string, LocationAvailability>;
  /** Locations whose figures were summed from shards. */
  shardedLocations: string[];
  /** True while the figures come from the local cache, not yet confirmed by the server. */
  fromCache: boolean;
}

type InventoryFields = Pick<
  InventoryDoc,
  | 'sku'
  | 'productId'
  | 'madeToOrder'
  | 'backorderable'
  | 'backorder'
  | 'locations'
  | 'shards'
  | 'inTransit'
  | 'lowStockUnits'
>;
type ShardFields = Pick<ShardDoc, 'locationId' | 'onHand' | 'reserved' | 'available'>;

/** Availability from an inventory document and the shards of its sharded locations. */
export function availabilityOf(inv: InventoryFields, shards: ShardFields[], fromCache = false): Availability {
  const locations: Record<string, LocationAvailability> = {};
  let safetyStock = 0;
  let backordered = 0;
  for (const [id, loc] of Object.entries(inv.locations)) {
    locations[id] = {
      onHand: loc.onHand,
      reserved: loc.reserved,
      available: loc.available,
      incoming: loc.incoming,
    };
    safetyStock += loc.safetyStock;
    // Documents written before backorders existed have none.
    backordered += loc.backordered ?? 0;
  }
  const shardedLocations = Object.keys(inv.shards ?? {});
  for (const id of shardedLocations) {
    const sum = { onHand: 0, reserved: 0, available: 0, incoming: locations[id]?.incoming ?? 0 };
    for (const s of shards) {
      if (s.locationId !== id) continue;
      sum.onHand += s.onHand;
      sum.reserved += s.reserved;
      sum.available += s.available;
    }
    locations[id] = sum;
  }
  const total = { onHand: 0, reserved: 0, available: 0, incoming: 0 };
  for (const l of Object.values(locations)) {
    total.onHand += l.onHand;
    total.reserved += l.reserved;
    total.available += l.available;
    total.incoming += l.incoming;
  }
  const status = stockStatus({
    available: total.available,
    safetyStock,
    incoming: total.incoming,
    inTransit: inv.inTransit,
    backordered,
    madeToOrder: inv.madeToOrder,
    backorderable: inv.backorderable || Boolean(inv.backorder),
    lowStockUnits: inv.lowStockUnits,
  });
  const forSale = Math.max(0, total.available - safetyStock - backordered);
  return {
    sku: inv.sku,
    productId: inv.productId,
    status,
    ...total,
    forSale,
    locations,
    shardedLocations,
    fromCache,
  };
}

/** Shard documents per location, so a shard set read from the cache can be checked for gaps. */
function shardsPresent(shards: ShardFields[]): Record<string, number> {
  const count: Record<string, number> = {};
  for (const s of shards) count[s.locationId] = (count[s.locationId] ?? 0) + 1;
  return count;
}

/**
 * Listens to one SKU: its availability document, and its shards while it has any.
 *
 * Only the server can say a SKU is not stocked: a snapshot from the cache without the document
 * (offline, or not yet synced) is `unavailable` and the watch goes on; so is a shard set read from
 * the cache with shards missing, which would sum to less than the SKU has. Metadata changes are
 * listened to as well, since the server confirming the cache (or a missing document) changes no
 * document and would otherwise raise no snapshot at all. A listener the SDK fails ends the watch.
 */
function watchOne(
  db: Firestore,
  sku: string,
  onChange: (a: Availability) => void,
  onError: (e: HearthError) => void,
): Unsubscribe {
  let inv: InventoryFields | undefined;
  let invFromCache = false;
  let shards: ShardFields[] | undefined;
  let shardsFromCache = false;
  let stopShards: Unsubscribe | undefined;
  // What was last reported, an availability or an error: each is reported once, on a change.
  let lastShown = '';
  let pending: ReturnType<typeof setTimeout> | undefined;

  const report = (error: HearthError) => {
    const shown = `${error.code}: ${error.message}`;
    if (shown === lastShown) return;
    lastShown = shown;
    onError(error);
  };
  const offline = (what: string): HearthError => ({
    code: 'unavailable',
    message: `Cannot confirm SKU '${sku}' while offline (${what}); still watching`,
    retryable: true,
  });

  const show = () => {
    pending = undefined;
    if (!inv) return;
    const sharded = Object.keys(inv.shards ?? {}).length > 0;
    if (sharded && !shards) return; // wait for the first shard snapshot: never show a partial sum
    if (sharded && shardsFromCache) {
      const present = shardsPresent(shards!);
      const missing = Object.entries(inv.shards).some(([loc, n]) => (present[loc] ?? 0) < n);
      if (missing) return report(offline('its shards are not all cached'));
    }
    const availability = availabilityOf(inv, sharded ? shards! : [], invFromCache || shardsFromCache);
    // Refreshing a hot SKU's aggregate changes the document but not what shoppers see: no update.
    const shown = JSON.stringify(availability);
    if (shown === lastShown) return;
    lastShown = shown;
    onChange(availability);
  };
  // One commit can change the document and a shard; the SDK raises the two listeners' snapshots of
  // it as separate tasks, so showing after both have run never shows half of a commit.
  const emit = () => {
    pending ??= setTimeout(show, 0);
  };
  const dropShards = () => {
    stopShards?.();
    stopShards = undefined;
    shards = undefined;
    shardsFromCache = false;
  };
  const stop = () => {
    stopDoc();
    dropShards();
    clearTimeout(pending);
  };
  // The SDK has removed the failed listener; stop the other one too, so the watch ends whole.
  const fail = (err: unknown) => {
    stop();
    onError(toHearthError(err));
  };

  const stopDoc: Unsubscribe = onSnapshot(
    doc(db, 'inventory', sku),
    { includeMetadataChanges: true },
    (snap) => {
      if (!snap.exists()) {
        inv = undefined;
        dropShards();
        if (snap.metadata.fromCache) report(offline('it is not in the local cache'));
        else report({ code: 'not-found', message: `No SKU '${sku}' is stocked`, kind: 'sku', id: sku });
        return;
      }
      inv = snap.data() as InventoryFields & DocumentData;
      invFromCache = snap.metadata.fromCache;
      const sharded = Object.keys(inv.shards ?? {}).length > 0;
      if (sharded && !stopShards) {
        stopShards = onSnapshot(
          collection(db, 'inventory', sku, 'shards'),
          { includeMetadataChanges: true },
          (qs) => {
            shards = qs.docs.map((d) => d.data() as ShardFields);
            shardsFromCache = qs.metadata.fromCache;
            emit();
          },
          fail,
        );
      } else if (!sharded && stopShards) dropShards();
      emit();
    },
    fail,
  );
  return stop;
}

export interface WatchOptions {
  /**
   * Called when a SKU cannot be shown (default: logs it). After `unavailable` (offline, and the
   * SKU is not in the local cache) and `not-found` (the server has no such SKU) the watch goes on,
   * and `onChange` is called once the SKU can be shown; any other error (`permission-denied`,
   * say) means the SDK has ended that SKU's listener: call `watchAvailability` again to retry.
   */
  onError?: (error: HearthError) => void;
}

/**
 * Calls `onChange` with a SKU's availability now and on every change; for several SKUs, with all
 * of them (once each has arrived) on every change of any. Returns the function that stops it.
 * Figures read from the local cache are shown with `fromCache: true`, and shown again with
 * `fromCache: false` once the server confirms them; a SKU missing from the cache is reported as
 * `unavailable` (retryable), never as `not-found`, which only a server snapshot can say.
 */
export function watchAvailability(
  client: Pick<HearthClient, 'db'>,
  sku: string,
  onChange: (availability: Availability) => void,
  opts?: WatchOptions,
): Unsubscribe;
export function watchAvailability(
  client: Pick<HearthClient, 'db'>,
  skus: string[],
  onChange: (bySku: Record<string, Availability>) => void,
  opts?: WatchOptions,
): Unsubscribe;
export function watchAvailability(
  client: Pick<HearthClient, 'db'>,
  skus: string | string[],
  onChange: ((a: Availability) => void) | ((bySku: Record<string, Availability>) => void),
  opts: WatchOptions = {},
): Unsubscribe {
  const onError = opts.onError ?? ((e: HearthError) => console.error(`watchAvailability: ${e.message}`));
  if (typeof skus === 'string')
    return watchOne(client.db, skus, onChange as (a: Availability) => void, onError);
  const wanted = [...new Set(skus)];
  const latest: Record<string, Availability> = {};
  // A cart's reservation commits several SKUs at once: report them together, after all have run.
  let pending: ReturnType<typeof setTimeout> | undefined;
  const show = () => {
    pending = undefined;
    if (wanted.every((s) => latest[s]))
      (onChange as (b: Record<string, Availability>) => void)({ ...latest });
  };
  const stops = wanted.map((sku) =>
    watchOne(
      client.db,
      sku,
      (a) => {
        latest[sku] = a;
        pending ??= setTimeout(show, 0);
      },
      onError,
    ),
  );
  return () => {
    stops.forEach((stop) => stop());
    clearTimeout(pending);
  };
}
