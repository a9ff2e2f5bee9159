/**
 * The hybrid model's side information as the store holds it: each product's category, room, style
 * tags, materials, name and lowest price, and its variants' colours, read a page at a time and
 * turned into tokens by item-features.ts (the function the evaluation uses on the retail catalog).
 */
import type { Firestore } from 'firebase-admin/firestore';
import { itemTokens } from './item-features';
import { forEachPage } from './read-interactions';

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
const texts = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export async function productTokens(db: Firestore, pageSize: number): Promise<Map<string, string[]>> {
  const colours = new Map<string, Set<string>>();
  await forEachPage(db.collectionGroup('variants').select('options.colour'), pageSize, (docs) => {
    for (const d of docs) {
      const productId = d.ref.parent.parent?.id;
      const colour = text(d.get('options.colour'));
      if (!productId || !colour) continue;
      const set = colours.get(productId) ?? new Set<string>();
      colour.split('/').forEach((c) => set.add(c));
      colours.set(productId, set);
    }
  });
  const tokens = new Map<string, string[]>();
  const fields = ['name', 'category', 'room', 'styleTags', 'materials', 'priceRangeMinor'];
  await forEachPage(db.collection('products').select(...fields), pageSize, (docs) => {
    for (const d of docs) {
      const price = d.get('priceRangeMinor.min') as unknown;
      tokens.set(
        d.id,
        itemTokens({
          name: text(d.get('name')) ?? '',
          category: text(d.get('category')),
          room: text(d.get('room')),
          styleTags: texts(d.get('styleTags')),
          materials: texts(d.get('materials')),
          colours: [...(colours.get(d.id) ?? [])],
          priceMinor: typeof price === 'number' ? price : undefined,
        }),
      );
    }
  });
  return tokens;
}
