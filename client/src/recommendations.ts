/**
 * Recommendations for the signed-in customer, and products like a given one; for staff, the A/B
 * split between the two slots' models and promoting an arm.
 */
import {
  GetRecommendationsRequest,
  GetRecommendationsResponse,
  type ModelSlot,
  PromoteRecommenderArmRequest,
  RecommenderSplitResponse,
  SetRecommenderSplitRequest,
  SimilarItemsRequest,
  SimilarItemsResponse,
} from '@hearth/contracts';
import { call, newIdempotencyKey } from './call';
import type { HearthClient } from './client';
import type { Result } from './errors';

type Client = Pick<HearthClient, 'functions'>;

/**
 * The customer's list, in stock and not already bought, topped up with popular items in their
 * style; `fallback` says why it is not personal (no consent, no model yet, ...).
 */
export const recommendations = (
  client: Client,
  opts: { limit?: number } = {},
): Promise<Result<GetRecommendationsResponse>> =>
  call(client, 'getRecommendations', GetRecommendationsRequest, GetRecommendationsResponse, opts);

/** Products nearest to `productId` by the live model's item vectors, in stock only. */
export const similarItems = (
  client: Client,
  productId: string,
  opts: { limit?: number } = {},
): Promise<Result<SimilarItemsResponse>> =>
  call(client, 'similarItems', SimilarItemsRequest, SimilarItemsResponse, { productId, ...opts });

/**
 * Staff: splits customers between slot a's and slot b's models, `shareA` percent to a and the rest
 * to b (a new split deals customers again); `versions`, when given, must still be what the slots hold.
 */
export const setRecommenderSplit = (
  client: Client,
  shareA: number,
  versions: Partial<Record<ModelSlot, string>> = {},
  idempotencyKey = newIdempotencyKey(),
): Promise<Result<RecommenderSplitResponse>> =>
  call(client, 'setRecommenderSplit', SetRecommenderSplitRequest, RecommenderSplitResponse, {
    arms: (['a', 'b'] as const).map((slot) => ({
      slot,
      share: slot === 'a' ? shareA : 100 - shareA,
      ...(versions[slot] ? { version: versions[slot] } : {}),
    })),
    idempotencyKey,
  });

/** Staff: makes `slot`'s model the only live one and ends the experiment. */
export const promoteRecommenderArm = (
  client: Client,
  slot: ModelSlot,
  idempotencyKey = newIdempotencyKey(),
): Promise<Result<RecommenderSplitResponse>> =>
  call(client, 'promoteRecommenderArm', PromoteRecommenderArmRequest, RecommenderSplitResponse, {
    slot,
    idempotencyKey,
  });
