/** Typed helpers for apps on the Firebase JS SDK: live availability, carts, events, privacy. */
export { hearthClient, type HearthClient, type LocalStack } from './client';
export { type HearthError, type HearthErrorCode, type Result, unwrap, toHearthError } from './errors';
export { newIdempotencyKey } from './call';
export {
  watchAvailability,
  availabilityOf,
  type Availability,
  type LocationAvailability,
} from './availability';
export {
  reserve,
  checkout,
  release,
  watchReservation,
  type ReserveOptions,
  type ReservationState,
} from './reservations';
export { recommendations, similarItems, setRecommenderSplit, promoteRecommenderArm } from './recommendations';
export { extendReservation, setPurchaseLimit, usedOf, watchAllowance } from './limits';
export { trackEvents, type EventTracker, type TrackerOptions } from './events';
export { ensureProfile, setConsent, updateProfile, exportMyData, deleteMyData } from './privacy';
export {
  restock,
  adjustStock,
  transferStock,
  receiveTransfer,
  recordReturn,
  setShardCount,
  exportCustomerData,
  eraseCustomer,
} from './staff';
export {
  watchStock,
  watchShards,
  watchLedger,
  watchHeldReservations,
  watchRecentOrders,
  watchReconciliations,
  watchModels,
  watchCustomer,
  watchReorderSuggestions,
  watchForecast,
  type StockFilter,
  type WithId,
} from './staff-watch';
export { watchMyOrders, cancelOrder, advanceFulfilment } from './orders';
export {
  createPurchaseOrder,
  receivePurchaseOrder,
  closePurchaseOrder,
  setStockCount,
  setStockPolicy,
  orderSuggestion,
  orderLocationSuggestion,
  setSupplier,
  setSkuSupplier,
  watchSuppliers,
  type SupplierRow,
  USUAL_SUPPLIER,
  suggestionKey,
  suggestionCover,
  SKU_WIDE,
  watchSuggestionOrders,
  watchPurchaseOrders,
  watchBackorderQueue,
  type PurchaseOrderRow,
  type BackorderRow,
} from './supply';
export {
  startImport,
  cancelImport,
  exportCsv,
  watchImportJob,
  watchImportIssues,
  importIssuesCsv,
} from './imports';
export {
  verifyWebhook,
  createWebhookSubscription,
  setWebhookSubscriptionStatus,
  rotateWebhookSecret,
  deleteWebhookSubscription,
  replayWebhookEvents,
  watchWebhookSubscriptions,
  watchWebhookDeliveries,
  type WebhookVerification,
} from './webhooks';
