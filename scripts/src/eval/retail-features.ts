/**
 * The hybrid model's side information for the retail data, per stock code (the eval's item ids):
 * the seed's catalog (category, room, style tags and materials read from the description) and the
 * variant's own colours and price, turned into tokens by the same function production uses.
 * Grouping uses the whole year's catalog (names only); which products are listed is as of the date.
 */
import { itemTokens } from '../../../functions/src/recommendations/item-features';
import { readRetailProducts } from '../data/online-retail';
import { buildCatalog } from '../seed/catalog';

/** Only products first sold before `listedBefore` (YYYY-MM-DD): the catalog as it was then. */
export function retailItemTokens(listedBefore: string): Map<string, string[]> {
  const all = readRetailProducts();
  const listed = new Set(
    all.filter((p) => p.firstSale !== '' && p.firstSale < listedBefore).map((p) => p.stockCode),
  );
  const catalog = buildCatalog(all);
  const products = new Map(catalog.products.map((p) => [p.id, p.doc]));
  const tokens = new Map<string, string[]>();
  for (const { doc: v } of catalog.variants) {
    if (!listed.has(v.sku)) continue;
    const p = products.get(v.productId)!;
    tokens.set(
      v.sku,
      itemTokens({
        name: p.name,
        category: p.category,
        room: p.room,
        styleTags: p.styleTags,
        materials: p.materials,
        colours: v.options.colour?.split('/') ?? [],
        priceMinor: v.priceMinor,
      }),
    );
  }
  return tokens;
}
