/**
 * Bundles in a cart: a bundle product (a dining set: one table, six chairs) is held as its SKUs,
 * each line tagged with the bundle's id and its units per set. The cart is already all or nothing,
 * so the set is too; checkout copies the tags onto the order, where cancellation and returns act on
 * the whole bundle (bundle-return.ts, and cancelOrder in the orders domain).
 *
 * The definition is catalog data, read outside the transaction as prices are: a bundle edited
 * while a cart is in flight is held as it was when the cart arrived, which is what the shopper saw.
 * A bundle's SKU may not also be another line of the same cart (or of another bundle in it): one
 * line per SKU keeps every reservation and order line unambiguous.
 */
import { MAX_CART_LINES, MAX_UNITS, ProductDoc, type ReserveStockRequest } from '@hearth/contracts';
import { countReads } from '../platform/deps';
import type { Deps } from './deps';
import { invalidField, notFound } from './errors';

export interface BundleLineOf {
  bundleId: string;
  unitsPerBundle: number;
}

export interface ExpandedCart {
  /** The request with every bundle's SKUs as lines of their own (the lines the batch reserves). */
  req: ReserveStockRequest;
  /** Which bundle each of those lines belongs to, by SKU. */
  bundles: Map<string, BundleLineOf>;
}

export async function expandBundles(deps: Deps, req: ReserveStockRequest): Promise<ExpandedCart> {
  const wanted = req.bundles ?? [];
  const bundles = new Map<string, BundleLineOf>();
  if (wanted.length === 0) return { req, bundles };
  const snaps = await deps.db.getAll(...wanted.map((b) => deps.db.collection('products').doc(b.productId)));
  countReads(deps, snaps.length);
  const lines = [...req.lines];
  const skus = new Set(lines.map((l) => l.sku));
  wanted.forEach((b, i) => {
    const snap = snaps[i]!;
    if (!snap.exists) throw notFound('product', b.productId);
    const product = ProductDoc.safeParse(snap.data());
    if (!product.success || !product.data.bundle)
      throw invalidField(`bundles.${i}.productId`, `${b.productId} is not a bundle; put its SKU in lines`);
    for (const c of product.data.bundle.components) {
      if (skus.has(c.sku))
        throw invalidField(
          `bundles.${i}.productId`,
          `${b.productId} holds ${c.sku}, which is already in this cart; reserve it in another cart`,
        );
      skus.add(c.sku);
      lines.push({ sku: c.sku, qty: c.qty * b.qty });
      bundles.set(c.sku, { bundleId: b.productId, unitsPerBundle: c.qty });
    }
  });
  if (lines.length > MAX_CART_LINES)
    throw invalidField('bundles', `the cart's bundles make ${lines.length} lines; at most ${MAX_CART_LINES}`);
  const tooMany = lines.find((l) => l.qty > MAX_UNITS);
  if (tooMany)
    throw invalidField('bundles', `${tooMany.sku} would be ${tooMany.qty} units; at most ${MAX_UNITS}`);
  return { req: { ...req, lines }, bundles };
}
