/**
 * Documents of the recommender. A trained model is written into one of two slots, `a` and `b`
 * (blue/green): the slot the live model does not use. Products carry one vector field per slot
 * (`embeddings.a`, `embeddings.b`, each with a vector index) and `recommendations/{uid}` one list
 * per slot, so a run that fails half-way only ever touches the idle slot, and `models/current`
 * switching slot in one transaction makes the whole new model live at once.
 */
import { z } from 'zod';
import { FirestoreTime, ProductId } from './common';

export const ModelSlot = z.enum(['a', 'b']);
export type ModelSlot = z.infer<typeof ModelSlot>;

/** Field path of a slot's item vector on products/{productId}. */
export const embeddingField = (slot: ModelSlot) => `embeddings.${slot}` as const;

export const RecommendationList = z.object({
  version: z.string(),
  generatedAt: FirestoreTime,
  /** Best first; already-bought products left out when written. */
  items: z.array(z.object({ productId: ProductId, score: z.number() })),
});
export type RecommendationList = z.infer<typeof RecommendationList>;

/** recommendations/{uid} */
export const RecommendationsDoc = z.object({
  a: RecommendationList.optional(),
  b: RecommendationList.optional(),
  /**
   * Products bought since (or before) the lists were written, added by a trigger on purchase
   * events (recommendations/bought.ts) so serving can leave them out without reading orders.
   */
  bought: z.array(ProductId).optional(),
});
export type RecommendationsDoc = z.infer<typeof RecommendationsDoc>;

/** Offline quality on the last days of the window, held out from a first fit. */
export const ModelMetrics = z.object({
  recall10: z.number(),
  ndcg10: z.number(),
  coverage10: z.number(),
  holdoutUsers: z.number().int().min(0),
});
export type ModelMetrics = z.infer<typeof ModelMetrics>;

/** models/{version} */
export const ModelDoc = z.object({
  version: z.string(),
  slot: ModelSlot,
  /** `complete` only once every embedding and list is written. */
  status: z.enum(['writing', 'complete', 'rejected']),
  backend: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  window: z.object({ from: FirestoreTime, to: FirestoreTime, holdoutFrom: FirestoreTime }),
  counts: z.object({
    events: z.number().int(),
    customers: z.number().int(),
    products: z.number().int(),
    excludedCustomers: z.number().int(),
  }),
  metrics: ModelMetrics,
  trainSeconds: z.number(),
  createdAt: FirestoreTime,
  completedAt: FirestoreTime.optional(),
  /** Why it did not go live, when it did not. */
  rejectedBecause: z.string().optional(),
});
export type ModelDoc = z.infer<typeof ModelDoc>;

/** models/current: the live model. */
export const CurrentModelDoc = z.object({
  version: z.string(),
  slot: ModelSlot,
  metrics: ModelMetrics,
  switchedAt: FirestoreTime,
});
export type CurrentModelDoc = z.infer<typeof CurrentModelDoc>;

// ---- serving ----

/**
 * serving/popular: the most popular products overall, per style tag and per room, over the last
 * days of interactions of consenting customers. Rewritten by `refreshPopular` after each retraining,
 * so it is up to a day old; stock is filtered when it is served, not here.
 */
export const PopularDoc = z.object({
  generatedAt: FirestoreTime,
  windowDays: z.number().int().min(1),
  overall: z.array(ProductId),
  byStyle: z.record(z.string(), z.array(ProductId)),
  byRoom: z.record(z.string(), z.array(ProductId)),
});
export type PopularDoc = z.infer<typeof PopularDoc>;

/**
 * serving/stock: products none of whose SKUs can be sold now (status out or backorder). Kept up to
 * date by a trigger on inventory/{sku} (a product's entry changes only when its last sellable SKU
 * goes or its first one comes back), and rebuilt on a schedule in case a trigger was lost.
 */
export const StockSummaryDoc = z.object({
  unavailable: z.record(ProductId, z.literal(true)),
  updatedAt: FirestoreTime,
});
export type StockSummaryDoc = z.infer<typeof StockSummaryDoc>;

/** At most this many items per answer: a page of a carousel, not a catalog dump. */
export const MAX_RECOMMENDATIONS = 50;

const Limit = z
  .number({ error: 'limit must be a number' })
  .int('limit must be a whole number')
  .min(1, 'limit must be at least 1')
  .max(MAX_RECOMMENDATIONS, `limit must be at most ${MAX_RECOMMENDATIONS}`)
  .default(10);

export const GetRecommendationsRequest = z.strictObject({ limit: Limit });
export type GetRecommendationsRequest = z.input<typeof GetRecommendationsRequest>;

/** Where an item of an answer comes from. */
export const RecommendationSource = z.enum(['personal', 'style', 'room', 'popular']);
export type RecommendationSource = z.infer<typeof RecommendationSource>;

/** Why an answer is not (only) personal. */
export const FallbackReason = z.enum(['no-consent', 'no-live-model', 'no-list', 'stale-list']);
export type FallbackReason = z.infer<typeof FallbackReason>;

export const RecommendedItem = z.object({
  productId: ProductId,
  source: RecommendationSource,
  /** A line an app may show ("Popular in Scandi"). */
  reason: z.string(),
  /** The model's score for personal items; null for popular ones. */
  score: z.number().nullable(),
});
export type RecommendedItem = z.infer<typeof RecommendedItem>;

export const GetRecommendationsResponse = z.object({
  /** The live model version when any item is personal, otherwise 'popular'. */
  version: z.string(),
  /** Set when the personal list was not used at all, and why. */
  fallback: FallbackReason.nullable(),
  items: z.array(RecommendedItem),
});
export type GetRecommendationsResponse = z.infer<typeof GetRecommendationsResponse>;

export const SimilarItemsRequest = z.strictObject({ productId: ProductId, limit: Limit });
export type SimilarItemsRequest = z.input<typeof SimilarItemsRequest>;

export const SimilarItemsResponse = z.object({
  version: z.string(),
  productId: ProductId,
  /** Nearest first; `similarity` is the cosine similarity of the two item vectors. */
  items: z.array(z.object({ productId: ProductId, similarity: z.number() })),
});
export type SimilarItemsResponse = z.infer<typeof SimilarItemsResponse>;
