/** The deployed functions: wiring only. */
import { initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore } from 'firebase-admin/firestore';
import { onDocumentCreated, onDocumentWritten } from 'firebase-functions/v2/firestore';
import { onCall } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { customerCallables } from './customers/callables';
import { inventoryCallables } from './inventory/callables';
import { type Deps, systemClock } from './inventory/deps';
import { reconcileInventory as reconcile } from './inventory/reconcile';
import { AvailabilityRefresher, refreshAllSharded } from './inventory/refresh';
import { expireReservations as expireDue } from './inventory/release';
import { onCustomerEvent } from './recommendations/bought';
import { recommendationCallables } from './recommendations/callables';
import { refreshPopular } from './recommendations/popular';
import { ServingState } from './recommendations/serving-state';
import { onInventoryWritten, rebuildStockSummary } from './recommendations/stock-summary';

let deps: Deps | undefined;
function inventoryDeps(): Deps {
  if (!deps) {
    initializeApp();
    const base = { db: getFirestore(), clock: systemClock };
    deps = { ...base, refresher: new AvailabilityRefresher(base) };
  }
  return deps;
}

const inventory = inventoryCallables(inventoryDeps);
export const reserveStock = onCall(inventory.reserveStock);
export const checkout = onCall(inventory.checkout);
export const releaseReservation = onCall(inventory.releaseReservation);
export const restock = onCall(inventory.restock);
export const adjustStock = onCall(inventory.adjustStock);
export const transferStock = onCall(inventory.transferStock);
export const receiveTransfer = onCall(inventory.receiveTransfer);
export const recordReturn = onCall(inventory.recordReturn);
export const setShardCount = onCall(inventory.setShardCount);

export const expireReservations = onSchedule('every 1 minutes', async () => {
  const d = inventoryDeps();
  const { expired } = await expireDue(d);
  await d.refresher?.idle();
  const refreshed = await refreshAllSharded(d);
  console.log(`expired ${expired} reservations; refreshed ${refreshed} hot SKUs' availability`);
});

export const reconcileInventory = onSchedule('every 60 minutes', async () => {
  const report = await reconcile(inventoryDeps());
  const open = report.drift.filter((d) => !d.repaired);
  (open.length > 0 ? console.error : console.log)(
    `reconciliation ${report.runId}: ${report.drift.length} drift found, ${open.length} left for a person`,
  );
});

// Customers: profiles, consent, export and erasure.
const customers = customerCallables(() => ({ ...inventoryDeps(), auth: getAuth() }));
export const ensureProfile = onCall(customers.ensureProfile);
export const setConsent = onCall(customers.setConsent);
export const exportMyData = onCall(customers.exportMyData);
export const deleteMyData = onCall(customers.deleteMyData);

// Recommendations: retrained nightly; TF.js loads only when the job runs, not on every cold start.
export const retrainRecommender = onSchedule(
  { schedule: 'every day 03:00', timeZone: 'Europe/London', timeoutSeconds: 540, memory: '1GiB' },
  async () => {
    const { retrainRecommender: retrain } = await import('./recommendations/retrain.js');
    const { db, clock } = inventoryDeps();
    await retrain({ db, clock });
  },
);

// Recommendations serving: two document reads a call; the store-wide documents are cached per instance.
const servingState = new ServingState();
const recommendations = recommendationCallables(() => ({ ...inventoryDeps(), state: servingState }));
export const getRecommendations = onCall(recommendations.getRecommendations);
export const similarItems = onCall(recommendations.similarItems);

export const recommendationStockOnInventoryWrite = onDocumentWritten('inventory/{sku}', (event) =>
  onInventoryWritten(inventoryDeps(), event.data?.before.data(), event.data?.after.data()),
);
export const recommendationBoughtOnEvent = onDocumentCreated(
  'customers/{uid}/events/{eventId}',
  async (event) => {
    await onCustomerEvent(inventoryDeps().db, event.params.uid, event.data?.data());
  },
);
export const refreshPopularRecommendations = onSchedule(
  { schedule: 'every day 04:00', timeZone: 'Europe/London', timeoutSeconds: 540 },
  async () => {
    const popular = await refreshPopular(inventoryDeps());
    console.log(`popular: ${popular.overall.length} products, ${Object.keys(popular.byStyle).length} styles`);
  },
);
export const rebuildRecommendationStock = onSchedule('every 60 minutes', async () => {
  const repaired = await rebuildStockSummary(inventoryDeps());
  (repaired.length > 0 ? console.warn : console.log)(`stock summary: repaired ${repaired.length} products`);
});
