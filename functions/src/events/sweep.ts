/**
 * The sweeper (scheduled each minute): what the trigger missed. Events still undispatched after a
 * grace period (a crash between the commit and the trigger, a trigger that failed, the local relay
 * not yet listening) are dispatched, oldest first; deliveries whose retry is due are sent again.
 */
import { Timestamp } from 'firebase-admin/firestore';
import { deliverySettings, type EventDeps } from './deps';
import { drainStream } from './deliver';
import { dispatchEvent, type StreamKey } from './dispatch';
import { deliveriesCol, outboxCol } from './paths';

const LIMIT = 500;
const PARALLEL_STREAMS = 8;

export interface SweepReport {
  dispatched: number;
  streams: number;
  completed: number;
}

export async function sweepWebhooks(deps: EventDeps): Promise<SweepReport> {
  const now = deps.clock.now().getTime();
  const cutoff = Timestamp.fromMillis(now - deliverySettings(deps).sweepGraceMs);
  const late = await outboxCol(deps.db)
    .where('dispatched', '==', false)
    .where('at', '<=', cutoff)
    .orderBy('at')
    .limit(LIMIT)
    .get();
  const streams = new Map<string, StreamKey>();
  const add = (k: StreamKey) => streams.set(`${k.subscriptionId}\u0000${k.stream}`, k);
  for (const d of late.docs) (await dispatchEvent(deps, d.id)).forEach(add);
  const due = await deliveriesCol(deps.db)
    .where('status', '==', 'pending')
    .where('nextAttemptAt', '<=', Timestamp.fromMillis(now))
    .limit(LIMIT)
    .get();
  for (const d of due.docs)
    add({ subscriptionId: String(d.get('subscriptionId')), stream: String(d.get('stream')) });
  const completed = await drainAll(deps, [...streams.values()]);
  return { dispatched: late.size, streams: streams.size, completed };
}

/** Drains the streams, a few at a time; one stream's failure does not stop the others. */
export async function drainAll(deps: EventDeps, keys: StreamKey[]): Promise<number> {
  let completed = 0;
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++]!;
      try {
        completed += await drainStream(deps, key);
      } catch (err) {
        console.error(`webhook stream ${key.subscriptionId} / ${key.stream} failed`, err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_STREAMS, keys.length) }, worker));
  return completed;
}

/** The trigger's work for one new outbox event: dispatch it, then drain the streams it joined. */
export async function deliverNewEvent(deps: EventDeps, eventId: string): Promise<number> {
  return drainAll(deps, await dispatchEvent(deps, eventId));
}
