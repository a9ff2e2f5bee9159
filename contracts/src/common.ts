/**
 * Primitives shared by every contract. Identifiers are restricted to characters that are safe as
 * Firestore document ids (no '/', no leading '__', never '.' or '..') so a value that passes the
 * schema can always be used in a path.
 */
import { z } from 'zod';

const docId = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, `${what} must be 1-100 letters, digits, '.', '_' or '-'`);

export const Sku = docId('sku');
export const LocationId = docId('locationId');
export const ProductId = docId('productId');
export const ReservationId = docId('reservationId');
export const OrderId = docId('orderId');
export const TransferId = docId('transferId');
export const SupplierId = docId('supplierId');

/** A client-chosen key; a retry with the same key has the effect of one call and gets its answer. */
export const IdempotencyKey = z
  .string({ error: 'idempotencyKey must be a string' })
  .regex(/^[A-Za-z0-9_-]{8,128}$/, 'idempotencyKey must be 8-128 letters, digits, "_" or "-"');

/** Units in one line or one movement: furniture sells by the piece, a pallet is the most anyone moves. */
export const MAX_UNITS = 10_000;
export const Quantity = z
  .number({ error: 'must be a number' })
  .int('must be a whole number of units')
  .min(1, 'must be at least 1')
  .max(MAX_UNITS, `must be at most ${MAX_UNITS}`);

/** A stock correction: signed, never zero. */
export const Delta = z
  .number({ error: 'must be a number' })
  .int('must be a whole number of units')
  .min(-MAX_UNITS, `must be at least -${MAX_UNITS}`)
  .max(MAX_UNITS, `must be at most ${MAX_UNITS}`)
  .refine((n) => n !== 0, 'must not be zero');

export const Count = z.number().int().min(0);
/** An ISO 4217 code; the store's own is the functions' STORE_CURRENCY param (GBP by default). */
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as GBP');
export const Region = z.string().min(1).max(40);
export const IsoTime = z.iso.datetime();

/**
 * Firestore timestamps as both SDKs (admin and web) hand them out. Structural, so the contract does
 * not depend on either SDK's class.
 */
export const FirestoreTime = z.custom<{ seconds: number; nanoseconds: number; toMillis(): number }>(
  (v) => typeof (v as { toMillis?: unknown } | null)?.toMillis === 'function',
  'must be a Firestore timestamp',
);
