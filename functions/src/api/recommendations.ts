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
