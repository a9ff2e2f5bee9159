/**
 * The deployed functions: wiring only, built so that an instance loads what its own function needs
 * and nothing else. Cloud Functions (and firebase-tools' Functions emulator) start each function's
 * instances with FUNCTION_TARGET naming it: such an instance defines only that trigger, so it
 * requires only that trigger's firebase-functions provider (a callable never loads the Firestore
 * or scheduler ones), and the domain code behind it, with the Firestore SDK, loads on its first
 * call. TF.js loads only inside the retraining job. Without FUNCTION_TARGET (the deploy's
 * discovery, the dev stack's functions host, scripts and tests) every trigger is defined, and the
 * params are declared at once so the discovery lists them.
 */
import type { CallableRequest } from 'firebase-functions/v2/https';
import type * as Https from 'firebase-functions/v2/https';
import type * as Firestore from 'firebase-functions/v2/firestore';
import type * as Scheduler from 'firebase-functions/v2/scheduler';
import type { ScheduleOptions } from 'firebase-functions/v2/scheduler';

/* eslint-disable @typescript-eslint/no-require-imports -- each provider is required by the trigger
   that uses it, so an instance of one trigger kind never loads the others. */
const https = (): typeof Https => require('firebase-functions/v2/https');
const firestore = (): typeof Firestore => require('firebase-functions/v2/firestore');
const scheduler = (): typeof Scheduler => require('firebase-functions/v2/scheduler');
/* eslint-enable @typescript-eslint/no-require-imports */

/** Loads once, on first use; a failed load is tried again by the next call. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));
}

const instance = once(() => import('./instance.js'));

type Handlers = Record<string, (req: CallableRequest) => unknown>;

const inventory = once(async () => {
  const [{ inventoryCallables }, { inventoryDeps }] = await Promise.all([
    import('./inventory/callables.js'),
    instance(),
  ]);
  return inventoryCallables(inventoryDeps) as Handlers;
});

// Customers: profiles, consent, export and erasure.
const customers = once(async () => {
  const [{ customerCallables }, { customerDeps }] = await Promise.all([
    import('./customers/callables.js'),
    instance(),
  ]);
  return customerCallables(customerDeps) as Handlers;
});

// Recommendations serving: two document reads a call; the store-wide documents are cached per instance.
const recommendations = once(async () => {
  const [{ recommendationCallables }, { ServingState }, { inventoryDeps }] = await Promise.all([
    import('./recommendations/callables.js'),
    import('./recommendations/serving-state.js'),
    instance(),
  ]);
  const state = new ServingState();
  return recommendationCallables(() => ({ ...inventoryDeps(), state })) as Handlers;
});

// Webhooks (issue 15): subscriptions and replay (staff); delivery by the outbox trigger and the sweeper.
const events = once(async () => {
  const [{ eventCallables }, { inventoryDeps }] = await Promise.all([
    import('./events/callables.js'),
    instance(),
  ]);
  return eventCallables(inventoryDeps) as Handlers;
});

// Bulk imports and exports (staff).
const bulk = once(async () => {
  const [{ bulkCallables }, { inventoryDeps }] = await Promise.all([
    import('./bulk/callables.js'),
    instance(),
  ]);
  return bulkCallables(inventoryDeps) as Handlers;
});

const callable = (domain: () => Promise<Handlers>, name: string) =>
  https().onCall(async (req: CallableRequest) => (await domain())[name]!(req));

const scheduled = (options: string | ScheduleOptions, job: () => Promise<void>) =>
  scheduler().onSchedule(options as ScheduleOptions, job);

const triggers = {
  createWebhookSubscription: () => callable(events, 'createWebhookSubscription'),
  setWebhookSubscriptionStatus: () => callable(events, 'setWebhookSubscriptionStatus'),
  rotateWebhookSecret: () => callable(events, 'rotateWebhookSecret'),
  deleteWebhookSubscription: () => callable(events, 'deleteWebhookSubscription'),
  replayWebhookEvents: () => callable(events, 'replayWebhookEvents'),
  webhookDeliverOnOutbox: () =>
    firestore().onDocumentCreated('outbox/{eventId}', async (event) => {
      const [{ deliverNewEvent }, { inventoryDeps }] = await Promise.all([
        import('./events/sweep.js'),
        instance(),
      ]);
      await deliverNewEvent(inventoryDeps(), event.params.eventId);
    }),
  sweepWebhooks: () =>
    scheduled({ schedule: 'every 1 minutes', timeoutSeconds: 300 }, async () => {
      const [{ sweepWebhooks }, { inventoryDeps }] = await Promise.all([
        import('./events/sweep.js'),
        instance(),
      ]);
      const r = await sweepWebhooks(inventoryDeps());
      console.log(
        `webhooks: ${r.dispatched} late events dispatched, ${r.completed} deliveries over ${r.streams} streams`,
      );
    }),
  reserveStock: () => callable(inventory, 'reserveStock'),
  checkout: () => callable(inventory, 'checkout'),
  releaseReservation: () => callable(inventory, 'releaseReservation'),
  restock: () => callable(inventory, 'restock'),
  adjustStock: () => callable(inventory, 'adjustStock'),
  transferStock: () => callable(inventory, 'transferStock'),
  receiveTransfer: () => callable(inventory, 'receiveTransfer'),
  recordReturn: () => callable(inventory, 'recordReturn'),
  setShardCount: () => callable(inventory, 'setShardCount'),
  extendReservation: () => callable(inventory, 'extendReservation'),
  setPurchaseLimit: () => callable(inventory, 'setPurchaseLimit'),
  cancelOrder: () => callable(inventory, 'cancelOrder'),
  advanceFulfilment: () => callable(inventory, 'advanceFulfilment'),
  // Supply (staff): purchase orders, cycle counts, stock policy.
  createPurchaseOrder: () => callable(inventory, 'createPurchaseOrder'),
  receivePurchaseOrder: () => callable(inventory, 'receivePurchaseOrder'),
  closePurchaseOrder: () => callable(inventory, 'closePurchaseOrder'),
  setStockCount: () => callable(inventory, 'setStockCount'),
  setStockPolicy: () => callable(inventory, 'setStockPolicy'),
  setSupplier: () => callable(inventory, 'setSupplier'),
  setSkuSupplier: () => callable(inventory, 'setSkuSupplier'),

  expireReservations: () =>
    scheduled('every 1 minutes', async () => {
      const [{ expireReservations }, { refreshAllSharded }, { inventoryDeps }] = await Promise.all([
        import('./inventory/release.js'),
        import('./inventory/refresh.js'),
        instance(),
      ]);
      const d = inventoryDeps();
      const { expired } = await expireReservations(d);
      // Click-and-collect goods not collected in time go back on sale on the same tick.
      const pickups = await (await import('./inventory/pickup-expiry.js')).expirePickups(d);
      if (pickups.expired > 0) console.log(`cancelled ${pickups.expired} uncollected pickup orders`);
      // Backorders the trigger did not fill (it never ran, or stock came back by an expiry just now).
      const backorders = await (await import('./inventory/backorders.js')).sweepBackorders(d);
      if (backorders.units > 0)
        console.log(`filled ${backorders.units} backordered units; ${backorders.completed} holds complete`);
      await d.refresher?.idle();
      const refreshed = await refreshAllSharded(d);
      console.log(`expired ${expired} reservations; refreshed ${refreshed} hot SKUs' availability`);
    }),
  // Units arriving where backorders wait go to them, oldest first (inventory/backorders.ts).
  backorderFillOnInventoryWrite: () =>
    firestore().onDocumentWritten('inventory/{sku}', async (event) => {
      const [{ fillOnInventoryWritten }, { inventoryDeps }] = await Promise.all([
        import('./inventory/backorders.js'),
        instance(),
      ]);
      await fillOnInventoryWritten(inventoryDeps(), event.params.sku, event.data?.after.data());
    }),
  reconcileInventory: () =>
    scheduled('every 60 minutes', async () => {
      const [{ reconcileInventory }, { inventoryDeps }] = await Promise.all([
        import('./inventory/reconcile.js'),
        instance(),
      ]);
      const report = await reconcileInventory(inventoryDeps());
      const open = report.drift.filter((d) => !d.repaired);
      (open.length > 0 ? console.error : console.log)(
        `reconciliation ${report.runId}: ${report.drift.length} drift found, ${open.length} left for a person`,
      );
    }),

  ensureProfile: () => callable(customers, 'ensureProfile'),
  setConsent: () => callable(customers, 'setConsent'),
  exportMyData: () => callable(customers, 'exportMyData'),
  deleteMyData: () => callable(customers, 'deleteMyData'),
  exportCustomerData: () => callable(customers, 'exportCustomerData'),
  eraseCustomer: () => callable(customers, 'eraseCustomer'),

  // Recommendations: retrained nightly; TF.js loads only when the job runs.
  retrainRecommender: () =>
    scheduled(
      { schedule: 'every day 03:00', timeZone: 'Europe/London', timeoutSeconds: 540, memory: '1GiB' },
      async () => {
        const [{ retrainRecommender }, { inventoryDeps }] = await Promise.all([
          import('./recommendations/retrain.js'),
          instance(),
        ]);
        const { db, clock } = inventoryDeps();
        await retrainRecommender({ db, clock });
      },
    ),
  getRecommendations: () => callable(recommendations, 'getRecommendations'),
  similarItems: () => callable(recommendations, 'similarItems'),
  setRecommenderSplit: () => callable(recommendations, 'setRecommenderSplit'),
  promoteRecommenderArm: () => callable(recommendations, 'promoteRecommenderArm'),
  // One events query per exposed customer: about 3 s per 1,000 on the local emulator.
  refreshExperimentMetrics: () =>
    scheduled({ schedule: 'every 60 minutes', timeoutSeconds: 540 }, async () => {
      const [{ refreshExperimentMetrics }, { inventoryDeps }] = await Promise.all([
        import('./recommendations/experiment-metrics.js'),
        instance(),
      ]);
      const metrics = await refreshExperimentMetrics(inventoryDeps());
      if (metrics)
        console.log(`experiment: ${metrics.arms.map((a) => `${a.slot} ${a.customers}`).join(', ')}`);
    }),
  recommendationStockOnInventoryWrite: () =>
    firestore().onDocumentWritten('inventory/{sku}', async (event) => {
      const [{ onInventoryWritten }, { inventoryDeps }] = await Promise.all([
        import('./recommendations/stock-summary.js'),
        instance(),
      ]);
      await onInventoryWritten(inventoryDeps(), event.data?.before.data(), event.data?.after.data());
    }),
  recommendationBoughtOnEvent: () =>
    firestore().onDocumentCreated('customers/{uid}/events/{eventId}', async (event) => {
      // `bought` for purchases, and the customer's list folded in again from the live model.
      const [{ onCustomerEventCreated }, { inventoryDeps }] = await Promise.all([
        import('./recommendations/on-event.js'),
        instance(),
      ]);
      await onCustomerEventCreated(inventoryDeps(), event.params.uid, event.data?.data());
    }),
  refreshPopularRecommendations: () =>
    scheduled({ schedule: 'every day 04:00', timeZone: 'Europe/London', timeoutSeconds: 540 }, async () => {
      const [{ refreshPopular }, { inventoryDeps }] = await Promise.all([
        import('./recommendations/popular.js'),
        instance(),
      ]);
      const popular = await refreshPopular(inventoryDeps());
      console.log(
        `popular: ${popular.overall.length} products, ${Object.keys(popular.byStyle).length} styles`,
      );
    }),
  rebuildRecommendationStock: () =>
    scheduled('every 60 minutes', async () => {
      const [{ rebuildStockSummary }, { inventoryDeps }] = await Promise.all([
        import('./recommendations/stock-summary.js'),
        instance(),
      ]);
      const repaired = await rebuildStockSummary(inventoryDeps());
      (repaired.length > 0 ? console.warn : console.log)(
        `stock summary: repaired ${repaired.length} products`,
      );
    }),

  // Forecasts and reorder suggestions per SKU, nightly from the ledger's sales.
  refreshForecasts: () =>
    scheduled({ schedule: 'every day 05:00', timeZone: 'Europe/London', timeoutSeconds: 540 }, async () => {
      const [forecasting, { inventoryDeps }] = await Promise.all([
        import('./forecasting/refresh-forecasts.js'),
        instance(),
      ]);
      const run = await forecasting.refreshForecasts(inventoryDeps());
      console.log(`forecasts: ${run.skus} SKUs, ${run.toReorder} to reorder, ${run.removed} removed`);
    }),

  // Bulk: CSV import as a job (a trigger runs it, the sweeper resumes a crashed one), CSV exports.
  uploadImportChunk: () => callable(bulk, 'uploadImportChunk'),
  startImport: () => callable(bulk, 'startImport'),
  cancelImport: () => callable(bulk, 'cancelImport'),
  exportCsv: () => callable(bulk, 'exportCsv'),
  runImportOnQueued: () =>
    firestore().onDocumentWritten({ document: 'importJobs/{jobId}', timeoutSeconds: 540 }, async (event) => {
      const [{ onImportJobWritten }, { inventoryDeps }] = await Promise.all([
        import('./bulk/import-job.js'),
        instance(),
      ]);
      const before = event.data?.before.data();
      await onImportJobWritten(inventoryDeps(), event.params.jobId, before, event.data?.after.data());
    }),
  sweepImports: () =>
    scheduled({ schedule: 'every 1 minutes', timeoutSeconds: 540 }, async () => {
      const [{ sweepImports }, { inventoryDeps }] = await Promise.all([
        import('./bulk/import-job.js'),
        instance(),
      ]);
      const ran = await sweepImports(inventoryDeps());
      if (ran > 0) console.log(`imports: resumed ${ran} jobs`);
    }),
};

type Name = keyof typeof triggers;
const target = process.env.FUNCTION_TARGET;
// A target that is none of ours (never expected) defines everything rather than nothing.
const onlyOne = target !== undefined && target in triggers;

/** The trigger, when this process serves it (undefined in another function's instance). */
function define<N extends Name>(name: N): ReturnType<(typeof triggers)[N]> | undefined {
  return !onlyOne || target === name ? (triggers[name]() as ReturnType<(typeof triggers)[N]>) : undefined;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- declares the params for the discovery
if (!onlyOne) require('./platform/settings');

export const reserveStock = define('reserveStock');
export const createWebhookSubscription = define('createWebhookSubscription');
export const setWebhookSubscriptionStatus = define('setWebhookSubscriptionStatus');
export const rotateWebhookSecret = define('rotateWebhookSecret');
export const deleteWebhookSubscription = define('deleteWebhookSubscription');
export const replayWebhookEvents = define('replayWebhookEvents');
export const webhookDeliverOnOutbox = define('webhookDeliverOnOutbox');
export const sweepWebhooks = define('sweepWebhooks');
export const extendReservation = define('extendReservation');
export const setPurchaseLimit = define('setPurchaseLimit');
export const checkout = define('checkout');
export const releaseReservation = define('releaseReservation');
export const restock = define('restock');
export const adjustStock = define('adjustStock');
export const transferStock = define('transferStock');
export const receiveTransfer = define('receiveTransfer');
export const recordReturn = define('recordReturn');
export const setShardCount = define('setShardCount');
export const cancelOrder = define('cancelOrder');
export const advanceFulfilment = define('advanceFulfilment');
export const createPurchaseOrder = define('createPurchaseOrder');
export const receivePurchaseOrder = define('receivePurchaseOrder');
export const closePurchaseOrder = define('closePurchaseOrder');
export const setStockCount = define('setStockCount');
export const setStockPolicy = define('setStockPolicy');
export const setSupplier = define('setSupplier');
export const setSkuSupplier = define('setSkuSupplier');
export const expireReservations = define('expireReservations');
export const backorderFillOnInventoryWrite = define('backorderFillOnInventoryWrite');
export const reconcileInventory = define('reconcileInventory');
export const ensureProfile = define('ensureProfile');
export const setConsent = define('setConsent');
export const exportMyData = define('exportMyData');
export const deleteMyData = define('deleteMyData');
export const exportCustomerData = define('exportCustomerData');
export const eraseCustomer = define('eraseCustomer');
export const retrainRecommender = define('retrainRecommender');
export const getRecommendations = define('getRecommendations');
export const similarItems = define('similarItems');
export const setRecommenderSplit = define('setRecommenderSplit');
export const promoteRecommenderArm = define('promoteRecommenderArm');
export const refreshExperimentMetrics = define('refreshExperimentMetrics');
export const recommendationStockOnInventoryWrite = define('recommendationStockOnInventoryWrite');
export const recommendationBoughtOnEvent = define('recommendationBoughtOnEvent');
export const refreshPopularRecommendations = define('refreshPopularRecommendations');
export const rebuildRecommendationStock = define('rebuildRecommendationStock');
export const refreshForecasts = define('refreshForecasts');
export const uploadImportChunk = define('uploadImportChunk');
export const startImport = define('startImport');
export const cancelImport = define('cancelImport');
export const exportCsv = define('exportCsv');
export const runImportOnQueued = define('runImportOnQueued');
export const sweepImports = define('sweepImports');
