/**
 * Suppliers and their lead times: replenishment orders a SKU early enough to cover the lead time of
 * the supplier its variant names (`VariantDoc.supplierId`). Staff set a supplier's lead time through
 * `setSupplier`; no app writes the collection.
 */
import { z } from 'zod';
import { FirestoreTime, IdempotencyKey, Sku, SupplierId } from './common';

/** The longest lead time a supplier may quote: a year (sea freight from the far side of the world is months). */
export const MAX_LEAD_TIME_DAYS = 365;

export const LeadTimeDays = z
  .number({ error: 'must be a number of days' })
  .int('must be a whole number of days')
  .min(1, 'must be at least 1 day')
  .max(MAX_LEAD_TIME_DAYS, `must be at most ${MAX_LEAD_TIME_DAYS} days`);

export const SupplierName = z.string().trim().min(1, 'must name the supplier').max(120);

/** suppliers/{supplierId} */
export const SupplierDoc = z.object({
  name: SupplierName,
  /** Days from placing a purchase order to the goods arriving. */
  leadTimeDays: LeadTimeDays,
  updatedAt: FirestoreTime,
  /** Who set it: a staff uid, or `seed`. */
  updatedBy: z.string(),
});
export type SupplierDoc = z.infer<typeof SupplierDoc>;

/** Creates a supplier or changes its name and lead time (setting the same again changes nothing). */
export const SetSupplierRequest = z.strictObject({
  supplierId: SupplierId,
  name: SupplierName,
  leadTimeDays: LeadTimeDays,
});
export type SetSupplierRequest = z.infer<typeof SetSupplierRequest>;

export const SetSupplierResponse = z.object({
  supplierId: SupplierId,
  name: z.string(),
  leadTimeDays: LeadTimeDays,
  /** False when the supplier was already exactly so. */
  changed: z.boolean(),
});
export type SetSupplierResponse = z.infer<typeof SetSupplierResponse>;

/**
 * Moves a SKU to another supplier (staff): its variant's `supplierId`, marked as staff-set
 * (`VariantDoc.supplierSetBy`) so a re-seed keeps it. The supplier must exist (setSupplier first).
 */
export const SetSkuSupplierRequest = z.strictObject({
  idempotencyKey: IdempotencyKey,
  sku: Sku,
  supplierId: SupplierId,
});
export type SetSkuSupplierRequest = z.infer<typeof SetSkuSupplierRequest>;

export const SetSkuSupplierResponse = z.object({
  sku: Sku,
  supplierId: SupplierId,
  /** The supplier it had before, if any. */
  previous: SupplierId.nullable(),
  /** False when staff had already set the SKU to that supplier. */
  changed: z.boolean(),
});
export type SetSkuSupplierResponse = z.infer<typeof SetSkuSupplierResponse>;
