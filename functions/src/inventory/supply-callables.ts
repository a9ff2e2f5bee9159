/**
 * The supply callables (staff): purchase orders, cycle counts, stock policy, suppliers. Thin handlers as in
 * callables.ts, which spreads these into the inventory callables.
 */
import { type Caller, callableHandler } from '../platform/callable';
import {
  ClosePurchaseOrderRequest,
  CreatePurchaseOrderRequest,
  ReceivePurchaseOrderRequest,
  SetStockCountRequest,
  SetStockPolicyRequest,
  SetSkuSupplierRequest,
  SetSupplierRequest,
} from '@hearth/contracts';
import type { Deps } from './deps';
import { closePurchaseOrder, createPurchaseOrder, receivePurchaseOrder } from './purchase-orders';
import type { Staff } from './staff';
import { setStockCount } from './stock-count';
import { setStockPolicy } from './stock-policy';
import { setSkuSupplier, setSupplier } from './suppliers';

const asStaff = (c: Caller): Staff => ({ uid: c.uid, role: c.role === 'admin' ? 'admin' : 'staff' });

export function supplyCallables(deps: () => Deps) {
  const handler = callableHandler(deps);
  return {
    createPurchaseOrder: handler('staff', CreatePurchaseOrderRequest, (d, c, r) =>
      createPurchaseOrder(d, asStaff(c), r),
    ),
    receivePurchaseOrder: handler('staff', ReceivePurchaseOrderRequest, (d, c, r) =>
      receivePurchaseOrder(d, asStaff(c), r),
    ),
    closePurchaseOrder: handler('staff', ClosePurchaseOrderRequest, (d, c, r) =>
      closePurchaseOrder(d, asStaff(c), r),
    ),
    setStockCount: handler('staff', SetStockCountRequest, (d, c, r) => setStockCount(d, asStaff(c), r)),
    setStockPolicy: handler('staff', SetStockPolicyRequest, (d, c, r) => setStockPolicy(d, asStaff(c), r)),
    setSupplier: handler('staff', SetSupplierRequest, (d, c, r) => setSupplier(d, asStaff(c), r)),
    setSkuSupplier: handler('staff', SetSkuSupplierRequest, (d, c, r) => setSkuSupplier(d, asStaff(c), r)),
  };
}
