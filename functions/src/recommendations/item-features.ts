/**
 * Side information for the hybrid model: the tokens that describe a product (category, room, style
 * tags, materials, colours, the words of its name, a price band). The same tokens are made from a
 * product document in production and from the retail catalog in the evaluation, so what is tuned
 * offline is what ships. Each token becomes a pseudo-row of the interaction matrix (feature-rows.ts).
 */

export interface ItemDescription {
  name: string;
  category?: string;
  room?: string;
  styleTags?: string[];
  materials?: string[];
  colours?: string[];
  /** The lowest price, in minor units. */
  priceMinor?: number;
}

/** Words too common or too vague to say anything about what a product is like. */
const stopWords = new Set(['OF', 'THE', 'AND', 'IN', 'WITH', 'A', 'SET', 'SMALL', 'LARGE', 'MINI', 'JUMBO']);

/** Price bands on a log scale: each band is about twice the one below (in minor units). */
export function priceBand(priceMinor: number): number {
  return Math.max(0, Math.min(12, Math.floor(Math.log2(Math.max(1, priceMinor) / 25))));
}

export function itemTokens(d: ItemDescription): string[] {
  const tokens = new Set<string>();
  if (d.category) tokens.add(`category:${d.category}`);
  if (d.room) tokens.add(`room:${d.room}`);
  for (const s of d.styleTags ?? []) tokens.add(`style:${s}`);
  for (const m of d.materials ?? []) tokens.add(`material:${m}`);
  for (const c of d.colours ?? []) tokens.add(`colour:${c.toLowerCase()}`);
  for (const w of d.name.toUpperCase().split(/[^A-Z0-9]+/)) {
    if (w.length > 2 && !stopWords.has(w) && !/^\d+$/.test(w)) tokens.add(`word:${w.toLowerCase()}`);
  }
  if (d.priceMinor !== undefined) tokens.add(`price:${priceBand(d.priceMinor)}`);
  return [...tokens];
}
