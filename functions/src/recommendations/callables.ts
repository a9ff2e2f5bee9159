/**
 * The recommendation callables as plain functions of a CallableRequest (index.ts wires them to
 * `onCall`; tests call them with `{ data, auth }`): require a signed-in caller, validate with the
 * zod contract, call the domain, map errors.
 */
import { HttpsError } from 'firebase-functions/v2/https';
import type { z } from 'zod';
import { GetRecommendationsRequest, SimilarItemsRequest } from '../api/recommendations';
import { type CallRequest, parseRequest, toHttpsError } from '../inventory/callables';
import { getRecommendations } from './serve';
import { RecommendationError, type ServingDeps } from './serving-state';
import { similarItems } from './similar';

function handler<S extends z.ZodType, Res>(
  schema: S,
  run: (deps: ServingDeps, uid: string, data: z.infer<S>) => Promise<Res>,
  deps: () => ServingDeps,
): (req: CallRequest) => Promise<Res> {
  return async (req) => {
    try {
      const uid = req.auth?.uid;
      if (!uid) throw new HttpsError('unauthenticated', 'Sign in first: this call needs a signed-in user');
      return await run(deps(), uid, parseRequest(schema, req.data));
    } catch (err) {
      if (err instanceof RecommendationError) throw new HttpsError(err.code, err.message, err.details);
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
