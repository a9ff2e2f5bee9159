/**
 * Staff tools: the stock-changing callables (custom claim `staff` or `admin`; `setShardCount` is
 * admin only). Like the shopper helpers, each checks its request against the function's own schema
 * (so a form gets the same field names before any round trip) and makes an idempotency key unless
 * given one.
 */
import type { z } from 'zod';
import {
  AdjustStockRequest,
  DeleteMyDataResponse,
  EraseCustomerRequest,
  ExportCustomerDataRequest,
  ExportMyDataResponse,
  ReceiveTransferRequest,
  RecordReturnRequest,
  RestockRequest,
  SetShardCountRequest,
  SetShardCountResponse,
  StockChangeResponse,
  TransferResponse,
  TransferStockRequest,
} from '@hearth/contracts';
import { call, keyed, type Keyed } from './call';
import type { HearthClient } from './client';
import type { Result } from './errors';

type Client = Pick<HearthClient, 'functions'>;

export const restock = (
  client: Client,
  req: Keyed<typeof RestockRequest>,
): Promise<Result<StockChangeResponse>> =>
  call(client, 'restock', RestockRequest, StockChangeResponse, keyed(req));

export const adjustStock = (
  client: Client,
  req: Keyed<typeof AdjustStockRequest>,
): Promise<Result<StockChangeResponse>> =>
  call(client, 'adjustStock', AdjustStockRequest, StockChangeResponse, keyed(req));

export const transferStock = (
  client: Client,
  req: Keyed<typeof TransferStockRequest>,
): Promise<Result<TransferResponse>> =>
  call(client, 'transferStock', TransferStockRequest, TransferResponse, keyed(req));

export const receiveTransfer = (
  client: Client,
  req: Keyed<typeof ReceiveTransferRequest>,
): Promise<Result<TransferResponse>> =>
  call(client, 'receiveTransfer', ReceiveTransferRequest, TransferResponse, keyed(req));

export const recordReturn = (
  client: Client,
  req: Keyed<typeof RecordReturnRequest>,
): Promise<Result<StockChangeResponse>> =>
  call(client, 'recordReturn', RecordReturnRequest, StockChangeResponse, keyed(req));

/** Raises a hot SKU's shard count at one location (admin only; counts never go down). */
export const setShardCount = (
  client: Client,
  req: Keyed<typeof SetShardCountRequest>,
): Promise<Result<SetShardCountResponse>> =>
  call(client, 'setShardCount', SetShardCountRequest, SetShardCountResponse, keyed(req));

/** A copy of one customer's data, as exportMyData gives them, for a request by phone or mail (staff). */
export const exportCustomerData = (client: Client, uid: string): Promise<Result<ExportMyDataResponse>> =>
  call(client, 'exportCustomerData', ExportCustomerDataRequest, ExportMyDataResponse, { uid });

/** Erases one customer, as deleteMyData does, on their request (admins only; `confirm` must be "DELETE"). */
export const eraseCustomer = (
  client: Client,
  req: z.input<typeof EraseCustomerRequest>,
): Promise<Result<DeleteMyDataResponse>> =>
  call(client, 'eraseCustomer', EraseCustomerRequest, DeleteMyDataResponse, req);
