/**
 * The recommendation callables as plain functions of a CallableRequest (index.ts wires them to
 * `onCall`; tests call them with `{ data, auth }`): require a signed-in caller, validate with the
 * zod contract, call the domain, map errors.
 */
import { callableHandler } from '../platform/callable';
import {
  GetRecommendationsRequest,
  PromoteRecommenderArmRequest,
  SetRecommenderSplitRequest,
  SimilarItemsRequest,
} from '@hearth/contracts';
import { promoteRecommenderArm, setRecommenderSplit } from './experiment';
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
    // A/B arms (staff): the split between the two slots' models, and promoting one of them.
    setRecommenderSplit: handler('staff', SetRecommenderSplitRequest, (d, _c, r) =>
      setRecommenderSplit(d, r),
    ),
    promoteRecommenderArm: handler('staff', PromoteRecommenderArmRequest, (d, _c, r) =>
      promoteRecommenderArm(d, r),
    ),
  };
}
