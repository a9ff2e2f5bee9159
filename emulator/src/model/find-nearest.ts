import { invalidArgument } from '../errors';
import { getField, parseFieldPath } from './fieldpath';
import type { StoredDocument } from './types';
import { compareReferences, vectorComponents } from './values';
import { wrapperNumber } from './wrappers';

const MAX_DIMENSIONS = 2048;
const MAX_LIMIT = 1000;

type Measure = 'EUCLIDEAN' | 'COSINE' | 'DOT_PRODUCT';

export interface CompiledFindNearest {
  vectorField: string[];
  query: number[];
  queryNorm: number;
  measure: Measure;
  limit: number;
  threshold: number | undefined;
  distanceResultField: string[] | undefined;
}

export function compileFindNearest(raw: any): CompiledFindNearest {
  const path = raw.vectorField?.fieldPath;
  if (typeof path !== 'string' || path === '') throw invalidArgument('findNearest needs a vector_field.');
  const query = raw.queryVector == null ? undefined : vectorComponents(raw.queryVector);
  if (!query) throw invalidArgument('findNearest needs a query_vector that is a vector value.');
  if (query.length === 0 || query.length > MAX_DIMENSIONS) {
    throw invalidArgument(
      `findNearest's query_vector must have 1 to ${MAX_DIMENSIONS} dimensions, got ${query.length}.`,
    );
  }
  const measure = raw.distanceMeasure;
  if (measure !== 'EUCLIDEAN' && measure !== 'COSINE' && measure !== 'DOT_PRODUCT') {
    throw invalidArgument(
      `findNearest needs a distance_measure of EUCLIDEAN, COSINE or DOT_PRODUCT, got ${measure ?? 'none'}.`,
    );
  }
  const limit = wrapperNumber(raw.limit);
  if (limit === undefined) throw invalidArgument('findNearest needs a limit.');
  if (!Number.isInteger(limit) || limit <= 0 || limit > MAX_LIMIT) {
    throw invalidArgument(
      `findNearest's limit must be a positive integer of at most ${MAX_LIMIT}, got ${limit}.`,
    );
  }
  const threshold = wrapperNumber(raw.distanceThreshold);
  return {
    vectorField: parseFieldPath(path),
    query,
    queryNorm: Math.hypot(...query),
    measure,
    limit,
    threshold,
    distanceResultField: raw.distanceResultField ? parseFieldPath(raw.distanceResultField) : undefined,
  };
}

function distance(v: number[], q: CompiledFindNearest): number | undefined {
  let dot = 0;
  let sq = 0;
  let norm = 0;
  for (let i = 0; i < v.length; i++) {
    const a = v[i]!;
    const b = q.query[i]!;
    dot += a * b;
    sq += (a - b) * (a - b);
    norm += a * a;
  }
  switch (q.measure) {
    case 'EUCLIDEAN':
      return Math.sqrt(sq);
    case 'DOT_PRODUCT':
      return dot;
    case 'COSINE':
      // The angle to a zero vector is undefined, so such documents are not neighbours.
      if (norm === 0 || q.queryNorm === 0) return undefined;
      return 1 - dot / (Math.sqrt(norm) * q.queryNorm);
  }
}

/**
 * The documents nearest to the query vector, best first (smallest EUCLIDEAN/COSINE distance,
 * largest DOT_PRODUCT), among those holding a vector of the query's dimension at the vector field,
 * within the inclusive threshold. Ties go by document name so results are stable.
 */
export function nearestNeighbours(
  docs: StoredDocument[],
  q: CompiledFindNearest,
): { doc: StoredDocument; distance: number }[] {
  const larger = q.measure === 'DOT_PRODUCT';
  const found: { doc: StoredDocument; distance: number }[] = [];
  for (const doc of docs) {
    const value = getField(doc.fields, q.vectorField);
    const v = value && vectorComponents(value);
    if (!v || v.length !== q.query.length) continue;
    const d = distance(v, q);
    if (d === undefined || Number.isNaN(d)) continue;
    if (q.threshold !== undefined && (larger ? d < q.threshold : d > q.threshold)) continue;
    found.push({ doc, distance: d });
  }
  found.sort((a, b) => {
    const c = larger ? b.distance - a.distance : a.distance - b.distance;
    return c !== 0 ? c : compareReferences(a.doc.name, b.doc.name);
  });
  return found.slice(0, q.limit);
}
