/**
 * reserveStock: hold every line of a cart, or nothing.
 *
 * Ordinary SKUs are planned on their availability documents read inside the transaction (exact).
 * Hot SKUs are planned on figures read outside it (their aggregate, or a fresh snapshot of their
 * shards), then the transaction probes shards in random order and takes what it finds; if that
 * falls short it starts again on a fresh snapshot. "Not enough stock" is only ever answered from
 * a consistent read, so a unit that exists is never refused and none is sold twice.
 */
import { Timestamp } from 'firebase-admin/firestore';
import type { LocationDoc } from '../api/catalog';
import { type Allocation, InventoryDoc, type ReservationDoc } from '../api/inventory';
import type { ReservationView, ReserveStockRequest } from '../api/inventory-callables';
import { allocateLine, type Source } from './allocate';
import { countReads, type Deps } from './deps';
import { notFound, outOfStock } from './errors';
import { once } from './idempotency';
import { loadLocations } from './locations';
import { inventoryRef, reservationRef } from './paths';
import { markEmpty, probeOrder, readShards, type ShardAvailability, sumAvailable } from './shard-view';
import { StockTx } from './stock-tx';
import { Retry, type Tx } from './transaction';

/** How long a cart holds its stock. */
export const HOLD_MS = 15 * 60 * 1000;
/**
 * Shards probed inside one attempt on estimates before re-reading them all (each probe is a locked
 * read); on a fresh snapshot every shard it saw with stock may be probed.
 */
const MAX_PROBES = 3;

export async function reserveStock(
  deps: Deps,
  customer: { uid: string },
  req: ReserveStockRequest,
): Promise<ReservationView> {
  const skus = req.lines.map((l) => l.sku);
  /** Set once a plan on estimates fell short: from then on hot SKUs are planned on snapshots. */
  let exact = false;
  const view = await once(
    deps,
    { scope: 'reserveStock', uid: customer.uid, key: req.idempotencyKey, request: req },
    'reserve stock',
    (tx, opId) =>
      attempt(tx, opId).catch((err: unknown) => {
        if (err instanceof Retry) exact = true;
        throw err;
      }),
  );
  for (const sku of new Set(skus)) deps.refresher?.request(sku);
  return view;

  async function attempt(tx: Tx, opId: string): Promise<ReservationView> {
    const locations = await loadLocations(deps);
    const preview = await readPreview(deps, skus);
    const hot = skus.filter((sku) => Object.keys(preview.get(sku)!.shards).length > 0);
    const snapshots = new Map<string, ShardAvailability>();
    if (exact) for (const sku of hot) snapshots.set(sku, await readShards(deps, sku));

    const st = new StockTx(tx, deps, {
      actor: { uid: customer.uid, role: 'customer' },
      correlationId: opId,
      idempotencyKey: req.idempotencyKey,
      opId,
    });
    await st.loadInventory(skus.filter((sku) => !hot.includes(sku)));

    const lines: ReservationDoc['lines'] = [];
    for (const line of req.lines) {
      const isHot = hot.includes(line.sku);
      const doc = isHot ? preview.get(line.sku)! : st.inventory(line.sku);
      const plan = allocateLine(line.qty, sources(doc, locations, snapshots.get(line.sku)), req);
      if (!plan.ok) {
        if (isHot && !exact) {
          exact = true;
          throw new Retry(`estimates for ${line.sku} fell short`);
        }
        throw outOfStock(line.sku, line.qty, plan.available);
      }
      const allocations: Allocation[] = [];
      for (const { locationId, qty } of plan.allocations) {
        const shardCount = doc.shards[locationId];
        if (shardCount) {
          allocations.push(...(await takeFromShards(deps, st, line.sku, locationId, shardCount, qty, exact)));
          continue;
        }
        if (isHot) {
          // Planned on the preview: re-read inside the transaction before taking.
          await st.loadInventory([line.sku]);
          if ((st.inventory(line.sku).locations[locationId]?.available ?? 0) < qty)
            throw new Retry(`${line.sku} at ${locationId} changed`);
        }
        st.apply({ kind: 'reserve', sku: line.sku, locationId, shard: null, qty, reason: 'cart hold' });
        allocations.push({ locationId, shard: null, qty });
      }
      lines.push({ sku: line.sku, productId: doc.productId, qty: line.qty, allocations });
    }

    deps.checkpoint?.('reserveStock:before-write');
    const now = deps.clock.now().getTime();
    const reservation: ReservationDoc = {
      customerId: customer.uid,
      status: 'held',
      lines,
      createdAt: Timestamp.fromMillis(now),
      expiresAt: Timestamp.fromMillis(now + HOLD_MS),
      closedAt: null,
      orderId: null,
    };
    st.write();
    tx.create(reservationRef(deps.db, opId), reservation);
    return toView(opId, reservation);
  }
}

async function readPreview(deps: Deps, skus: string[]): Promise<Map<string, InventoryDoc>> {
  const snaps = await deps.db.getAll(...skus.map((sku) => inventoryRef(deps.db, sku)));
  countReads(deps, snaps.length);
  const out = new Map<string, InventoryDoc>();
  snaps.forEach((snap, i) => {
    if (!snap.exists) throw notFound('sku', skus[i]!);
    out.set(skus[i]!, InventoryDoc.parse(snap.data()));
  });
  return out;
}

function sources(
  doc: InventoryDoc,
  locations: Map<string, LocationDoc>,
  shards?: ShardAvailability,
): Source[] {
  const out: Source[] = [];
  for (const [locationId, stock] of Object.entries(doc.locations)) {
    const location = locations.get(locationId);
    if (!location) continue;
    const available =
      doc.shards[locationId] && shards ? sumAvailable(shards.get(locationId)) : stock.available;
    out.push({ location, available });
  }
  return out;
}

/** Takes `qty` units of one location from its shards, probing them in random order. */
async function takeFromShards(
  deps: Deps,
  st: StockTx,
  sku: string,
  locationId: string,
  shardCount: number,
  qty: number,
  exact: boolean,
): Promise<Allocation[]> {
  const taken: Allocation[] = [];
  let left = qty;
  const order = probeOrder(deps, sku, locationId, shardCount);
  for (const index of exact ? order : order.slice(0, MAX_PROBES)) {
    const key = { sku, locationId, index };
    await st.loadShards([key]);
    const available = st.shard(key)?.available ?? 0;
    if (available === 0) {
      markEmpty(deps, sku, locationId, index);
      continue;
    }
    const take = Math.min(left, available);
    st.apply({ kind: 'reserve', sku, locationId, shard: index, qty: take, reason: 'cart hold' });
    taken.push({ locationId, shard: index, qty: take });
    left -= take;
    if (left === 0) return taken;
  }
  throw new Retry(`shards of ${sku} at ${locationId} held less than planned`);
}

export function toView(reservationId: string, r: ReservationDoc): ReservationView {
  return {
    reservationId,
    status: r.status,
    expiresAt: new Date(r.expiresAt.toMillis()).toISOString(),
    lines: r.lines.map((l) => ({
      sku: l.sku,
      qty: l.qty,
      allocations: l.allocations.map((a) => ({ locationId: a.locationId, qty: a.qty })),
    })),
  };
}
