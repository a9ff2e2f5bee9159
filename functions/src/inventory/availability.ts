/**
 * The derived figures of an availability document (per-location `available`, totals, status),
 * computed from its counters. Everything that writes `inventory/{sku}` goes through `withTotals`,
 * so the document is consistent with its own counters by construction.
 */
import { Timestamp } from 'firebase-admin/firestore';
import type { InventoryDoc, LocationStock } from '@hearth/contracts';
import { stockStatus } from './status';
import { storeSettings } from '../platform/settings';

export const emptyLocationStock = (): LocationStock => ({
  onHand: 0,
  reserved: 0,
  available: 0,
  incoming: 0,
  safetyStock: 0,
  inTransit: 0,
  damaged: 0,
  backordered: 0,
});

export function withTotals(doc: InventoryDoc, now: Date): InventoryDoc {
  const locations: Record<string, LocationStock> = {};
  const sum = {
    onHand: 0,
    reserved: 0,
    available: 0,
    incoming: 0,
    inTransit: 0,
    safetyStock: 0,
    backordered: 0,
  };
  for (const [id, loc] of Object.entries(doc.locations)) {
    const fixed = { ...loc, available: loc.onHand - loc.reserved };
    locations[id] = fixed;
    sum.onHand += fixed.onHand;
    sum.reserved += fixed.reserved;
    sum.available += fixed.available;
    sum.incoming += fixed.incoming;
    sum.inTransit += fixed.inTransit;
    sum.safetyStock += fixed.safetyStock;
    sum.backordered += fixed.backordered;
  }
  // A process-wide param: every document written by this instance agrees on the threshold, unless
  // the SKU has its own (setStockPolicy, stock-policy.ts).
  const lowStockUnits = doc.lowStockOverride ?? storeSettings().lowStockUnits;
  return {
    ...doc,
    locations,
    onHand: sum.onHand,
    reserved: sum.reserved,
    available: sum.available,
    incoming: sum.incoming,
    inTransit: sum.inTransit,
    backordered: sum.backordered,
    status: stockStatus({
      ...sum,
      madeToOrder: doc.madeToOrder,
      // A SKU taking backorders can be ordered when none is for sale, whatever its catalog flag.
      backorderable: doc.backorderable || Boolean(doc.backorder),
      lowStockUnits,
    }),
    lowStockUnits,
    version: doc.version + 1,
    updatedAt: Timestamp.fromDate(now),
  };
}

/** A new SKU's availability document, before any stock arrives. */
export function newInventoryDoc(
  init: { sku: string; productId: string; madeToOrder?: boolean; backorderable?: boolean },
  now: Date,
): InventoryDoc {
  return withTotals(
    {
      sku: init.sku,
      productId: init.productId,
      madeToOrder: init.madeToOrder ?? false,
      backorderable: init.backorderable ?? false,
      locations: {},
      shards: {},
      onHand: 0,
      reserved: 0,
      available: 0,
      incoming: 0,
      inTransit: 0,
      backordered: 0,
      status: 'out',
      version: -1,
      updatedAt: Timestamp.fromDate(now),
      aggregatedAt: null,
    },
    now,
  );
}
