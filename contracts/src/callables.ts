/**
 * Every callable the functions export, with the schema of its request and of its answer. The
 * functions parse requests with these, the client checks both ends with them, and
 * `npm run schema` writes each as JSON Schema for apps on other platforms.
 */
import type { z } from 'zod';
import {
  DeleteMyDataRequest,
  DeleteMyDataResponse,
  EnsureProfileRequest,
  EraseCustomerRequest,
  ExportCustomerDataRequest,
  EnsureProfileResponse,
  ExportMyDataRequest,
  ExportMyDataResponse,
  SetConsentRequest,
  SetConsentResponse,
} from './customers';
import {
  AdjustStockRequest,
  CheckoutResponse,
  ReceiveTransferRequest,
  RecordReturnRequest,
  ReleaseResponse,
  ReservationRequest,
  ReservationView,
  ReserveStockRequest,
  RestockRequest,
  SetShardCountRequest,
  SetShardCountResponse,
  StockChangeResponse,
  TransferResponse,
  TransferStockRequest,
} from './inventory-callables';
import {
  GetRecommendationsRequest,
  GetRecommendationsResponse,
  PromoteRecommenderArmRequest,
  RecommenderSplitResponse,
  SetRecommenderSplitRequest,
  SimilarItemsRequest,
  SimilarItemsResponse,
} from './recommendations';
import { ExtendReservationRequest, SetPurchaseLimitRequest, SetPurchaseLimitResponse } from './limits';
import {
  AdvanceFulfilmentRequest,
  AdvanceFulfilmentResponse,
  CancelOrderRequest,
  CancelOrderResponse,
} from './order-callables';
import {
  CreateWebhookSubscriptionRequest,
  DeleteWebhookSubscriptionRequest,
  DeleteWebhookSubscriptionResponse,
  ReplayWebhookEventsRequest,
  ReplayWebhookEventsResponse,
  RotateWebhookSecretRequest,
  SetWebhookStatusRequest,
  WebhookSecretResponse,
  WebhookSubscriptionResponse,
} from './events';

import {
  ClosePurchaseOrderRequest,
  CreatePurchaseOrderRequest,
  PurchaseOrderResponse,
  ReceivePurchaseOrderRequest,
  SetStockCountRequest,
  SetStockCountResponse,
  SetStockPolicyRequest,
  SetStockPolicyResponse,
} from './supply';
import {
  SetSkuSupplierRequest,
  SetSkuSupplierResponse,
  SetSupplierRequest,
  SetSupplierResponse,
} from './suppliers';
import {
  CancelImportRequest,
  ExportCsvRequest,
  ExportCsvResponse,
  ImportJobView,
  StartImportRequest,
  UploadImportChunkRequest,
  UploadImportChunkResponse,
} from './bulk';

/** Who may call: any signed-in customer, store staff (custom claim `staff` or `admin`), or admins. */
export type CallableAccess = 'customer' | 'staff' | 'admin';

const callable = <Req extends z.ZodType, Res extends z.ZodType>(
  access: CallableAccess,
  request: Req,
  response: Res,
) => ({ access, request, response });

export const callables = {
  reserveStock: callable('customer', ReserveStockRequest, ReservationView),
  checkout: callable('customer', ReservationRequest, CheckoutResponse),
  releaseReservation: callable('customer', ReservationRequest, ReleaseResponse),
  restock: callable('staff', RestockRequest, StockChangeResponse),
  adjustStock: callable('staff', AdjustStockRequest, StockChangeResponse),
  transferStock: callable('staff', TransferStockRequest, TransferResponse),
  receiveTransfer: callable('staff', ReceiveTransferRequest, TransferResponse),
  recordReturn: callable('staff', RecordReturnRequest, StockChangeResponse),
  setShardCount: callable('admin', SetShardCountRequest, SetShardCountResponse),
  ensureProfile: callable('customer', EnsureProfileRequest, EnsureProfileResponse),
  setConsent: callable('customer', SetConsentRequest, SetConsentResponse),
  exportMyData: callable('customer', ExportMyDataRequest, ExportMyDataResponse),
  deleteMyData: callable('customer', DeleteMyDataRequest, DeleteMyDataResponse),
  exportCustomerData: callable('staff', ExportCustomerDataRequest, ExportMyDataResponse),
  eraseCustomer: callable('admin', EraseCustomerRequest, DeleteMyDataResponse),
  getRecommendations: callable('customer', GetRecommendationsRequest, GetRecommendationsResponse),
  similarItems: callable('customer', SimilarItemsRequest, SimilarItemsResponse),
  setRecommenderSplit: callable('staff', SetRecommenderSplitRequest, RecommenderSplitResponse),
  promoteRecommenderArm: callable('staff', PromoteRecommenderArmRequest, RecommenderSplitResponse),
  extendReservation: callable('customer', ExtendReservationRequest, ReservationView),
  setPurchaseLimit: callable('staff', SetPurchaseLimitRequest, SetPurchaseLimitResponse),
  cancelOrder: callable('customer', CancelOrderRequest, CancelOrderResponse),
  advanceFulfilment: callable('staff', AdvanceFulfilmentRequest, AdvanceFulfilmentResponse),
  createPurchaseOrder: callable('staff', CreatePurchaseOrderRequest, PurchaseOrderResponse),
  receivePurchaseOrder: callable('staff', ReceivePurchaseOrderRequest, PurchaseOrderResponse),
  closePurchaseOrder: callable('staff', ClosePurchaseOrderRequest, PurchaseOrderResponse),
  setStockCount: callable('staff', SetStockCountRequest, SetStockCountResponse),
  setStockPolicy: callable('staff', SetStockPolicyRequest, SetStockPolicyResponse),
  setSupplier: callable('staff', SetSupplierRequest, SetSupplierResponse),
  setSkuSupplier: callable('staff', SetSkuSupplierRequest, SetSkuSupplierResponse),
  createWebhookSubscription: callable('staff', CreateWebhookSubscriptionRequest, WebhookSecretResponse),
  setWebhookSubscriptionStatus: callable('staff', SetWebhookStatusRequest, WebhookSubscriptionResponse),
  rotateWebhookSecret: callable('staff', RotateWebhookSecretRequest, WebhookSecretResponse),
  deleteWebhookSubscription: callable(
    'staff',
    DeleteWebhookSubscriptionRequest,
    DeleteWebhookSubscriptionResponse,
  ),
  replayWebhookEvents: callable('staff', ReplayWebhookEventsRequest, ReplayWebhookEventsResponse),
  uploadImportChunk: callable('staff', UploadImportChunkRequest, UploadImportChunkResponse),
  startImport: callable('staff', StartImportRequest, ImportJobView),
  cancelImport: callable('staff', CancelImportRequest, ImportJobView),
  exportCsv: callable('staff', ExportCsvRequest, ExportCsvResponse),
};

export type CallableName = keyof typeof callables;
/** What an app sends to a callable (defaults not yet applied). */
export type CallableRequest<N extends CallableName> = z.input<(typeof callables)[N]['request']>;
/** What a callable answers. */
export type CallableResponse<N extends CallableName> = z.infer<(typeof callables)[N]['response']>;
