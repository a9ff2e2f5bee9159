/**
 * The supply helpers against the emulator and firestore.rules: staff watch open purchase orders
 * (made and received by the functions' own domain code) soonest first, and see one leave the open
 * list when it is received; a shopper's watch is refused; "order this suggestion" refuses a bad
 * order before any round trip and keys one order per forecast run.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Timestamp } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../test/support/emulator';
import { Arrivals, within } from '../../test/support/within';
import {
  closePurchaseOrder,
  createPurchaseOrder,
  receivePurchaseOrder,
} from '../../functions/src/inventory/purchase-orders';
import type { Deps } from '../../functions/src/inventory/deps';
import { FakeClock, seedStore } from '../../functions/test/inventory/support/store';
import {
  orderLocationSuggestion,
  orderSuggestion,
  SKU_WIDE,
  suggestionCover,
  suggestionKey,
  watchPurchaseOrders,
  watchSuggestionOrders,
  type HearthError,
  type PurchaseOrderRow,
} from '../src';

let fs: TestFirestore;
let deps: Deps;
const kim = { uid: 'kim', role: 'staff' as const };
before(async () => {
  fs = await useEmulator({ rulesFile: join(__dirname, '..', '..', 'firestore.rules') });
  deps = { db: fs.adminDb, clock: new FakeClock() };
  await seedStore(deps, [{ sku: 'sofa', stock: { 'wh-north': 1 } }]);
});
after(() => fs.stop());

const order = (key: string, expectedAt: string, qty: number) =>
  createPurchaseOrder(deps, kim, {
    idempotencyKey: key,
    supplier: 'Oak & Co',
    locationId: 'wh-north',
    expectedAt,
    lines: [{ sku: 'sofa', qty }],
  });

describe('purchase orders for staff apps', () => {
  it('lists open orders soonest first, live, and drops one once received', async () => {
    const late = await order('po-late-key', '2026-12-20T00:00:00Z', 3);
    const soon = await order('po-soon-key', '2026-11-25T00:00:00Z', 2);
    const seen = new Arrivals<PurchaseOrderRow[]>();
    const stop = watchPurchaseOrders({ db: fs.webDb({ uid: 'sam', staff: true }) }, (rows) =>
      seen.push(rows),
    );
    try {
      const first = await seen.until((rows) => rows.length === 2, 'both open orders');
      assert.deepEqual(
        first.map((r) => r.id),
        [soon.purchaseOrderId, late.purchaseOrderId],
      );
      await receivePurchaseOrder(deps, kim, {
        idempotencyKey: 'po-soon-receipt',
        purchaseOrderId: soon.purchaseOrderId,
        lines: [{ sku: 'sofa', qty: 2 }],
      });
      const after = await seen.until((rows) => rows.length === 1, 'the open list without the received order');
      assert.equal(after[0]!.id, late.purchaseOrderId);
    } finally {
      stop();
    }
  });

  it("refuses a shopper's watch", async () => {
    let stop = (): void => undefined;
    const error = await within(
      new Promise<HearthError>((resolve) => {
        stop = watchPurchaseOrders({ db: fs.webDb({ uid: 'ada' }) }, () => assert.fail('staff only'), {
          onError: resolve,
        });
      }),
      'the error for a shopper watching purchase orders',
    ).finally(() => stop());
    assert.equal(error.code, 'permission-denied');
  });

  it('orders a suggestion under one key per forecast run, and refuses an empty one locally', async () => {
    const generatedAt = Timestamp.fromMillis(Date.parse('2026-11-21T05:00:00Z'));
    const forecast = (suggestedQty: number) => ({
      sku: 'sofa.oak',
      generatedAt,
      replenishment: {
        leadTimeWeeks: 2,
        reviewWeeks: 1,
        serviceLevel: 0.95,
        leadTimeDemand: 4,
        safetyStock: 2,
        reorderPoint: 6,
        orderUpTo: 8,
        inventoryPosition: 1,
        reorder: true,
        suggestedQty,
      },
    });
    assert.equal(suggestionKey(forecast(7)), `suggestion-sofa_oak-${generatedAt.toMillis()}`);
    // No functions client is needed: the request fails its schema before any call is made.
    const refused = await orderSuggestion(
      { functions: undefined as never, db: undefined as never },
      forecast(0),
      {
        supplier: 'Oak & Co',
        locationId: 'wh-north',
      },
    );
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.error.code, 'invalid-argument');
    assert.equal(
      !refused.ok && refused.error.code === 'invalid-argument' && refused.error.field,
      'lines.0.qty',
    );
  });

  it("orders a location's own suggestion under its own key, and refuses a location without one", async () => {
    const generatedAt = Timestamp.fromMillis(Date.parse('2026-11-21T05:00:00Z'));
    const plan = (suggestedQty: number) => ({
      leadTimeWeeks: 2,
      reviewWeeks: 1,
      serviceLevel: 0.95,
      leadTimeDemand: 4,
      safetyStock: 2,
      reorderPoint: 6,
      orderUpTo: 8,
      inventoryPosition: 8 - suggestedQty,
      reorder: suggestedQty > 0,
      suggestedQty,
    });
    const forecast = {
      sku: 'sofa.oak',
      generatedAt,
      supplier: { id: 'oak', name: 'Oak & Co', leadTimeDays: 10 },
      locations: { 'wh-north': { history: [], units: [], replenishment: plan(0) } },
    };
    assert.equal(
      suggestionKey(forecast, 'wh-north'),
      `suggestion-sofa_oak-wh-north-${generatedAt.toMillis()}`,
    );
    assert.notEqual(suggestionKey(forecast, 'wh-north'), suggestionKey(forecast));
    const noFunctions = { functions: undefined as never, db: undefined as never };
    const elsewhere = await orderLocationSuggestion(noFunctions, forecast, 'store-bath');
    assert.equal(!elsewhere.ok && elsewhere.error.code, 'not-found');
    // The location's own quantity (none here) is what is ordered, refused before any call.
    const empty = await orderLocationSuggestion(noFunctions, forecast, 'wh-north');
    assert.equal(!empty.ok && empty.error.code === 'invalid-argument' && empty.error.field, 'lines.0.qty');
  });

  it("refuses a second order for one run's demand: the SKU-wide order covers each location's, a location's covers the SKU-wide", async () => {
    const plan = {
      leadTimeWeeks: 2,
      reviewWeeks: 1,
      serviceLevel: 0.95,
      leadTimeDemand: 4,
      safetyStock: 2,
      reorderPoint: 6,
      orderUpTo: 8,
      inventoryPosition: 3,
      reorder: true,
      suggestedQty: 5,
    };
    const run = (at: string) => ({
      sku: 'sofa',
      generatedAt: Timestamp.fromMillis(Date.parse(at)),
      supplier: { id: 'oak', name: 'Oak & Co', leadTimeDays: 10 },
      replenishment: plan,
      locations: {
        'wh-north': { history: [], units: [], replenishment: plan },
        'wh-south': { history: [], units: [], replenishment: plan },
      },
    });
    const orderFrom = (forecast: ReturnType<typeof run>, key: string, locationId?: string) =>
      createPurchaseOrder(deps, kim, {
        idempotencyKey: key,
        supplier: 'Oak & Co',
        locationId: locationId ?? 'wh-north',
        expectedAt: '2026-12-10T00:00:00Z',
        lines: [{ sku: 'sofa', qty: 5 }],
        fromSuggestion: {
          sku: 'sofa',
          generatedAt: forecast.generatedAt.toDate().toISOString(),
          ...(locationId ? { locationId } : {}),
        },
      });
    // The refusals come before any call: there is no functions client, so a call would fail otherwise.
    const sam = { functions: undefined as never, db: fs.webDb({ uid: 'sam', staff: true }) };

    const first = run('2026-11-28T05:00:00Z');
    const north = await orderFrom(first, 'run1-north', 'wh-north');
    const wide = await orderSuggestion(sam, first, { supplier: 'Oak & Co', locationId: 'wh-north' });
    assert.equal(
      !wide.ok && wide.error.code === 'failed-precondition' && wide.error.reason,
      'already_ordered',
    );
    assert.equal(
      !wide.ok && wide.error.code === 'failed-precondition' && wide.error.purchaseOrderId,
      north.purchaseOrderId,
    );
    assert.match(!wide.ok ? wide.error.message : '', new RegExp(`purchase order ${north.purchaseOrderId}`));

    const second = run('2026-11-29T05:00:00Z');
    const skuWide = await orderFrom(second, 'run2-wide');
    for (const loc of ['wh-north', 'wh-south']) {
      const refused = await orderLocationSuggestion(sam, second, loc);
      assert.equal(
        !refused.ok && refused.error.code === 'failed-precondition' && refused.error.purchaseOrderId,
        skuWide.purchaseOrderId,
        loc,
      );
    }

    // The console's view of the same rule: live orders of the run, and each suggestion's cover.
    const seen = new Arrivals<PurchaseOrderRow[]>();
    const stop = watchSuggestionOrders(sam, second, (rows) => seen.push(rows));
    try {
      const rows = await seen.until((r) => r.length === 1, "the run's one order");
      assert.equal(rows[0]!.fromSuggestion?.locationId, null);
      assert.deepEqual(suggestionCover(rows, SKU_WIDE), {
        purchaseOrderId: skuWide.purchaseOrderId,
        own: true,
      });
      assert.deepEqual(suggestionCover(rows, 'wh-south'), {
        purchaseOrderId: skuWide.purchaseOrderId,
        own: false,
      });
      // The first run's orders do not cover the second's.
      const firstRows = await within(
        new Promise<PurchaseOrderRow[]>((resolve) => {
          const off = watchSuggestionOrders(sam, first, (r) => (off(), resolve(r)));
        }),
        "the first run's orders",
      );
      assert.deepEqual(
        firstRows.map((r) => r.id),
        [north.purchaseOrderId],
      );
      assert.deepEqual(suggestionCover(firstRows, 'wh-north'), {
        purchaseOrderId: north.purchaseOrderId,
        own: true,
      });
      assert.equal(suggestionCover(firstRows, 'wh-south'), null);
      // A closed order's rest was cancelled: it covers nothing any more.
      await closePurchaseOrder(deps, kim, {
        idempotencyKey: 'run2-close',
        purchaseOrderId: skuWide.purchaseOrderId,
        reason: 'cancelled',
      });
      const closed = await seen.until((r) => r[0]?.status === 'closed', 'the order closed');
      assert.equal(suggestionCover(closed, 'wh-south'), null);
    } finally {
      stop();
    }
  });
});
