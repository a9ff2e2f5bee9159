/** releaseReservation and expireReservations: held stock goes back on sale. */
import { Timestamp } from 'firebase-admin/firestore';
import type { ReleaseResponse, ReservationRequest } from '../api/inventory-callables';
import { countReads, type Deps } from './deps';
import { precondition } from './errors';
import { once } from './idempotency';
import { reservationRef, reservationsCol } from './paths';
import { type Caller, readReservation, settleAllocations } from './reservations';
import { StockTx } from './stock-tx';
import { runInTransaction } from './transaction';

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
      deps.checkpoint?.('releaseReservation:before-write');
      st.write();
      tx.update(reservationRef(deps.db, id), {
        status: 'released',
        closedAt: Timestamp.fromDate(deps.clock.now()),
      });
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
 * expiry) settle it exactly once; a run cut short leaves the rest for the next one.
 */
export async function expireReservations(deps: Deps): Promise<{ expired: number; skus: string[] }> {
  const now = deps.clock.now();
  const skus = new Set<string>();
  let expired = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const due = await reservationsCol(deps.db)
      .where('status', '==', 'held')
      .where('expiresAt', '<=', Timestamp.fromDate(now))
      .orderBy('expiresAt')
      .limit(PAGE)
      .get();
    countReads(deps, Math.max(1, due.size));
    if (due.empty) break;
    const ids = due.docs.map((d) => d.id);
    for (let i = 0; i < ids.length; i += PARALLEL) {
      const done = await Promise.all(ids.slice(i, i + PARALLEL).map((id) => expireOne(deps, id, now)));
      for (const lines of done) {
        if (!lines) continue;
        expired++;
        lines.forEach((sku) => skus.add(sku));
        deps.checkpoint?.('expireReservations:expired-one');
      }
    }
  }
  for (const sku of skus) deps.refresher?.request(sku);
  return { expired, skus: [...skus] };
}

/** Expires one reservation if it is still held and due; returns its SKUs, or null if it was not. */
async function expireOne(deps: Deps, id: string, now: Date): Promise<string[] | null> {
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
    st.write();
    tx.update(reservationRef(deps.db, id), { status: 'expired', closedAt: Timestamp.fromDate(now) });
    return res.lines.map((l) => l.sku);
  });
}
