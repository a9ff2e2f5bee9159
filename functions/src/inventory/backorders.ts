/**
 * Backorders and made to order: holds beyond stock, filled first come first served as units arrive.
 *
 * A SKU with a backorder policy (setStockPolicy) lets a cart that allows it (allowBackorder) hold a
 * line its stock cannot cover: what the policy's location has for sale is reserved as usual and the
 * rest is owed there (`backorder`: backordered up), up to the policy's limit. Carts never take units
 * while any are owed at a location (safety-stock.ts counts owed units out), so whatever arrives (a
 * purchase order, a return, a cancelled hold) waits for the queue: `fillBackorders`, run by the
 * inventory trigger and by the expiry schedule's sweep, gives it to the oldest owed lines first
 * (`backorder_fill`: backordered down, reserved up). A hold that nothing is owed to any more can be
 * checked out for BACKORDER_READY_HOURS; one never filled expires BACKORDER_GRACE_DAYS past its
 * promise, and its owed units are dropped (`backorder_release`).
 *
 * Hot (sharded) SKUs take no backorders: their carts take from shards without reading the document.
 */
import type { Firestore } from 'firebase-admin/firestore';
import { Timestamp } from 'firebase-admin/firestore';
import {
  BACKORDER_GRACE_DAYS,
  BACKORDER_READY_HOURS,
  BackorderDoc,
  type OutOfStockDetails,
  InventoryDoc,
  PurchaseOrderDoc,
  type ReservationDoc,
  type ReserveStockRequest,
} from '@hearth/contracts';
import { countReads } from '../platform/deps';
import { runInTransaction, type Tx } from '../platform/transaction';
import type { Deps } from './deps';
import { InventoryError } from './errors';
import { purchaseOrdersCol } from './purchase-orders';
import { inventoryCol, reservationRef } from './paths';
import { readReservation } from './reservations';
import { type OpContext, StockTx } from './stock-tx';
import { reservationFilled } from './outbox-events';

export const backordersCol = (db: Firestore) => db.collection('backorders');
export const backorderRef = (db: Firestore, reservationId: string, sku: string) =>
  backordersCol(db).doc(`${reservationId}__${sku}`);

const DAY_MS = 24 * 3600 * 1000;

/** Units an open purchase order still brings to a location, and when. */
export interface Arrival {
  at: number;
  qty: number;
}

/**
 * The open purchase orders' outstanding units of each SKU at its policy's location, soonest first:
 * read before the batch's transaction (a promise is an estimate; the units themselves are counted
 * in the transaction).
 */
export async function readArrivals(deps: Deps, docs: InventoryDoc[]): Promise<Map<string, Arrival[]>> {
  const arrivals = new Map<string, Arrival[]>();
  const byLocation = new Map<string, InventoryDoc[]>();
  for (const doc of docs)
    if (doc.backorder)
      byLocation.set(doc.backorder.locationId, [...(byLocation.get(doc.backorder.locationId) ?? []), doc]);
  await Promise.all(
    [...byLocation].map(async ([locationId, skuDocs]) => {
      const snap = await purchaseOrdersCol(deps.db)
        .where('locationId', '==', locationId)
        .where('status', '==', 'open')
        .get();
      countReads(deps, Math.max(1, snap.size));
      const orders = snap.docs.map((d) => PurchaseOrderDoc.parse(d.data()));
      for (const { sku } of skuDocs)
        arrivals.set(
          sku,
          orders
            .flatMap((po) =>
              po.lines
                .filter((l) => l.sku === sku && l.qty > l.received)
                .map((l) => ({ at: po.expectedAt.toMillis(), qty: l.qty - l.received })),
            )
            .sort((a, b) => a.at - b.at),
        );
    }),
  );
  return arrivals;
}

/** Whether `req` may hold `doc`'s line beyond stock. */
export const mayBackorder = (doc: InventoryDoc, req: ReserveStockRequest): boolean =>
  Boolean(req.allowBackorder && !req.pickup && doc.backorder && Object.keys(doc.shards).length === 0);

/**
 * A line beyond stock: what the policy's location has for sale now, and the rest owed there; or the
 * refusal when the policy's limit has no room for the rest.
 */
export function backorderLine(
  doc: InventoryDoc,
  qty: number,
  forSale: number,
): { locationId: string; take: number; owe: number } | InventoryError {
  const policy = doc.backorder!;
  const take = Math.min(qty, forSale);
  const owe = qty - take;
  const room = Math.max(0, policy.limit - (doc.locations[policy.locationId]?.backordered ?? 0));
  if (owe > room)
    return new InventoryError(
      'resource-exhausted',
      `Not enough stock of ${doc.sku}: ${qty} requested, ${take} available and ${room} more can be backordered`,
      { sku: doc.sku, requested: qty, available: take, backorderRoom: room } satisfies OutOfStockDetails,
    );
  return { locationId: policy.locationId, take, owe };
}

/**
 * When the last of `owedThrough` units owed at the location (those before this hold, and its own)
 * is expected: the open purchase order that brings it, or, past what they bring, the lead time.
 */
export function promisedAt(doc: InventoryDoc, arrivals: Arrival[], owedThrough: number, now: number): number {
  let coming = 0;
  for (const a of arrivals) {
    coming += a.qty;
    if (coming >= owedThrough) return Math.max(a.at, now);
  }
  return now + doc.backorder!.leadTimeDays * DAY_MS;
}

export const expiryOfPromise = (promised: number) => promised + BACKORDER_GRACE_DAYS * DAY_MS;

/** The queue entry of a held line with units owed, written with its reservation. */
export function queueEntry(
  reservationId: string,
  res: ReservationDoc,
  line: ReservationDoc['lines'][number],
  seq: number,
): BackorderDoc {
  return {
    reservationId,
    customerId: res.customerId,
    sku: line.sku,
    locationId: res.backorder!.locationId,
    qty: line.owed!,
    owed: line.owed!,
    status: 'waiting',
    seq,
    promisedAt: res.backorder!.promisedAt,
    createdAt: res.createdAt,
    updatedAt: res.createdAt,
  };
}

/** Ends the queue entries of a hold closed while units were still owed (release, expiry). */
export function closeQueueEntries(
  tx: Tx,
  db: Firestore,
  reservationId: string,
  res: ReservationDoc,
  now: Date,
): void {
  for (const line of res.lines)
    if ((line.owed ?? 0) > 0)
      tx.update(backorderRef(db, reservationId, line.sku), {
        status: 'released',
        owed: 0,
        updatedAt: Timestamp.fromDate(now),
      });
}

/** The refusal of a checkout while units are still owed. */
export function stillOwed(reservationId: string, res: ReservationDoc): InventoryError | null {
  const owed = res.lines.filter((l) => (l.owed ?? 0) > 0);
  if (owed.length === 0) return null;
  const what = owed.map((l) => `${l.owed} × ${l.sku}`).join(', ');
  const when = new Date(res.backorder!.promisedAt.toMillis()).toISOString();
  return new InventoryError(
    'failed-precondition',
    `Reservation ${reservationId} still waits for ${what}, promised for ${when}; it can be checked out once they arrive`,
    { reason: 'backorder_waiting' },
  );
}

/** Queue entries one fill serves at most: each writes its entry, reservation and ledger entry. */
const FILL_BATCH = 100;

/**
 * The trigger's half: a written availability document with units for sale where units are owed is
 * filled; any other write (most of them, and the fill's own) costs no transaction.
 */
export async function fillOnInventoryWritten(deps: Deps, sku: string, after: unknown): Promise<void> {
  const parsed = InventoryDoc.safeParse(after);
  if (!parsed.success) return;
  const fillable = Object.values(parsed.data.locations).some(
    (l) => l.backordered > 0 && l.available - l.safetyStock > 0,
  );
  if (!fillable) return;
  const r = await fillBackorders(deps, sku);
  if (r.units > 0)
    console.log(`backorders of ${sku}: ${r.units} units filled, ${r.completed} holds complete`);
}

/**
 * Gives what the SKU has for sale at each location to its owed lines there, oldest first: each gets
 * as much as there is (a partial fill still leaves nobody behind it served before it). Runs until
 * the queue or the stock runs out; returns the units filled and the holds it completed.
 */
export async function fillBackorders(
  deps: Deps,
  sku: string,
  batch = FILL_BATCH,
): Promise<{ units: number; completed: number }> {
  const total = { units: 0, completed: 0 };
  for (;;) {
    const round = await fillRound(deps, sku, batch);
    total.units += round.units;
    total.completed += round.completed;
    if (!round.more) return total;
  }
}

async function fillRound(deps: Deps, sku: string, batch: number) {
  return runInTransaction(deps, `fill backorders of ${sku}`, async (tx) => {
    const db = deps.db;
    const now = deps.clock.now();
    const queue = await tx.raw.get(
      backordersCol(db).where('sku', '==', sku).where('status', '==', 'waiting').orderBy('seq').limit(batch),
    );
    const st = new StockTx(tx, deps, systemContext(`fill-${sku}`));
    await st.loadInventory([sku]);
    const entries = queue.docs.map((d) => BackorderDoc.parse(d.data()));
    const snaps = await tx.getAll(entries.map((e) => reservationRef(db, e.reservationId)));
    // The query's reads (the documents' are counted by Tx).
    countReads(deps, Math.max(1, queue.size));
    const doc = st.inventory(sku);
    const round = { units: 0, completed: 0 };
    for (const entry of entries) {
      const cell = doc.locations[entry.locationId];
      const qty = Math.min(entry.owed, Math.max(0, (cell?.available ?? 0) - (cell?.safetyStock ?? 0)));
      if (qty === 0) continue;
      const res = readReservation(snaps.get(reservationRef(db, entry.reservationId).path)!);
      // A hold closes its queue entries in the transaction that closes it, so a held one is the rule.
      if (res.status !== 'held') continue;
      st.apply(
        {
          kind: 'backorder_fill',
          sku,
          locationId: entry.locationId,
          shard: null,
          qty,
          reason: `backorder of reservation ${entry.reservationId} filled`,
        },
        { ...systemContext(entry.reservationId), opId: `fill-${entry.reservationId}-${sku}-${entry.owed}` },
      );
      const filled = withUnits(res, sku, entry.locationId, qty, now);
      tx.update(reservationRef(db, entry.reservationId), {
        lines: filled.lines,
        backorder: filled.backorder,
        expiresAt: filled.expiresAt,
      });
      if (filled.backorder?.filledAt) {
        st.emit(reservationFilled(entry.reservationId, filled), systemContext(entry.reservationId));
        round.completed++;
      }
      tx.update(backorderRef(db, entry.reservationId, sku), {
        owed: entry.owed - qty,
        status: entry.owed === qty ? 'filled' : 'waiting',
        updatedAt: Timestamp.fromDate(now),
      });
      round.units += qty;
    }
    st.write();
    // A full batch that filled something may have more queue behind it, and stock for it.
    return { ...round, more: round.units > 0 && queue.size === batch };
  });
}

const systemContext = (correlationId: string): OpContext => ({
  actor: { uid: 'fillBackorders', role: 'system' },
  correlationId,
  idempotencyKey: null,
  opId: correlationId,
});

/** The hold with `qty` more of its owed `sku` reserved at `locationId`; complete once nothing is owed. */
function withUnits(
  res: ReservationDoc,
  sku: string,
  locationId: string,
  qty: number,
  now: Date,
): ReservationDoc {
  const lines = res.lines.map((line) => {
    if (line.sku !== sku) return line;
    const allocations = [...line.allocations];
    const i = allocations.findIndex((a) => a.locationId === locationId && a.shard === null);
    if (i >= 0) allocations[i] = { ...allocations[i]!, qty: allocations[i]!.qty + qty };
    else allocations.push({ locationId, shard: null, qty });
    return { ...line, allocations, owed: (line.owed ?? 0) - qty };
  });
  if (lines.some((l) => (l.owed ?? 0) > 0)) return { ...res, lines };
  return {
    ...res,
    lines,
    backorder: { ...res.backorder!, filledAt: Timestamp.fromDate(now) },
    expiresAt: Timestamp.fromMillis(now.getTime() + BACKORDER_READY_HOURS * 3600 * 1000),
  };
}

/** The sweep: every SKU owing units, filled from what it has (a trigger that never ran, a late arrival). */
export async function sweepBackorders(
  deps: Deps,
): Promise<{ skus: number; units: number; completed: number }> {
  const snap = await inventoryCol(deps.db).where('backordered', '>', 0).select().get();
  countReads(deps, Math.max(1, snap.size));
  const total = { skus: snap.size, units: 0, completed: 0 };
  for (const d of snap.docs) {
    const r = await fillBackorders(deps, d.id);
    total.units += r.units;
    total.completed += r.completed;
  }
  return total;
}
