/**
 * The inventory callables as plain functions of a CallableRequest: check the caller, validate the
 * data with its zod contract, call the domain, and turn domain errors into HttpsErrors. index.ts
 * wires them to `onCall`; tests call them directly with `{ data, auth }`.
 */
import { type Caller, callableHandler } from '../platform/callable';
import {
  AdjustStockRequest,
  AdvanceFulfilmentRequest,
  CancelOrderRequest,
  ReceiveTransferRequest,
  RecordReturnRequest,
  ReservationRequest,
  ReserveStockRequest,
  RestockRequest,
  SetShardCountRequest,
  TransferStockRequest,
} from '@hearth/contracts';
import { checkout } from './checkout';
import type { Deps } from './deps';
import { advanceFulfilment } from './fulfilment';
import { cancelOrder } from './order-cancel';
import { releaseReservation } from './release';
import { reserveStock } from './reserve';
import { setShardCount } from './shards';
import { supplyCallables } from './supply-callables';
import { limitsCallables } from './limits-callables';
import type { Staff } from './staff';
import { adjustStock, recordReturn, restock } from './stock-changes';
import { receiveTransfer, transferStock } from './transfer';

const asStaff = (c: Caller): Staff => ({ uid: c.uid, role: c.role === 'admin' ? 'admin' : 'staff' });

export function inventoryCallables(deps: () => Deps) {
  const handler = callableHandler(deps);
  return {
    reserveStock: handler('customer', ReserveStockRequest, (d, c, r) => reserveStock(d, c, r)),
    checkout: handler('customer', ReservationRequest, (d, c, r) => checkout(d, c, r)),
    releaseReservation: handler('customer', ReservationRequest, (d, c, r) => releaseReservation(d, c, r)),
    restock: handler('staff', RestockRequest, (d, c, r) => restock(d, asStaff(c), r)),
    adjustStock: handler('staff', AdjustStockRequest, (d, c, r) => adjustStock(d, asStaff(c), r)),
    transferStock: handler('staff', TransferStockRequest, (d, c, r) => transferStock(d, asStaff(c), r)),
    receiveTransfer: handler('staff', ReceiveTransferRequest, (d, c, r) => receiveTransfer(d, asStaff(c), r)),
    recordReturn: handler('staff', RecordReturnRequest, (d, c, r) => recordReturn(d, asStaff(c), r)),
    setShardCount: handler('admin', SetShardCountRequest, (d, c, r) => setShardCount(d, asStaff(c), r)),
    ...supplyCallables(deps),
    ...limitsCallables(deps),
    cancelOrder: handler('customer', CancelOrderRequest, (d, c, r) => cancelOrder(d, c, r)),
    advanceFulfilment: handler('staff', AdvanceFulfilmentRequest, (d, c, r) => advanceFulfilment(d, c, r)),
  };
}
