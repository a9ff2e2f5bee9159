/**
 * What domain functions need from the outside world, passed in so the same code runs in a callable,
 * a scheduled job, a script and a test. Every domain's own deps extend these.
 */
import type { Firestore } from 'firebase-admin/firestore';
import { type StoreSettings, storeSettings } from './settings';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Counted by the transaction helper and the reads around it; the benchmark reports them. */
export interface Metrics {
  attempts: number;
  /** Transactions that committed. */
  commits: number;
  retries: number;
  reads: number;
  writes: number;
}

export const newMetrics = (): Metrics => ({ attempts: 0, commits: 0, retries: 0, reads: 0, writes: 0 });

export interface Deps {
  db: Firestore;
  clock: Clock;
  metrics?: Metrics;
  /**
   * Called between the steps of multi-step flows and inside transactions before they write; a
   * throwing checkpoint is how tests inject a crash at that point.
   */
  checkpoint?: (step: string) => void;
  /** The store's tunables; the params of this process (or their defaults) when absent. */
  settings?: StoreSettings;
}

export const settingsOf = (deps: Pick<Deps, 'settings'>): StoreSettings => deps.settings ?? storeSettings();

export function countReads(deps: Deps, n: number): void {
  if (deps.metrics) deps.metrics.reads += n;
}
