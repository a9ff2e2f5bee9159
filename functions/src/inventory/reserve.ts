/**
 * reserveStock: hold every line of a cart, or nothing.
 *
 * Ordinary SKUs are planned on their availability documents read inside the transaction (exact).
 * Hot SKUs are planned on figures read outside it (their aggregate, or a snapshot of their shards),
 * then the transaction probes shards in random order and takes what it finds; if that falls short
 * it starts again on a fresh snapshot. "Not enough stock" is only ever answered from a consistent
 * read taken during the call, so a unit that exists is never refused and none is sold twice.
 * Calls that cannot be served are answered from that read before any transaction, so in a sell-out
 * the losers take no locks and the winners do not queue behind them.
 */
import { Timestamp } from 'firebase-admin/firestore';
import {
  type Allocation,
  InventoryDoc,
  type LocationDoc,
  type ReservationDoc,
  type ReservationView,
  type ReserveStockRequest,
} from '@hearth/contracts';
import { allocateLine, type Source } from './allocate';
import { countReads } from '../platform/deps';
import type { Deps } from './deps';
import { notFound, outOfStock } from './errors';
import { once } from './idempotency';
import { loadLocations } from './locations';
import { inventoryRef, reservationRef } from './paths';
import { noteShard, probeOrder, readShards, type ShardAvailability, sumAvailable } from './shard-view';
import { admit } from './local-gate';
import { arrival, publish, sharedRead } from './shared-read';
import { StockTx } from './stock-tx';
import { Retry, type Tx } from '../platform/transaction';

/** How long a cart holds its stock. */
export const HOLD_MS = 15 * 60 * 1000;

/** What the call knows from reads outside the transaction. */
interface Picture {
  docs: Map<string, InventoryDoc>;
  /** Shard snapshots of hot SKUs; read once estimates fell short. */
  shards: Map<string, ShardAvailability>;
}

/** What this call's last attempt wrote, and when its commit was sent. */
interface Committed {
  written: ReturnType<StockTx['write']>;
  sent: number;
}

const isHot = (doc: InventoryDoc) => Object.keys(doc.shards).length > 0;

export async function reserveStock(
  deps: Deps,
  customer: { uid: string },
  req: ReserveStockRequest,
): Promise<ReservationView> {
  const skus = req.lines.map((l) => l.sku);
  const arrived = arrival();
  let picture: Picture | null = null;
  let exact = false;
  let done = null as Committed | null;

  const look = async (since: number): Promise<Picture> => {
    const docs = await readInventory(deps, skus, since);
    const shards = new Map<string, ShardAvailability>();
    if (exact)
      for (const [sku, doc] of docs) if (isHot(doc)) shards.set(sku, await readShards(deps, sku, since));
    return { docs, shards };
  };

  /** Refuses the cart, from a consistent read taken during the call, if some line cannot be served. */
  const refuseIfShort = async (locations: Map<string, LocationDoc>) => {
    picture = await look(arrived);
    for (const line of req.lines) {
      const plan = allocateLine(
        line.qty,
        sources(deps, picture.docs.get(line.sku)!, locations, picture.shards.get(line.sku)),
        req,
      );
      if (plan.ok) continue;
      if (isHot(picture.docs.get(line.sku)!) && !exact) {
        exact = true;
        return refuseIfShort(locations);
      }
      throw outOfStock(line.sku, line.qty, plan.available, plan.total);
    }
  };

  const precheck = async () => {
    const locations = await loadLocations(deps);
    await refuseIfShort(locations);
    const docs = picture!.docs;
    const release = await admit(
      deps.db,
      skus.map((sku) => ({ key: sku, limit: Math.max(1, sumShards(docs.get(sku)!)) })),
    );
    try {
      // What committed while this call waited is usually the answer.
      await refuseIfShort(locations);
    } catch (err) {
      release();
      throw err;
    }
    return (committed: boolean) => {
      // Publish before letting the next call in: it can then answer from this commit.
      if (committed && done) {
        for (const doc of done.written.docs)
          publish(deps.db, inventoryKey([doc.sku]), done.sent, new Map([[doc.sku, doc]]));
        for (const s of done.written.shards) {
          noteShard(deps, s.sku, s.locationId, s.index, s.available);
          deps.refresher?.request(s.sku);
        }
      }
      release();
    };
  };

  const attempt = async (tx: Tx, opId: string): Promise<ReservationView> => {
    const locations = await loadLocations(deps);
    const seen = picture ?? (await look(arrival()));
    picture = null;
    const hot = skus.filter((sku) => isHot(seen.docs.get(sku)!));
    const st = new StockTx(tx, deps, {
      actor: { uid: customer.uid, role: 'customer' },
      correlationId: opId,
      idempotencyKey: req.idempotencyKey,
      opId,
    });
    const exactSkus = skus.filter((sku) => !hot.includes(sku));
    const readAt = arrival();
    await st.loadInventory(exactSkus);
    // A read inside the transaction is as good as any for the calls waiting behind this one (in a
    // sell-out it tells them there is nothing left, whoever took the last unit).
    for (const sku of exactSkus)
      publish(deps.db, inventoryKey([sku]), readAt, new Map([[sku, st.inventory(sku)]]));

    const lines: ReservationDoc['lines'] = [];
    for (const line of req.lines) {
      const lineIsHot = hot.includes(line.sku);
      const doc = lineIsHot ? seen.docs.get(line.sku)! : st.inventory(line.sku);
      const snapshot = seen.shards.get(line.sku);
      const plan = allocateLine(line.qty, sources(deps, doc, locations, snapshot), req);
      if (!plan.ok) {
        if (lineIsHot && !exact) throw new Retry(`estimates for ${line.sku} fell short`);
        throw outOfStock(line.sku, line.qty, plan.available, plan.total);
      }
      const allocations: Allocation[] = [];
      for (const { locationId, qty } of plan.allocations) {
        const shardCount = doc.shards[locationId];
        if (shardCount) {
          const shards = {
            sku: line.sku,
            locationId,
            count: shardCount,
            snapshot: snapshot?.get(locationId),
          };
          allocations.push(...(await takeFromShards(deps, st, shards, qty)));
          continue;
        }
        if (lineIsHot) {
          // Planned on a read outside the transaction: re-read inside it before taking (the
          // location may have been sharded since, its units then living in shards).
          await st.loadInventory([line.sku]);
          const now = st.inventory(line.sku);
          if (now.shards[locationId] || (now.locations[locationId]?.available ?? 0) < qty)
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
    const written = st.write();
    tx.create(reservationRef(deps.db, opId), reservation);
    done = { written, sent: arrival() };
    return toView(opId, reservation);
  };

  return once(
    deps,
    { scope: 'reserveStock', uid: customer.uid, key: req.idempotencyKey, request: req },
    'reserve stock',
    (tx, opId) =>
      attempt(tx, opId).catch((err: unknown) => {
        if (err instanceof Retry) exact = true;
        throw err;
      }),
    precheck,
  );
}

const sumShards = (doc: InventoryDoc) => Object.values(doc.shards).reduce((sum, n) => sum + n, 0);
const inventoryKey = (skus: string[]) => `inventory/${[...skus].sort().join('|')}`;

/** The availability documents of `skus`, read after `since` (shared with concurrent calls). */
function readInventory(deps: Deps, skus: string[], since: number): Promise<Map<string, InventoryDoc>> {
  const sorted = [...skus].sort();
  return sharedRead(deps.db, inventoryKey(sorted), since, async () => {
    const snaps = await deps.db.getAll(...sorted.map((sku) => inventoryRef(deps.db, sku)));
    countReads(deps, snaps.length);
    const out = new Map<string, InventoryDoc>();
    snaps.forEach((snap, i) => {
      if (!snap.exists) throw notFound('sku', sorted[i]!);
      out.set(sorted[i]!, InventoryDoc.parse(snap.data()));
    });
    return out;
  });
}

/**
 * Where a line could come from. Sharded locations count what the snapshot shows, or without one
 * their aggregate, unless every shard there was just seen empty.
 */
function sources(
  deps: Deps,
  doc: InventoryDoc,
  locations: Map<string, LocationDoc>,
  snapshot?: ShardAvailability,
): Source[] {
  const out: Source[] = [];
  for (const [locationId, stock] of Object.entries(doc.locations)) {
    const location = locations.get(locationId);
    if (!location) continue;
    const count = doc.shards[locationId];
    let available = stock.available;
    if (count && snapshot) available = sumAvailable(snapshot.get(locationId));
    else if (count && probeOrder(deps, doc.sku, locationId, count).length === 0) available = 0;
    out.push({ location, available });
  }
  return out;
}

/**
 * Takes `qty` units of one location from its shards, probing in random order: on estimates a single
 * shard (each probe is a locked read, and a miss means the estimates are stale), on a snapshot every
 * shard it shows with stock.
 */
async function takeFromShards(
  deps: Deps,
  st: StockTx,
  where: { sku: string; locationId: string; count: number; snapshot: Map<number, number> | undefined },
  qty: number,
): Promise<Allocation[]> {
  const { sku, locationId } = where;
  const taken: Allocation[] = [];
  let left = qty;
  const order = probeOrder(deps, sku, locationId, where.count, where.snapshot);
  for (const index of where.snapshot ? order : order.slice(0, 1)) {
    const key = { sku, locationId, index };
    await st.loadShards([key]);
    const available = st.shard(key)?.available ?? 0;
    if (available === 0) {
      noteShard(deps, sku, locationId, index, 0);
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

function toView(reservationId: string, r: ReservationDoc): ReservationView {
  return {
    reservationId,
    status: r.status,
    expiresAt: new Date(r.expiresAt.toMillis()).toISOString(),
    lines: r.lines.map((l) => ({
      sku: l.sku,
      qty: l.qty,
      allocations: perLocation(l.allocations),
    })),
  };
}

/** What the customer sees: units per location (shards are how a location keeps them, not theirs). */
function perLocation(allocations: Allocation[]): { locationId: string; qty: number }[] {
  const byLocation = new Map<string, number>();
  for (const a of allocations) byLocation.set(a.locationId, (byLocation.get(a.locationId) ?? 0) + a.qty);
  return [...byLocation].map(([locationId, qty]) => ({ locationId, qty }));
}
