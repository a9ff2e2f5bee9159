/** Catalog documents: products, their variants (the SKUs) and the places stock lives. */
import { z } from 'zod';
import { Count, CurrencyCode, FirestoreTime, LocationId, ProductId, Region, Sku, SupplierId } from './common';

/** Sets in one bundle line of a cart, and SKUs in one bundle: a dining set is a table and six chairs. */
export const MAX_BUNDLE_COMPONENTS = 20;
export const MAX_UNITS_PER_COMPONENT = 100;

/**
 * The group id on the reservation and order lines of one bundle: the bundle's product id (a cart
 * holds each bundle at most once, so it is unique within an order).
 */
export const BundleGroupId = ProductId;

/** One SKU of a bundle and how many of it one set holds. */
export const BundleComponent = z.object({
  sku: Sku,
  qty: z.number().int().min(1).max(MAX_UNITS_PER_COMPONENT),
});
export type BundleComponent = z.infer<typeof BundleComponent>;

/**
 * A product that is a set of SKUs, reserved, sold, cancelled and returned as one (all or nothing).
 * Each SKU appears once; the set has at least two units in all.
 */
export const ProductBundle = z.object({
  components: z
    .array(BundleComponent)
    .min(1)
    .max(MAX_BUNDLE_COMPONENTS)
    .refine((cs) => new Set(cs.map((c) => c.sku)).size === cs.length, 'each SKU appears once')
    .refine((cs) => cs.reduce((n, c) => n + c.qty, 0) >= 2, 'a bundle holds at least two units'),
});
export type ProductBundle = z.infer<typeof ProductBundle>;

/** products/{productId} */
export const ProductDoc = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  category: z.string(),
  room: z.string().optional(),
  styleTags: z.array(z.string()).default([]),
  materials: z.array(z.string()).default([]),
  priceRangeMinor: z.object({ min: Count, max: Count }).optional(),
  images: z.array(z.string()).default([]),
  active: z.boolean().default(true),
  /** Present on a bundle: the SKUs it is made of. A bundle has no variants of its own. */
  bundle: ProductBundle.optional(),
});
export type ProductDoc = z.infer<typeof ProductDoc>;

/** products/{productId}/variants/{sku}; prices in minor units (pence) so sums are exact. */
export const VariantDoc = z.object({
  sku: Sku,
  productId: ProductId,
  options: z.object({
    material: z.string().optional(),
    colour: z.string().optional(),
    size: z.string().optional(),
  }),
  priceMinor: Count,
  currency: CurrencyCode,
  dimensionsCm: z.object({ w: z.number(), d: z.number(), h: z.number() }).optional(),
  madeToOrder: z.boolean().default(false),
  /** Who supplies it (suppliers/{id}): replenishment orders ahead of that supplier's lead time. */
  supplierId: SupplierId.optional(),
  /** The staff uid that set `supplierId` through setSkuSupplier; absent when it is catalog data. */
  supplierSetBy: z.string().optional(),
});
export type VariantDoc = z.infer<typeof VariantDoc>;

export const LocationKind = z.enum(['warehouse', 'store', 'dropship']);

/**
 * locations/{locationId}. Allocation takes the lowest `priority` first (see inventory/allocate.ts).
 */
export const LocationDoc = z.object({
  id: LocationId,
  name: z.string(),
  kind: LocationKind,
  region: Region,
  leadTimeDays: Count,
  priority: z.number().int(),
  active: z.boolean().default(true),
  updatedAt: FirestoreTime.optional(),
});
export type LocationDoc = z.infer<typeof LocationDoc>;
