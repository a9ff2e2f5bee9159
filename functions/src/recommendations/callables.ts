/**
 * The recommendation callables as plain functions of a CallableRequest (index.ts wires them to
 * `onCall`; tests call them with `{ data, auth }`): require a signed-in caller, validate with the
 * zod contract, call the domain, map errors.
 */
import type { z } from 'zod';
import { type CallRequest, parseRequest, signedIn, toHttpsError } from '../platform/callable';
import { GetRecommendationsRequest, SimilarItemsRequest } from '@hearth/contracts';
import { getRecommendations } from './serve';
import type { ServingDeps } from './serving-state';
import { similarItems } from './similar';

function handler<S extends z.ZodType, Res>(
  schema: S,
  run: (deps: ServingDeps, uid: string, data: z.infer<S>) => Promise<Res>,
  deps: () => ServingDeps,
): (req: CallRequest) => Promise<Res> {
  return async (req) => {
    try {
      return await run(deps(), signedIn(req).uid, parseRequest(schema, req.data));
    } catch (err) {
      throw toHttpsError(err);
    }
  };
}

export function recommendationCallables(deps: () => ServingDeps) {
  return {
    getRecommendations: handler(
      GetRecommendationsRequest,
      (d, uid, r) => getRecommendations(d, uid, r),
      deps,
    ),
    similarItems: handler(SimilarItemsRequest, (d, _uid, r) => similarItems(d, r), deps),
  };
}
