/**
 * The customer callables as plain functions of a CallableRequest (index.ts wires them to `onCall`;
 * tests call them with `{ data, auth }`): check the caller, validate with the zod contract, call the
 * domain, map errors.
 */
import { z } from 'zod';
import { callableHandler } from '../platform/callable';
import {
  DeleteMyDataRequest,
  EnsureProfileRequest,
  EraseCustomerRequest,
  ExportCustomerDataRequest,
  SetConsentRequest,
} from '@hearth/contracts';
import { setConsent } from './consent';
import type { CustomerDeps } from './deps';
import { ensureProfile } from './ensure-profile';
import { deleteMyData } from './erase';
import { exportMyData } from './export';

const NoInput = z.object({});

export function customerCallables(deps: () => CustomerDeps) {
  const handler = callableHandler(deps);
  return {
    ensureProfile: handler('customer', EnsureProfileRequest, (d, who, r) => ensureProfile(d, who, r)),
    setConsent: handler('customer', SetConsentRequest, (d, who, r) => setConsent(d, who.uid, r)),
    exportMyData: handler('customer', NoInput, (d, who) => exportMyData(d, who.uid)),
    deleteMyData: handler('customer', DeleteMyDataRequest, (d, who) => deleteMyData(d, who.uid)),
    // A customer's request taken by phone or mail: the same export and erasure, for the uid named.
    exportCustomerData: handler('staff', ExportCustomerDataRequest, (d, _who, r) => exportMyData(d, r.uid)),
    eraseCustomer: handler('admin', EraseCustomerRequest, (d, _who, r) => deleteMyData(d, r.uid)),
  };
}
