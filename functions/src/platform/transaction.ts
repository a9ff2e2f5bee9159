/**
 * Read-write transactions with contention handled here, never by the caller.
 *
 * The SDK's own retry starts its backoff at one second, far too slow for a flash sale, so each
 * attempt runs with `maxAttempts: 1` and this loop retries ABORTED (and transient UNAVAILABLE)
 * with short, jittered, growing pauses, within a bounded number of attempts and a time budget (the params TRANSACTION_MAX_ATTEMPTS and
 * TRANSACTION_BUDGET_SECONDS).
 * When the budget is spent the caller gets a clear `unavailable` error; nothing was written.
 */
import type { DocumentReference, DocumentSnapshot, Transaction } from 'firebase-admin/firestore';
import { DomainError, isContention } from './callable';
import { type Deps, settingsOf } from './deps';

const BASE_DELAY_MS = 4;
const MAX_DELAY_MS = 250;

/** Thrown inside a transaction to run it again from the start after fresh reads outside it. */
export class Retry extends Error {
  constructor(readonly why: string) {
    super(why);
    this.name = 'Retry';
  }
}

/** The transaction as domain code sees it: counts reads and writes for the benchmark. */
export class Tx {
  constructor(
    readonly raw: Transaction,
    private readonly deps: Deps,
  ) {}

  get(ref: DocumentReference): Promise<DocumentSnapshot> {
    this.count('reads', 1);
    return this.raw.get(ref);
  }

  /** Reads in path order, so concurrent transactions over overlapping documents lock in one order. */
  async getAll(refs: DocumentReference[]): Promise<Map<string, DocumentSnapshot>> {
    const sorted = [...refs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    this.count('reads', sorted.length);
    const snaps = sorted.length === 0 ? [] : await this.raw.getAll(...sorted);
    return new Map(snaps.map((s) => [s.ref.path, s]));
  }

  create(ref: DocumentReference, data: Record<string, unknown>): void {
    this.count('writes', 1);
    this.raw.create(ref, data);
  }

  set(ref: DocumentReference, data: Record<string, unknown>): void {
    this.count('writes', 1);
    this.raw.set(ref, data);
  }

  update(ref: DocumentReference, data: Record<string, unknown>): void {
    this.count('writes', 1);
    this.raw.update(ref, data);
  }

  private count(what: 'reads' | 'writes', n: number): void {
    if (this.deps.metrics) this.deps.metrics[what] += n;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runInTransaction<T>(deps: Deps, what: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const started = Date.now();
  const { transactionMaxAttempts, transactionBudgetMs } = settingsOf(deps);
  for (let attempt = 1; ; attempt++) {
    if (deps.metrics) deps.metrics.attempts++;
    try {
      const result = await deps.db.runTransaction((raw) => fn(new Tx(raw, deps)), { maxAttempts: 1 });
      if (deps.metrics) deps.metrics.commits++;
      return result;
    } catch (err) {
      if (!(err instanceof Retry) && !isContention(err)) throw err;
      if (attempt >= transactionMaxAttempts || Date.now() - started > transactionBudgetMs) {
        throw new DomainError(
          'unavailable',
          `Could not ${what}: the store is too busy right now (${attempt} attempts). Nothing was changed; try again in a few seconds.`,
          { attempts: attempt },
        );
      }
      if (deps.metrics) deps.metrics.retries++;
      const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempt, 10));
      await pause(Math.random() * ceiling);
    }
  }
}
