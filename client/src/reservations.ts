/** Carts: hold stock, turn the hold into an order, or let it go; and watch a hold live. */
import { doc, onSnapshot, type Unsubscribe } from 'firebase/firestore';
import { z } from 'zod';
import {
  CheckoutResponse,
  ReleaseResponse,
  type ReservationDoc,
  ReservationRequest,
  ReservationView,
  ReserveStockRequest,
} from '@hearth/contracts';
import { call, newIdempotencyKey } from './call';
import type { HearthClient } from './client';
import { toHearthError, type HearthError, type Result } from './errors';

type CartLine = z.input<typeof ReserveStockRequest>['lines'][number];

export interface ReserveOptions {
  /** Shipping region: locations there are preferred. */
  region?: string;
  /** May one line be served from several locations (several deliveries)? */
  allowSplit?: boolean;
  /** Send the key of a failed attempt to retry it safely; a new one is made otherwise. */
  idempotencyKey?: string;
  /** Bundle products (a dining set), each held as one with its SKUs, all or nothing with the lines. */
  bundles?: { productId: string; qty: number }[];
  /**
   * Hold beyond stock where a SKU takes backorders (or is made to order): the rest is owed and
   * promised for a date (the view's `backorder`); checkout waits until it has all arrived.
   */
  allowBackorder?: boolean;
}

/** Holds stock for a cart, all lines or none; `out-of-stock` says which SKU and how many are left. */
export function reserve(
  client: Pick<HearthClient, 'functions'>,
  lines: CartLine[],
  opts: ReserveOptions = {},
): Promise<Result<ReservationView>> {
  const { idempotencyKey = newIdempotencyKey(), ...rest } = opts;
  return call(client, 'reserveStock', ReserveStockRequest, ReservationView, {
    idempotencyKey,
    lines,
    ...rest,
  });
}

/** Turns a held reservation into an order; an expired or closed one gives `failed-precondition`. */
export function checkout(
  client: Pick<HearthClient, 'functions'>,
  reservationId: string,
  idempotencyKey = newIdempotencyKey(),
): Promise<Result<CheckoutResponse>> {
  return call(client, 'checkout', ReservationRequest, CheckoutResponse, { idempotencyKey, reservationId });
}

export function release(
  client: Pick<HearthClient, 'functions'>,
  reservationId: string,
  idempotencyKey = newIdempotencyKey(),
): Promise<Result<ReleaseResponse>> {
  return call(client, 'releaseReservation', ReservationRequest, ReleaseResponse, {
    idempotencyKey,
    reservationId,
  });
}

export interface ReservationState {
  id: string;
  status: ReservationDoc['status'];
  expiresAt: Date;
  orderId: string | null;
  /** Each line's `owed` says how many of its units have not arrived yet (backorders). */
  lines: ReservationDoc['lines'];
  /** A hold beyond stock: where its owed units arrive, their promised date, and when the last came. */
  backorder: { locationId: string; promisedAt: Date; filledAt: Date | null } | null;
}

/**
 * The reservation as it changes (held, then checked out, released or expired). A reservation
 * missing from the local cache while offline is `unavailable` (retryable) and the watch goes on;
 * only the server can say `not-found`. Each state is reported once, whatever the metadata does.
 */
export function watchReservation(
  client: Pick<HearthClient, 'db'>,
  reservationId: string,
  onChange: (r: ReservationState) => void,
  onError: (e: HearthError) => void = (e) => console.error(`watchReservation: ${e.message}`),
): Unsubscribe {
  let reported = '';
  const report = (key: string, deliver: () => void) => {
    if (key === reported) return;
    reported = key;
    deliver();
  };
  return onSnapshot(
    doc(client.db, 'reservations', reservationId),
    // With metadata changes: the server confirming that a reservation is missing changes no
    // document, so without them a watch begun offline would never hear it.
    { includeMetadataChanges: true },
    (snap) => {
      if (!snap.exists()) {
        if (snap.metadata.fromCache) {
          return report('unavailable', () =>
            onError({
              code: 'unavailable',
              message: `Reservation '${reservationId}' is not in the local cache and the client is offline`,
              retryable: true,
            }),
          );
        }
        return report('not-found', () =>
          onError({
            code: 'not-found',
            message: `No reservation '${reservationId}'`,
            kind: 'reservation',
            id: reservationId,
          }),
        );
      }
      const r = snap.data() as ReservationDoc;
      const state: ReservationState = {
        id: snap.id,
        status: r.status,
        expiresAt: new Date(r.expiresAt.toMillis()),
        orderId: r.orderId,
        lines: r.lines,
        backorder: r.backorder
          ? {
              locationId: r.backorder.locationId,
              promisedAt: new Date(r.backorder.promisedAt.toMillis()),
              filledAt: r.backorder.filledAt ? new Date(r.backorder.filledAt.toMillis()) : null,
            }
          : null,
      };
      report(JSON.stringify(state), () => onChange(state));
    },
    (err) => onError(toHearthError(err)),
  );
}
