/** Recommendations for the signed-in customer, and products like a given one. */
import {
  GetRecommendationsRequest,
  GetRecommendationsResponse,
  SimilarItemsRequest,
  SimilarItemsResponse,
} from '@hearth/contracts';
import { call } from './call';
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
