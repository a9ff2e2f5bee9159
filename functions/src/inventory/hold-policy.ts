/**
 * How long a hold lasts, and its one extension.
 *
 * Anonymous shoppers (Firebase anonymous auth) get a shorter hold than signed-in ones: an anonymous
 * cart is cheap to make and more often abandoned, so its stock comes back sooner (params
 * HOLD_MINUTES_ANONYMOUS and HOLD_MINUTES). A hold may be extended once, as Saleor and
 * commercetools allow: a new full period from now, for the kind of shopper it was held for. A
 * second extension is refused, so one shopper cannot keep stock off sale by extending forever.
 * No stock moves, so there is no ledger entry; the idempotency record keeps a retried extension
 * to one.
 */
import { Timestamp } from 'firebase-admin/firestore';
import type { ExtendReservationRequest, ReservationView, ShopperKind } from '@hearth/contracts';
import { settingsOf } from '../platform/deps';
import type { StoreSettings } from '../platform/settings';
import type { Deps } from './deps';
import { precondition } from './errors';
import { once } from './idempotency';
import { reservationRef } from './paths';
import { assertHeld, type Caller, readReservation } from './reservations';
import { toView } from './reserve-batch';

export const shopperOf = (customer: { anonymous?: boolean }): ShopperKind =>
  customer.anonymous ? 'anonymous' : 'signed_in';

export const holdMsFor = (settings: StoreSettings, shopper: ShopperKind): number =>
  shopper === 'anonymous' ? settings.anonymousHoldMs : settings.holdMs;

export function extendReservation(
  deps: Deps,
  caller: Caller,
  req: ExtendReservationRequest,
): Promise<ReservationView> {
  const id = req.reservationId;
  return once(
    deps,
    { scope: 'extendReservation', uid: caller.uid, key: req.idempotencyKey, request: req },
    'extend the reservation',
    async (tx) => {
      const now = deps.clock.now();
      const res = readReservation(await tx.get(reservationRef(deps.db, id)), caller);
      assertHeld(id, res, now);
      if (res.extendedAt)
        throw precondition(
          'already_extended',
          `Reservation ${id} was already extended once (at ${new Date(res.extendedAt.toMillis()).toISOString()}); check out before ${new Date(res.expiresAt.toMillis()).toISOString()} or reserve again`,
        );
      const hold = holdMsFor(settingsOf(deps), res.shopper ?? 'signed_in');
      // Never shortens: an extension asked for early still leaves at least the time already held.
      const expiresAt = Timestamp.fromMillis(Math.max(res.expiresAt.toMillis(), now.getTime() + hold));
      const extendedAt = Timestamp.fromDate(now);
      tx.update(reservationRef(deps.db, id), { expiresAt, extendedAt });
      return toView(id, { ...res, expiresAt, extendedAt });
    },
  );
}
