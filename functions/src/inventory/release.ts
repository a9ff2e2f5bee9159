/** releaseReservation and expireReservations: held stock goes back on sale. */
import { type QueryDocumentSnapshot, Timestamp } from 'firebase-admin/firestore';
import type { ReleaseResponse, ReservationRequest } from '@hearth/contracts';
import { countReads } from '../platform/deps';
import type { Deps } from './deps';
import { precondition } from './errors';
import { once } from './idempotency';
import { reservationRef, reservationsCol } from './paths';
import { type Caller, readReservation, settleAllocations } from './reservations';
import { StockTx } from './stock-tx';
import { giveBack } from './customer-limits';
import { reservationExpired } from './outbox-events';
import { runInTransaction } from '../platform/transaction';
import { closeQueueEntries } from './backorders';

export async function releaseReservation(
  deps: Deps,
  caller: Caller,
  req: ReservationRequest,
): Promise<ReleaseResponse> {
  const id = req.reservationId;
  let skus: string[] = [];
  const answer = await once(
    deps,
    { scope: 'releaseReservation', uid: caller.uid, key: req.idempotencyKey, request: req },
    'release the reservation',
    async (tx, opId) => {
      const res = readReservation(await tx.get(reservationRef(deps.db, id)), caller);
      if (res.status !== 'held')
        throw precondition(
          `reservation_${res.status}`,
          `Reservation ${id} is already ${res.status.replace('_', ' ')}`,
        );
      const st = new StockTx(tx, deps, {
        actor: { uid: caller.uid, role: caller.staff ? 'staff' : 'customer' },
        correlationId: id,
        idempotencyKey: req.idempotencyKey,
        opId,
      });
      await settleAllocations(st, res, 'release', 'released by the customer');
      await giveBack(deps, tx, res, { hold: true, units: 'all' });
      deps.checkpoint?.('releaseReservation:before-write');
      st.write();
      tx.update(reservationRef(deps.db, id), {
        status: 'released',
        closedAt: Timestamp.fromDate(deps.clock.now()),
      });
      closeQueueEntries(tx, deps.db, id, res, deps.clock.now());
      skus = res.lines.map((l) => l.sku);
      return { reservationId: id, status: 'released' as const };
    },
  );
  for (const sku of skus) deps.refresher?.request(sku);
  return answer;
}

const PAGE = 100;
const MAX_PAGES = 50;
const PARALLEL = 8;

/**
 * Expires every held reservation whose time is up, however late the run. Each one is expired in its
 * own transaction that re-checks it is still held, so overlapping runs (or a release racing the
 * expiry) settle it exactly once; a run cut short leaves the rest for the next one. One that cannot
 * be expired (its counters drifted, say) is reported and passed over: it must not hold back every
 * expiry due after it, run after run.
 */
export async function expireReservations(
  deps: Deps,
  { pageSize = PAGE, maxPages = MAX_PAGES }: { pageSize?: number; maxPages?: number } = {},
): Promise<{ expired: number; skus: string[]; failed: { reservationId: string; error: string }[] }> {
  const now = deps.clock.now();
  const skus = new Set<string>();
  const failed: { reservationId: string; error: string }[] = [];
  let expired = 0;
  let after: QueryDocumentSnapshot | null = null;
  for (let page = 0; page < maxPages; page++) {
    let due = reservationsCol(deps.db)
      .where('status', '==', 'held')
      .where('expiresAt', '<=', Timestamp.fromDate(now))
      .orderBy('expiresAt')
      .limit(pageSize);
    if (after) due = due.startAfter(after);
    const snap = await due.get();
    countReads(deps, Math.max(1, snap.size));
    if (snap.empty) break;
    after = snap.docs[snap.docs.length - 1]!;
    const ids = snap.docs.map((d) => d.id);
    for (let i = 0; i < ids.length; i += PARALLEL) {
      const batch = ids.slice(i, i + PARALLEL);
      const done = await Promise.allSettled(batch.map((id) => expireOne(deps, id, now)));
      done.forEach((outcome, j) => {
        if (outcome.status === 'rejected') {
          const reservationId = batch[j]!;
          const error = outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
          console.error(`expiring reservation ${reservationId} failed; it stays held`, outcome.reason);
          failed.push({ reservationId, error });
          return;
        }
        if (!outcome.value) return;
        expired++;
        outcome.value.forEach((sku) => skus.add(sku));
        deps.checkpoint?.('expireReservations:expired-one');
      });
    }
  }
  for (const sku of skus) deps.refresher?.request(sku);
  return { expired, skus: [...skus], failed };
}

/**
 * Expires one reservation if it is still held and due; returns its SKUs, or null if it was not (a
 * release, a checkout or an extension since the sweep's query).
 */
export async function expireOne(deps: Deps, id: string, now: Date): Promise<string[] | null> {
  return runInTransaction(deps, `expire reservation ${id}`, async (tx) => {
    const res = readReservation(await tx.get(reservationRef(deps.db, id)));
    if (res.status !== 'held' || res.expiresAt.toMillis() > now.getTime()) return null;
    const st = new StockTx(tx, deps, {
      actor: { uid: 'expireReservations', role: 'system' },
      correlationId: id,
      idempotencyKey: null,
      opId: `expire-${id}`,
    });
    await settleAllocations(st, res, 'expire', 'hold expired');
    await giveBack(deps, tx, res, { hold: true, units: 'all' });
    st.emit(reservationExpired(id, res));
    st.write();
    tx.update(reservationRef(deps.db, id), { status: 'expired', closedAt: Timestamp.fromDate(now) });
    closeQueueEntries(tx, deps.db, id, res, now);
    return res.lines.map((l) => l.sku);
  });
}
