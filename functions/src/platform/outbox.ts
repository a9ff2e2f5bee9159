/**
 * The write side of the transactional outbox (issue 15): events are staged on the transaction of
 * the change that causes them, so they commit with it or not at all. Delivery (events/) reads
 * `outbox/` afterwards; nothing here knows about subscribers.
 *
 * It lives in platform because every domain that changes something the outside hears about
 * (inventory's StockTx, orders) writes through it, and domains do not reach into each other.
 */
import { type Firestore, Timestamp } from 'firebase-admin/firestore';
import {
  type EventType,
  type InventoryDoc,
  type LocationStock,
  type OutboxEvent,
  type StockFigures,
  stockStatus,
} from '@hearth/contracts';
import type { Tx } from './transaction';

export const outboxCol = (db: Firestore) => db.collection('outbox');

/** What an operation adds to the outbox; the rest (id, time, order) is filled in on write. */
export interface EmitInput {
  type: EventType;
  /** The business object; the operation's correlation id when absent. */
  correlationId?: string;
  /** Delivery order key; `sku:<sku>` when `sku` is given, else `<type's noun>:<correlationId>`. */
  orderKey?: string;
  sku?: string | null;
  locationId?: string | null;
  data: Record<string, unknown>;
}

export type Draft = Omit<OutboxEvent, 'id' | 'at' | 'seq' | 'dispatched'>;

export function draftOf(e: EmitInput, correlationId: string): Draft {
  const corr = e.correlationId ?? correlationId;
  const sku = e.sku ?? null;
  return {
    type: e.type,
    correlationId: corr,
    sku,
    locationId: e.locationId ?? null,
    orderKey: e.orderKey ?? (sku !== null ? `sku:${sku}` : `${e.type.split('.')[0]}:${corr}`),
    data: e.data,
  };
}

/** Stages the drafts on `tx` in order (auto ids: an aborted attempt leaves none, a retry makes new ones). */
export function writeOutbox(tx: Tx, db: Firestore, now: Date, drafts: Draft[]): string[] {
  const at = Timestamp.fromDate(now);
  return drafts.map((d, seq) => {
    const ref = outboxCol(db).doc();
    const event: OutboxEvent = { ...d, id: ref.id, at, seq, dispatched: false };
    tx.create(ref, event);
    return ref.id;
  });
}

export const figuresOf = (loc: LocationStock | undefined): StockFigures => ({
  onHand: loc?.onHand ?? 0,
  reserved: loc?.reserved ?? 0,
  available: (loc?.onHand ?? 0) - (loc?.reserved ?? 0),
  inTransit: loc?.inTransit ?? 0,
  damaged: loc?.damaged ?? 0,
  incoming: loc?.incoming ?? 0,
});

const sameFigures = (a: StockFigures, b: StockFigures) =>
  a.onHand === b.onHand &&
  a.reserved === b.reserved &&
  a.inTransit === b.inTransit &&
  a.damaged === b.damaged &&
  a.incoming === b.incoming;

function locationStatus(doc: InventoryDoc, loc: LocationStock | undefined): string {
  const f = figuresOf(loc);
  return stockStatus({
    available: f.available,
    safetyStock: loc?.safetyStock ?? 0,
    incoming: loc?.incoming ?? 0,
    inTransit: f.inTransit,
    madeToOrder: doc.madeToOrder,
    backorderable: doc.backorderable,
    lowStockUnits: doc.lowStockUnits,
  });
}

/**
 * The stock events of one SKU's change: for each location whose figures moved, `stock.changed`,
 * and the threshold crossings: `stock.out` (available reached 0), `stock.back_in_stock` (it left 0),
 * `stock.low` (it fell into the low band from above it).
 */
export function stockEventsOf(
  before: Record<string, LocationStock>,
  after: InventoryDoc,
  correlationIds: (locationId: string) => string[],
  fallbackCorrelationId: string,
): Draft[] {
  const drafts: Draft[] = [];
  const ids = new Set([...Object.keys(before), ...Object.keys(after.locations)]);
  for (const locationId of [...ids].sort()) {
    const b = figuresOf(before[locationId]);
    const a = figuresOf(after.locations[locationId]);
    if (sameFigures(a, b)) continue;
    const statusBefore = locationStatus(after, before[locationId]);
    const statusAfter = locationStatus(after, after.locations[locationId]);
    const corr = correlationIds(locationId);
    const data = {
      sku: after.sku,
      locationId,
      before: b,
      after: a,
      statusBefore,
      statusAfter,
      skuAvailable: after.available,
      skuStatus: after.status,
      correlationIds: corr.slice(0, 50),
    };
    const types: EventType[] = ['stock.changed'];
    if (b.available > 0 && a.available <= 0) types.push('stock.out');
    if (b.available <= 0 && a.available > 0) types.push('stock.back_in_stock');
    if (statusAfter === 'low' && statusBefore === 'in_stock') types.push('stock.low');
    for (const type of types)
      drafts.push({
        type,
        correlationId: corr[0] ?? fallbackCorrelationId,
        sku: after.sku,
        locationId,
        orderKey: `sku:${after.sku}`,
        data,
      });
  }
  return drafts;
}
