/**
 * The inventory callables as plain functions of a CallableRequest: check the caller, validate the
 * data with its zod contract, call the domain, and turn domain errors into HttpsErrors. index.ts
 * wires them to `onCall`; tests call them directly with `{ data, auth }`.
 */
import { HttpsError } from 'firebase-functions/v2/https';
import type { z } from 'zod';
import { type CallRequest, parseRequest, signedIn, toHttpsError } from '../platform/callable';
import {
  AdjustStockRequest,
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
import { releaseReservation } from './release';
import { reserveStock } from './reserve';
import { setShardCount } from './shards';
import { adjustStock, recordReturn, restock, type Staff } from './stock-changes';
import { receiveTransfer, transferStock } from './transfer';

type Who = 'customer' | 'staff' | 'admin';
type Caller = { uid: string; staff: boolean; role: Staff['role'] | 'customer' };

function callerOf(req: CallRequest, who: Who): Caller {
  const auth = signedIn(req);
  const role = auth.token?.admin === true ? 'admin' : auth.token?.staff === true ? 'staff' : 'customer';
  if (who === 'admin' && role !== 'admin')
    throw new HttpsError('permission-denied', 'Only admins (custom claim admin) may do this');
  if (who === 'staff' && role === 'customer')
    throw new HttpsError('permission-denied', 'Only store staff (custom claim staff or admin) may do this');
  return { uid: auth.uid, staff: role !== 'customer', role };
}

function handler<S extends z.ZodType, Res>(
  who: Who,
  schema: S,
  run: (deps: Deps, caller: Caller, data: z.infer<S>) => Promise<Res>,
  deps: () => Deps,
): (req: CallRequest) => Promise<Res> {
  return async (req) => {
    try {
      const caller = callerOf(req, who);
      return await run(deps(), caller, parseRequest(schema, req.data));
    } catch (err) {
      throw toHttpsError(err);
    }
  };
}

const asStaff = (c: Caller): Staff => ({ uid: c.uid, role: c.role === 'admin' ? 'admin' : 'staff' });

export function inventoryCallables(deps: () => Deps) {
  return {
    reserveStock: handler('customer', ReserveStockRequest, (d, c, r) => reserveStock(d, c, r), deps),
    checkout: handler('customer', ReservationRequest, (d, c, r) => checkout(d, c, r), deps),
    releaseReservation: handler(
      'customer',
      ReservationRequest,
      (d, c, r) => releaseReservation(d, c, r),
      deps,
    ),
    restock: handler('staff', RestockRequest, (d, c, r) => restock(d, asStaff(c), r), deps),
    adjustStock: handler('staff', AdjustStockRequest, (d, c, r) => adjustStock(d, asStaff(c), r), deps),
    transferStock: handler('staff', TransferStockRequest, (d, c, r) => transferStock(d, asStaff(c), r), deps),
    receiveTransfer: handler(
      'staff',
      ReceiveTransferRequest,
      (d, c, r) => receiveTransfer(d, asStaff(c), r),
      deps,
    ),
    recordReturn: handler('staff', RecordReturnRequest, (d, c, r) => recordReturn(d, asStaff(c), r), deps),
    setShardCount: handler('admin', SetShardCountRequest, (d, c, r) => setShardCount(d, asStaff(c), r), deps),
  };
}
