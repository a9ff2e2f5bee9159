/**
 * The recommendation callables as plain functions of a CallableRequest (index.ts wires them to
 * `onCall`; tests call them with `{ data, auth }`): require a signed-in caller, validate with the
 * zod contract, call the domain, map errors.
 */
import { callableHandler } from '../platform/callable';
import { GetRecommendationsRequest, SimilarItemsRequest } from '@hearth/contracts';
import { getRecommendations } from './serve';
import type { ServingDeps } from './serving-state';
import { similarItems } from './similar';

export function recommendationCallables(deps: () => ServingDeps) {
  const handler = callableHandler(deps);
  return {
    getRecommendations: handler('customer', GetRecommendationsRequest, (d, c, r) =>
      getRecommendations(d, c.uid, r),
    ),
    similarItems: handler('customer', SimilarItemsRequest, (d, _c, r) => similarItems(d, r)),
  };
}
