/**
 * The store-wide documents every answer needs (models/current, serving/stock, serving/popular),
 * held per function instance for `ttlMs` and read together in one getAll when older. This is what
 * keeps a call at two document reads of its own (the caller's profile and list): the three shared
 * reads happen at most once per instance per `ttlMs`, off most calls' path.
 *
 * Staleness this adds, on top of how old the documents themselves are: a model switch, a product
 * going out of stock or coming back, and a new popular list reach an instance up to `ttlMs` late.
 * A model switch seen late is harmless: the old slot's lists stay whole until the next retraining.
 */
import type { DocumentReference, DocumentSnapshot, Firestore } from 'firebase-admin/firestore';
import { CurrentModelDoc, PopularDoc, StockSummaryDoc } from '@hearth/contracts';
import { countReads, type Deps } from '../platform/deps';
import { currentModelRef } from './publish';
import { DomainError } from '../platform/callable';

export const servingCol = (db: Firestore) => db.collection('serving');
export const popularRef = (db: Firestore) => servingCol(db).doc('popular');
export const stockSummaryRef = (db: Firestore) => servingCol(db).doc('stock');

export interface ServingSnapshot {
  live: CurrentModelDoc | null;
  unavailable: ReadonlySet<string>;
  popular: PopularDoc | null;
  readAt: number;
}

/** Every document read of serving goes through here, so `deps.metrics.reads` counts them all. */
export async function readDocs(deps: Deps, refs: DocumentReference[]): Promise<DocumentSnapshot[]> {
  countReads(deps, refs.length);
  return deps.db.getAll(...refs);
}

const parsedOrNull = <T>(schema: { parse(v: unknown): T }, snap: DocumentSnapshot): T | null =>
  snap.exists ? schema.parse(snap.data()) : null;

export class ServingState {
  private cached: ServingSnapshot | null = null;
  private loading: Promise<ServingSnapshot> | null = null;

  constructor(readonly ttlMs = 60_000) {}

  async get(deps: Deps): Promise<ServingSnapshot> {
    const now = deps.clock.now().getTime();
    if (this.cached && now - this.cached.readAt < this.ttlMs) return this.cached;
    // Concurrent calls on one instance share a single refresh.
    this.loading ??= this.load(deps, now).finally(() => (this.loading = null));
    return this.loading;
  }

  private async load(deps: Deps, now: number): Promise<ServingSnapshot> {
    const { db } = deps;
    const [current, stock, popular] = await readDocs(deps, [
      currentModelRef(db),
      stockSummaryRef(db),
      popularRef(db),
    ]);
    this.cached = {
      live: parsedOrNull(CurrentModelDoc, current!),
      unavailable: new Set(Object.keys(parsedOrNull(StockSummaryDoc, stock!)?.unavailable ?? {})),
      popular: parsedOrNull(PopularDoc, popular!),
      readAt: now,
    };
    return this.cached;
  }
}

export interface ServingDeps extends Deps {
  state: ServingState;
}

export type RecommendationErrorCode = 'not-found' | 'failed-precondition';

export class RecommendationError extends DomainError<RecommendationErrorCode> {}
