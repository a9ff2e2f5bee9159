/**
 * The customer callables as plain functions of a CallableRequest (index.ts wires them to `onCall`;
 * tests call them with `{ data, auth }`): check the caller, validate with the zod contract, call the
 * domain, map errors.
 */
import { z } from 'zod';
import { type CallRequest, parseRequest, signedIn, toHttpsError } from '../platform/callable';
import { DeleteMyDataRequest, EnsureProfileRequest, SetConsentRequest } from '@hearth/contracts';
import { setConsent } from './consent';
import type { Customer, CustomerDeps } from './deps';
import { ensureProfile } from './ensure-profile';
import { deleteMyData } from './erase';
import { exportMyData } from './export';

function customerOf(req: CallRequest): Customer {
  const auth = signedIn(req);
  const token = auth.token as { email?: unknown; name?: unknown } | undefined;
  return {
    uid: auth.uid,
    email: typeof token?.email === 'string' ? token.email : null,
    name: typeof token?.name === 'string' ? token.name : null,
  };
}

function handler<S extends z.ZodType, Res>(
  schema: S,
  run: (deps: CustomerDeps, who: Customer, data: z.infer<S>) => Promise<Res>,
  deps: () => CustomerDeps,
): (req: CallRequest) => Promise<Res> {
  return async (req) => {
    try {
      const who = customerOf(req);
      return await run(deps(), who, parseRequest(schema, req.data));
    } catch (err) {
      throw toHttpsError(err);
    }
  };
}

const NoInput = z.object({});

export function customerCallables(deps: () => CustomerDeps) {
  return {
    ensureProfile: handler(EnsureProfileRequest, (d, who, r) => ensureProfile(d, who, r), deps),
    setConsent: handler(SetConsentRequest, (d, who, r) => setConsent(d, who.uid, r), deps),
    exportMyData: handler(NoInput, (d, who) => exportMyData(d, who.uid), deps),
    deleteMyData: handler(DeleteMyDataRequest, (d, who) => deleteMyData(d, who.uid), deps),
  };
}
