/**
 * Behaviour events for recommendations, batched: views and cart adds come in bursts, and one
 * batched write every few seconds costs far less than a write per tap. Events are validated here
 * with the same schema the rules enforce, so a bad one is reported at once and never sent.
 */
import { collection, doc, serverTimestamp, writeBatch } from 'firebase/firestore';
import { TrackEvent } from '@hearth/contracts';
import type { HearthClient } from './client';
import { fail, invalidArgument, ok, toHearthError, type HearthError, type Result } from './errors';

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
  const maxBatch = Math.min(opts.maxBatch ?? 50, 500);
  const onError = opts.onError ?? ((e) => console.error(`trackEvents: ${e.message}`));
  let queue: TrackEvent[] = [];
  let flushing: Promise<Result<number>> = Promise.resolve(ok(0));

  const flush = (): Promise<Result<number>> => {
    flushing = flushing.then(async () => {
      const events = queue;
      queue = [];
      if (events.length === 0) return ok(0);
      const batch = writeBatch(client.db);
      const eventsCol = collection(client.db, 'customers', uid, 'events');
      for (const e of events) {
        const parsed = TrackEvent.parse(e);
        batch.set(doc(eventsCol), {
          kind: parsed.kind,
          productId: parsed.productId,
          sku: parsed.sku ?? null,
          quantity: parsed.quantity,
          at: serverTimestamp(),
        });
      }
      try {
        await batch.commit();
        return ok(events.length);
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
