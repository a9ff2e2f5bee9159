/**
 * Every document the store keeps, by path pattern, with its schema. `npm run schema` writes each
 * as JSON Schema; firestore.rules decides who may read and write which.
 */
import { ProductDoc, VariantDoc, LocationDoc } from './catalog';
import { ForecastDoc } from './forecasting';
import { ImportChunkDoc, ImportIssueDoc, ImportJobDoc } from './bulk';
import { AllowanceDoc } from './limits';
import { PurchaseOrderDoc, SuggestionClaimDoc } from './supply';
import { SupplierDoc } from './suppliers';
import { CustomerEvent, CustomerProfile, EventQuota } from './customers';
import {
  IdempotencyRecord,
  InventoryDoc,
  LedgerEntry,
  OrderDoc,
  ReconciliationReport,
  ReservationDoc,
  ShardDoc,
  TransferDoc,
} from './inventory';
import {
  CurrentModelDoc,
  ExposureDoc,
  ModelDoc,
  PopularDoc,
  RecommendationsDoc,
  StockSummaryDoc,
} from './recommendations';

export const documents = {
  'products/{productId}': ProductDoc,
  'products/{productId}/variants/{sku}': VariantDoc,
  'locations/{locationId}': LocationDoc,
  'inventory/{sku}': InventoryDoc,
  'inventory/{sku}/shards/{locationId}_{index}': ShardDoc,
  'reservations/{reservationId}': ReservationDoc,
  'orders/{orderId}': OrderDoc,
  'ledger/{entryId}': LedgerEntry,
  'transfers/{transferId}': TransferDoc,
  'idempotency/{scope}:{uid}:{key}': IdempotencyRecord,
  'reconciliations/{runId}': ReconciliationReport,
  'customers/{uid}': CustomerProfile,
  'customers/{uid}/events/{eventId}': CustomerEvent,
  'customers/{uid}/quota/events': EventQuota,
  'customers/{uid}/exposures/{experimentId}': ExposureDoc,
  'recommendations/{uid}': RecommendationsDoc,
  'models/{version}': ModelDoc,
  'models/current': CurrentModelDoc,
  'serving/popular': PopularDoc,
  'serving/stock': StockSummaryDoc,
  'forecasts/{sku}': ForecastDoc,
  'allowances/{uid}': AllowanceDoc,
  'purchaseOrders/{purchaseOrderId}': PurchaseOrderDoc,
  'suggestionClaims/{sku}_{generatedAtMillis}': SuggestionClaimDoc,
  'suppliers/{supplierId}': SupplierDoc,
  'importJobs/{jobId}': ImportJobDoc,
  'importJobs/{jobId}/chunks/{index}': ImportChunkDoc,
  'importJobs/{jobId}/issues/{issueId}': ImportIssueDoc,
};

export type DocumentPath = keyof typeof documents;
