/**
 * Documents of the recommender. A trained model is written into one of two slots, `a` and `b`
 * (blue/green): the slot the live model does not use. Products carry one vector field per slot
 * (`embeddings.a`, `embeddings.b`, each with a vector index) and `recommendations/{uid}` one list
 * per slot, so a run that fails half-way only ever touches the idle slot, and `models/current`
 * switching slot in one transaction makes the whole new model live at once.
 */
import { z } from 'zod';
import { FirestoreTime, IdempotencyKey, ProductId } from './common';

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

// ---- A/B arms ----

/** A share of customers, in whole percent. */
const Share = z
  .number({ error: 'share must be a number' })
  .int('share must be a whole percent')
  .min(0, 'share must be at least 0')
  .max(100, 'share must be at most 100');

/** One arm of an experiment: a fully written model version in its slot, and its share of customers. */
export const ExperimentArm = z.object({ slot: ModelSlot, version: z.string(), share: Share });
export type ExperimentArm = z.infer<typeof ExperimentArm>;

/** A proportion with its 95% Wilson score interval (null rate when there is nothing to divide by). */
export const Proportion = z.object({
  successes: z.number().int().min(0),
  trials: z.number().int().min(0),
  rate: z.number().nullable(),
  low: z.number(),
  high: z.number(),
});
export type Proportion = z.infer<typeof Proportion>;

/**
 * One arm's funnel since the experiment started. Customers and impressions are what serving
 * recorded (customers/{uid}/exposures); clicks are views of a product the arm served that customer;
 * cart adds and purchases are the exposed customers' trusted events after their first answer.
 */
export const ArmMetrics = z.object({
  slot: ModelSlot,
  version: z.string(),
  customers: z.number().int().min(0),
  answers: z.number().int().min(0),
  impressions: z.number().int().min(0),
  clicks: z.number().int().min(0),
  cartAdds: z.number().int().min(0),
  purchases: z.number().int().min(0),
  /** Clicks per impression (impressions of one customer are not independent: read it as a guide). */
  clickRate: Proportion,
  /** Exposed customers who added anything to their cart afterwards. */
  cartAddRate: Proportion,
  /** Exposed customers who bought anything afterwards. */
  conversion: Proportion,
});
export type ArmMetrics = z.infer<typeof ArmMetrics>;

export const ExperimentMetrics = z.object({ computedAt: FirestoreTime, arms: z.array(ArmMetrics) });
export type ExperimentMetrics = z.infer<typeof ExperimentMetrics>;

/**
 * The running experiment, kept on models/current rather than in a document of its own: serving
 * already reads (and caches) models/current, so assigning a customer costs no read, and a split, a
 * promotion and the nightly switch all change the one document in one transaction, so none of them
 * can see the live model and the split out of step.
 */
export const Experiment = z.object({
  /** New each time the split is set; assignment hashes it with the uid. */
  id: z.string(),
  arms: z.array(ExperimentArm).min(2),
  startedAt: FirestoreTime,
  metrics: ExperimentMetrics.optional(),
});
export type Experiment = z.infer<typeof Experiment>;

/** models/current: the live model. */
export const CurrentModelDoc = z.object({
  version: z.string(),
  slot: ModelSlot,
  metrics: ModelMetrics,
  switchedAt: FirestoreTime,
  /** While set, customers are split between its arms (one of them this model). */
  experiment: Experiment.optional(),
  /** The last experiment, as it stood when an arm was promoted. */
  endedExperiment: Experiment.extend({ endedAt: FirestoreTime, promoted: ModelSlot }).optional(),
  /** The idempotency key of the staff call that last changed this document. */
  changeKey: z.string().optional(),
});
export type CurrentModelDoc = z.infer<typeof CurrentModelDoc>;

/**
 * customers/{uid}/exposures/{experimentId}: what serving showed this customer in an experiment.
 * Under the profile so erasure removes it with the rest; no client reads or writes it.
 */
export const ExposureDoc = z.object({
  experimentId: z.string(),
  slot: ModelSlot,
  version: z.string(),
  firstAt: FirestoreTime,
  lastAt: FirestoreTime,
  answers: z.number().int().min(0),
  impressions: z.number().int().min(0),
  /** Products served, for telling a click (a view of one of them) from any other view. */
  served: z.array(ProductId),
});
export type ExposureDoc = z.infer<typeof ExposureDoc>;

export const SetRecommenderSplitRequest = z.strictObject({
  /** One arm per slot; each slot's fully written model is the arm's version. */
  arms: z
    .array(
      z.strictObject({
        slot: z.enum(['a', 'b'], { error: 'slot must be "a" or "b"' }),
        share: Share,
        /** When given, the slot must still hold this version (what the console showed). */
        version: z.string().min(1).max(100).optional(),
      }),
      { error: 'arms must be a list of { slot, share }' },
    )
    .length(2, 'arms must name both slots, a and b')
    .refine((arms) => new Set(arms.map((a) => a.slot)).size === arms.length, 'arms must name each slot once')
    .refine(
      (arms) => arms.reduce((sum, a) => sum + a.share, 0) === 100,
      'the shares of the arms must add up to 100',
    ),
  idempotencyKey: IdempotencyKey,
});
export type SetRecommenderSplitRequest = z.input<typeof SetRecommenderSplitRequest>;

export const RecommenderSplitResponse = z.object({
  experimentId: z.string().nullable(),
  live: z.object({ version: z.string(), slot: ModelSlot }),
  arms: z.array(ExperimentArm),
});
export type RecommenderSplitResponse = z.infer<typeof RecommenderSplitResponse>;

export const PromoteRecommenderArmRequest = z.strictObject({
  slot: z.enum(['a', 'b'], { error: 'slot must be "a" or "b"' }),
  idempotencyKey: IdempotencyKey,
});
export type PromoteRecommenderArmRequest = z.input<typeof PromoteRecommenderArmRequest>;

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
  /**
   * The experiment arm the customer is in, while one runs (apps tag impressions with it); null
   * when no experiment runs or the customer gets no personal answer (no consent).
   */
  arm: z.object({ experimentId: z.string(), slot: ModelSlot, version: z.string() }).nullable(),
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
