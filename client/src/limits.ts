/**
 * Limits for drops and the hold policy: extend a hold once, see what a customer has used of a
 * SKU's cap (live), and, for staff, set or lift a SKU's cap. A cart refused by a cap answers
 * `failed-precondition` with reason `purchase_limit` (its `limit`, what is `used`, the `sku`) or
 * `too_many_holds`.
 */
import { doc, onSnapshot, type Unsubscribe } from 'firebase/firestore';
import {
  AllowanceDoc,
  ExtendReservationRequest,
  type PurchaseLimit,
  ReservationView,
  SetPurchaseLimitRequest,
  SetPurchaseLimitResponse,
} from '@hearth/contracts';
import { call, newIdempotencyKey } from './call';
import type { HearthClient } from './client';
import { toHearthError, type HearthError, type Result } from './errors';

/** A new full hold from now, once per reservation; a second call answers `already_extended`. */
export function extendReservation(
  client: Pick<HearthClient, 'functions'>,
  reservationId: string,
  idempotencyKey = newIdempotencyKey(),
): Promise<Result<ReservationView>> {
  return call(client, 'extendReservation', ExtendReservationRequest, ReservationView, {
    idempotencyKey,
    reservationId,
  });
}

/** Staff: caps a SKU at `limit.units` per customer per `limit.periodHours` (null: for the whole drop), or lifts it (null). */
export function setPurchaseLimit(
  client: Pick<HearthClient, 'functions'>,
  sku: string,
  limit: PurchaseLimit | null,
  idempotencyKey = newIdempotencyKey(),
): Promise<Result<SetPurchaseLimitResponse>> {
  return call(client, 'setPurchaseLimit', SetPurchaseLimitRequest, SetPurchaseLimitResponse, {
    idempotencyKey,
    sku,
    limit,
  });
}

/** Units of `sku` the customer has held or bought in the current window of `limit`. */
export function usedOf(
  allowance: AllowanceDoc | null,
  sku: string,
  limit: PurchaseLimit,
  now = Date.now(),
): number {
  const use = allowance?.skus[sku];
  if (!use) return 0;
  const start =
    limit.periodHours === null
      ? 0
      : Math.floor(now / (limit.periodHours * 3_600_000)) * limit.periodHours * 3_600_000;
  return use.windowStartMs === start ? use.units : 0;
}

/** The signed-in customer's allowance, live (null until they hold anything capped). */
export function watchAllowance(
  client: Pick<HearthClient, 'db'>,
  uid: string,
  onChange: (allowance: AllowanceDoc | null) => void,
  onError: (e: HearthError) => void = (e) => console.error(`watchAllowance: ${e.message}`),
): Unsubscribe {
  return onSnapshot(
    doc(client.db, 'allowances', uid),
    (snap) => onChange(snap.exists() ? AllowanceDoc.parse(snap.data()) : null),
    (err) => onError(toHearthError(err)),
  );
}
