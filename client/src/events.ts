/**
 * Behaviour events for recommendations, batched: views and cart adds come in bursts, and one
 * write every few seconds costs far less than a write per tap. Events are validated here with the
 * same schema the rules enforce, so a bad one is reported at once and never sent. Each flush is a
 * transaction that takes slots of the customer's event quota (event-quota.ts) and writes the
 * events under them; events past the quota are dropped and reported.
 */
import {
  collection,
  doc,
  runTransaction,
  serverTimestamp,
  type Firestore,
  type Timestamp,
} from 'firebase/firestore';
import { EventQuota, TrackEvent } from '@hearth/contracts';
import type { HearthClient } from './client';
import { fail, invalidArgument, ok, toHearthError, type HearthError, type Result } from './errors';
import { claimSlots, type Claim } from './event-quota';

export interface EventTracker {
  /** Queues an event; it is written with the next flush. */
  track(event: TrackEvent): Result<void>;
  /** Writes what is queued now (also called on a timer and when the queue is full). */
  flush(): Promise<Result<number>>;
  /** Flushes and stops the timer. */
  stop(): Promise<Result<number>>;
}

export interface TrackerOptions {
  /** Longest an event waits in the queue (ms). */
  flushEveryMs?: number;
  /** Queue size that triggers a flush; at most 500 (one batch). */
  maxBatch?: number;
  onError?: (error: HearthError) => void;
}

export function trackEvents(
  client: Pick<HearthClient, 'db'>,
  uid: string,
  opts: TrackerOptions = {},
): EventTracker {
  // One commit holds at most 500 writes: the events and the quota document.
  const maxBatch = Math.min(opts.maxBatch ?? 50, 499);
  const onError = opts.onError ?? ((e) => console.error(`trackEvents: ${e.message}`));
  let queue: TrackEvent[] = [];
  let flushing: Promise<Result<number>> = Promise.resolve(ok(0));
  const flush = (): Promise<Result<number>> => {
    flushing = flushing.then(async () => {
      const events = queue;
      queue = [];
      if (events.length === 0) return ok(0);
      try {
        let claim: Claim;
        try {
          claim = await writeInQuota(client.db, uid, events, false);
        } catch (err) {
          // A new window the rules refused: this device's clock is ahead of the server's.
          if (toHearthError(err).code !== 'permission-denied') throw err;
          claim = await writeInQuota(client.db, uid, events, true);
        }
        const written = claim.to - claim.from;
        if (written < events.length) {
          onError({
            code: 'failed-precondition',
            reason: 'event-quota',
            message: `${events.length - written} events dropped: the hourly event quota is used up`,
          });
        }
        return ok(written);
      } catch (err) {
        const error = toHearthError(err);
        onError(error);
        return fail<number>(error);
      }
    });
    return flushing;
  };
  const timer = setInterval(() => void flush(), opts.flushEveryMs ?? 5000);
  // A tracker must never keep a Node process (a test, a script) alive on its own.
  (timer as { unref?: () => void }).unref?.();

  return {
    track(event) {
      const parsed = TrackEvent.safeParse(event);
      if (!parsed.success) return fail(invalidArgument(parsed.error, '(event)'));
      queue.push(event);
      if (queue.length >= maxBatch) void flush();
      return ok(undefined);
    },
    flush,
    async stop() {
      clearInterval(timer);
      return flush();
    },
  };
}

/**
 * One transaction: takes slots of the customer's event quota for `events` and writes what fits
 * under them. `sameWindow` when this device's clock ran ahead of the server's.
 */
function writeInQuota(db: Firestore, uid: string, events: TrackEvent[], sameWindow: boolean): Promise<Claim> {
  const quotaRef = doc(db, 'customers', uid, 'quota', 'events');
  const eventsCol = collection(db, 'customers', uid, 'events');
  return runTransaction(db, async (tx) => {
    const snap = await tx.get(quotaRef);
    const stored = snap.exists() ? EventQuota.safeParse(snap.data()) : undefined;
    const current = stored?.success
      ? { ...stored.data, startedAtMs: (stored.data.startedAt as Timestamp).toMillis() }
      : undefined;
    const claim = claimSlots(current, events.length, sameWindow ? -Infinity : Date.now());
    if (claim.to === claim.from) return claim;
    if (claim.newWindow)
      tx.set(quotaRef, { window: claim.window, used: claim.to, startedAt: serverTimestamp() });
    else tx.update(quotaRef, { used: claim.to });
    events.slice(0, claim.to - claim.from).forEach((e, i) => {
      const parsed = TrackEvent.parse(e);
      tx.set(doc(eventsCol, `${claim.window}-${claim.from + i + 1}`), {
        kind: parsed.kind,
        productId: parsed.productId,
        sku: parsed.sku ?? null,
        quantity: parsed.quantity,
        at: serverTimestamp(),
      });
    });
    return claim;
  });
}
