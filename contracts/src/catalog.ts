/** Catalog documents: products, their variants (the SKUs) and the places stock lives. */
import { z } from 'zod';
import { Count, CurrencyCode, FirestoreTime, LocationId, ProductId, Region, Sku } from './common';

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
