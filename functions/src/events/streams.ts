/**
 * One drainer per stream at a time, so a subscription sees a stream's events in order: a lease
 * document per (subscription, stream). A request that finds the stream held marks it dirty, and the
 * holder looks again before letting go, so no new delivery waits for the sweeper needlessly. A
 * lease that was not renewed (its holder died) may be taken over once it runs out.
 */
import { Timestamp } from 'firebase-admin/firestore';
import { runInTransaction } from '../platform/transaction';
import { deliverySettings, type EventDeps } from './deps';
import type { StreamKey } from './dispatch';
import { streamRef } from './paths';

interface Lease {
  holder: string;
  leaseUntil: Timestamp;
  dirty: boolean;
}

/** Takes the stream's lease for `holder`; false (and the stream marked dirty) when another holds it. */
export async function acquireStream(deps: EventDeps, key: StreamKey, holder: string): Promise<boolean> {
  const ref = streamRef(deps.db, key.subscriptionId, key.stream);
  return runInTransaction(deps, 'take a webhook stream', async (tx) => {
    const now = deps.clock.now().getTime();
    const cur = (await tx.get(ref)).data() as Lease | undefined;
    if (cur && cur.holder !== holder && cur.leaseUntil.toMillis() > now) {
      if (!cur.dirty) tx.update(ref, { dirty: true });
      return false;
    }
    const lease: Lease = {
      holder,
      leaseUntil: Timestamp.fromMillis(now + deliverySettings(deps).leaseMs),
      dirty: false,
    };
    tx.set(ref, { ...lease, ...key });
    return true;
  });
}

export async function renewStream(deps: EventDeps, key: StreamKey, holder: string): Promise<void> {
  const until = Timestamp.fromMillis(deps.clock.now().getTime() + deliverySettings(deps).leaseMs);
  await streamRef(deps.db, key.subscriptionId, key.stream).set(
    { holder, leaseUntil: until },
    { merge: true },
  );
}

/** Lets go of the stream; false when it was marked dirty meanwhile (look again, still holding it). */
export async function releaseStream(deps: EventDeps, key: StreamKey, holder: string): Promise<boolean> {
  const ref = streamRef(deps.db, key.subscriptionId, key.stream);
  return runInTransaction(deps, 'release a webhook stream', async (tx) => {
    const cur = (await tx.get(ref)).data() as Lease | undefined;
    if (!cur || cur.holder !== holder) return true;
    if (cur.dirty) {
      tx.update(ref, { dirty: false });
      return false;
    }
    tx.update(ref, { leaseUntil: Timestamp.fromMillis(0) });
    return true;
  });
}
