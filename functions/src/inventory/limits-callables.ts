/** The callables of limits, holds and bundles (customer-limits.ts, hold-policy.ts, purchase-limit.ts). */
import { type Caller, callableHandler } from '../platform/callable';
import { ExtendReservationRequest, SetPurchaseLimitRequest } from '@hearth/contracts';
import type { Deps } from './deps';
import { extendReservation } from './hold-policy';
import { setPurchaseLimit } from './purchase-limit';

const asStaff = (c: Caller) => ({
  uid: c.uid,
  role: c.role === 'admin' ? ('admin' as const) : ('staff' as const),
});

export function limitsCallables(deps: () => Deps) {
  const handler = callableHandler(deps);
  return {
    extendReservation: handler('customer', ExtendReservationRequest, (d, c, r) => extendReservation(d, c, r)),
    setPurchaseLimit: handler('staff', SetPurchaseLimitRequest, (d, c, r) =>
      setPurchaseLimit(d, asStaff(c), r),
    ),
  };
}
