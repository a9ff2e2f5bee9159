/**
 * What the webhook tests share: deps with short delivery settings (loopback allowed, as on the
 * local stack), a clock that can be moved forward, and the outbox trigger as the dev stack's relay
 * runs it (a listener on `outbox/` calling the trigger's own handler for each new document).
 */
import type { Firestore } from 'firebase-admin/firestore';
import type { Clock } from '../../../src/platform/deps';
import type { EventDeps } from '../../../src/events/deps';
import { deliverNewEvent } from '../../../src/events/sweep';

/** Real time plus an offset, so backoff waits are real and hold expiry can be jumped to. */
export class ShiftClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

export const testDelivery = {
  maxAttempts: 4,
  baseDelayMs: 40,
  maxDelayMs: 300,
  timeoutMs: 400,
  inlineWaitMs: 1_000,
  sweepGraceMs: 0,
  leaseMs: 10_000,
  previousSecretMs: 60_000,
};

export function eventDeps(db: Firestore, clock: Clock, extra: Partial<EventDeps> = {}): EventDeps {
  return { db, clock, urls: { allowPrivate: true }, delivery: testDelivery, ...extra };
}

/** The outbox trigger, relayed as scripts/src/dev/triggers.ts does; `idle()` waits for every run. */
export function startTrigger(deps: EventDeps): { stop(): void; idle(): Promise<void>; failures: unknown[] } {
  const running = new Set<Promise<unknown>>();
  const failures: unknown[] = [];
  let first = true;
  const unsubscribe = deps.db.collection('outbox').onSnapshot((qs) => {
    for (const change of qs.docChanges()) {
      if (first || change.type !== 'added') continue;
      const run = deliverNewEvent(deps, change.doc.id).catch((err: unknown) => failures.push(err));
      running.add(run);
      void run.finally(() => running.delete(run));
    }
    first = false;
  });
  return {
    stop: unsubscribe,
    failures,
    async idle() {
      while (running.size > 0) await Promise.all(running);
    },
  };
}
