/**
 * The supply helpers against the emulator and firestore.rules: staff watch open purchase orders
 * (made and received by the functions' own domain code) soonest first, and see one leave the open
 * list when it is received; a shopper's watch is refused; "order this suggestion" refuses a bad
 * order before any round trip and keys one order per forecast run.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deleteApp, initializeApp } from 'firebase/app';
import { connectFunctionsEmulator, getFunctions } from 'firebase/functions';
import { Timestamp } from 'firebase-admin/firestore';
import { HttpsError } from 'firebase-functions/v2/https';
import { useEmulator, type TestFirestore } from '../../test/support/emulator';
import { Arrivals, within } from '../../test/support/within';
import {
  closePurchaseOrder,
  createPurchaseOrder,
  receivePurchaseOrder,
} from '../../functions/src/inventory/purchase-orders';
import { inventoryCallables } from '../../functions/src/inventory/callables';
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

/**
 * The callable protocol as firebase-functions' onCall answers it (`{ result }`, or the HttpsError's
 * HTTP status and `{ error: toJSON() }`), in front of the function's real handler, for one staff
 * caller (the web SDK here has no Auth to send an ID token). `gate` runs before each call's handler.
 */
async function callableHost(deps: Deps, gate: (n: number) => Promise<void>) {
  const api = inventoryCallables(() => deps);
  const auth = { uid: 'sam', token: { uid: 'sam', staff: true } as never, rawToken: 'test' };
  let calls = 0;
  const body = async (req: IncomingMessage) => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    return JSON.parse(text) as { data: unknown };
  };
  const server = createServer((req, res) => {
    const n = ++calls;
    void (async () => {
      const { data } = await body(req);
      const name = req.url?.split('/').pop();
      let status = 200;
      let answer: unknown;
      try {
        await gate(n);
        if (name !== 'createPurchaseOrder') throw new HttpsError('not-found', `no callable ${name}`);
        answer = { result: await api.createPurchaseOrder({ data, auth }) };
      } catch (err) {
        const e = err instanceof HttpsError ? err : new HttpsError('internal', String(err));
        status = e.httpErrorCode.status;
        answer = { error: e.toJSON() };
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('"order this suggestion" when the pre-check cannot see the other order', () => {
  it("gets the server's already_ordered refusal in the same shape as the pre-check's", async () => {
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
    const forecast = {
      sku: 'sofa',
      generatedAt: Timestamp.fromMillis(Date.parse('2026-11-30T05:00:00Z')),
      supplier: { id: 'oak', name: 'Oak & Co', leadTimeDays: 10 },
      replenishment: plan,
      locations: { 'wh-north': { history: [], units: [], replenishment: plan } },
    };
    // The SKU-wide order's call is held at the host until the location's call has arrived, so the
    // location's pre-check ran while no order of the run existed; then they run one after the other.
    let wideArrived!: () => void;
    const wideHeld = new Promise<void>((resolve) => (wideArrived = resolve));
    let locationArrived!: () => void;
    const locationHeld = new Promise<void>((resolve) => (locationArrived = resolve));
    let wideAnswered!: () => void;
    const wideDone = new Promise<void>((resolve) => (wideAnswered = resolve));
    const host = await callableHost(deps, async (n) => {
      if (n === 1) {
        wideArrived();
        await within(locationHeld, "the location's call at the host");
      } else {
        locationArrived();
        await within(wideDone, "the SKU-wide order's answer");
      }
    });
    const app = initializeApp({ projectId: fs.projectId, apiKey: 'k' }, 'supply-guard-calls');
    const functions = getFunctions(app);
    connectFunctionsEmulator(functions, '127.0.0.1', host.port);
    const sam = { functions, db: fs.webDb({ uid: 'sam', staff: true }) };
    const now = new Date('2026-11-21T09:00:00Z');
    try {
      const wide = orderSuggestion(sam, forecast, {
        supplier: 'Oak & Co',
        locationId: 'wh-north',
        now,
      }).finally(() => wideAnswered());
      await within(wideHeld, "the SKU-wide order's call at the host");
      const location = await within(
        orderLocationSuggestion(sam, forecast, 'wh-north', { now }),
        "the location's order",
      );
      const made = await within(wide, 'the SKU-wide order');
      assert.ok(made.ok, !made.ok ? made.error.message : '');
      assert.ok(!location.ok && location.error.code === 'failed-precondition', JSON.stringify(location));
      assert.deepEqual(
        !location.ok && location.error.code === 'failed-precondition'
          ? [location.error.reason, location.error.sku, location.error.purchaseOrderId]
          : null,
        ['already_ordered', 'sofa', made.value.purchaseOrderId],
      );
      assert.match(
        location.error.message,
        new RegExp(
          `wh-north's own suggestion .* purchase order ${made.value.purchaseOrderId} \\(from the SKU-wide suggestion\\)`,
        ),
      );
      const run = await fs.adminDb
        .collection('purchaseOrders')
        .where('fromSuggestion.generatedAt', '==', forecast.generatedAt)
        .get();
      assert.deepEqual(
        run.docs.map((d) => d.id),
        [made.value.purchaseOrderId],
      );
    } finally {
      await deleteApp(app);
      await host.close();
    }
  });
});
