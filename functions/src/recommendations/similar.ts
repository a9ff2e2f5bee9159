/**
 * similarItems: the products nearest to one product by the live model's item vectors, with
 * Firestore's findNearest (cosine) on the live slot's vector field, leaving out the product itself
 * and what cannot be sold now (serving/stock, as for getRecommendations).
 *
 * Stock is filtered after the vector search rather than as a pre-filter, which would need a
 * composite vector index per filter; the search asks for as many extra neighbours as there are
 * unavailable products (up to findNearest's limit of 1000), so the page fills unless more than
 * that are out of stock. Reads: the product, plus one per neighbour returned.
 */
import { z } from 'zod';
import {
  embeddingField,
  type NotFoundDetails,
  SimilarItemsRequest,
  type SimilarItemsResponse,
} from '@hearth/contracts';
import { RecommendationError, readDocs, type ServingDeps } from './serving-state';

const FIND_NEAREST_MAX_LIMIT = 1000;
const DISTANCE_FIELD = 'distance';

export async function similarItems(
  deps: ServingDeps,
  req: z.output<typeof SimilarItemsRequest>,
): Promise<SimilarItemsResponse> {
  const { db } = deps;
  const shared = await deps.state.get(deps);
  const live = shared.live;
  if (!live) {
    throw new RecommendationError(
      'failed-precondition',
      'No recommendation model is live yet, so there are no item vectors to compare: run retrainRecommender first',
      { reason: 'no-live-model' },
    );
  }
  const products = db.collection('products');
  const [product] = await readDocs(deps, [products.doc(req.productId)]);
  if (!product!.exists) {
    throw new RecommendationError('not-found', `There is no product ${req.productId}`, {
      kind: 'product',
      id: req.productId,
    } satisfies NotFoundDetails);
  }
  const field = embeddingField(live.slot);
  const vector: unknown = product!.get(field);
  // No vector: nobody interacted with the product in the live model's window. Nothing is known
  // to be like it yet, which is an empty answer, not an error.
  if (!vector) return { version: live.version, productId: req.productId, items: [] };

  const nearest = await products
    // Only what the filter needs, not the neighbours' vectors; the distance is named too, in case
    // the projection is applied after the distance field is added.
    .select('active', DISTANCE_FIELD)
    .findNearest({
      vectorField: field,
      queryVector: vector as never,
      limit: Math.min(FIND_NEAREST_MAX_LIMIT, req.limit + 1 + shared.unavailable.size),
      distanceMeasure: 'COSINE',
      distanceResultField: DISTANCE_FIELD,
    })
    .get();
  const items = nearest.docs
    .filter((d) => d.id !== req.productId && !shared.unavailable.has(d.id) && d.get('active') !== false)
    .slice(0, req.limit)
    .map((d) => ({ productId: d.id, similarity: 1 - (d.get(DISTANCE_FIELD) as number) }));
  return { version: live.version, productId: req.productId, items };
}
