/**
 * The store's catalog from the retail data: items whose codes share a 5-digit stem and differ only
 * in colour, size or material (85123A/85123B) become one product with variants; anything else is a
 * product of its own. Category, room, style tags and materials come from the description's words.
 */
import type { ProductDoc, VariantDoc } from '@hearth/contracts';
import type { RetailProduct } from '../data/online-retail';
import {
  allMatches,
  categoryRules,
  colourWords,
  firstMatch,
  materialRules,
  roomByCategory,
  roomRules,
  sizeWords,
  styleRules,
  wordsOf,
} from './keywords';
import { supplierOfCategory } from './suppliers';

export interface SeedProduct {
  id: string;
  doc: ProductDoc;
}

export interface SeedVariant {
  doc: VariantDoc;
  /** Sales over the data's year, for stock levels and hot SKUs. */
  unitsSold: number;
  orders: number;
  lastSale: string;
}

export interface Catalog {
  products: SeedProduct[];
  variants: SeedVariant[];
  productOfSku: Map<string, string>;
}

type Options = VariantDoc['options'];

const dimension = /^\d+(\.\d+)?(CM|MM|M|")$|^\d+X\d+(CM)?$/;

export function optionsOf(description: string): Options {
  const words = wordsOf(description);
  const colours = words.filter((w) => colourWords.has(w));
  const sizes = words.filter((w) => sizeWords.has(w) || dimension.test(w));
  const material = firstMatch(materialRules, words);
  const options: Options = {};
  if (colours.length > 0) options.colour = colours.join('/').toLowerCase();
  if (sizes.length > 0) options.size = sizes.join(' ').toLowerCase();
  if (material !== undefined) options.material = material;
  return options;
}

function titleCase(words: string[]): string {
  return words.map((w) => w.charAt(0) + w.slice(1).toLowerCase()).join(' ');
}

/** The product's name: the description without the words that tell its variants apart. */
function productName(description: string, variantWords: boolean): string {
  const words = wordsOf(description);
  const kept = variantWords
    ? words.filter((w) => !colourWords.has(w) && !sizeWords.has(w) && !dimension.test(w))
    : words;
  return titleCase(kept.length > 0 ? kept : words);
}

const stemOf = (code: string) => /^(\d{5})[A-Z]+$/.exec(code)?.[1];
const optionKey = (o: Options) => `${o.colour ?? ''}|${o.size ?? ''}|${o.material ?? ''}`;
const priceMinor = (gbp: number) => Math.max(1, Math.round(gbp * 100));

function productDoc(members: RetailProduct[], asVariants: boolean): ProductDoc {
  const first = members[0]!;
  const words = members.flatMap((m) => wordsOf(m.description));
  const category = firstMatch(categoryRules, words) ?? 'home';
  const prices = members.map((m) => priceMinor(m.medianUnitPrice));
  return {
    name: productName(first.description, asVariants),
    description: members.map((m) => titleCase(wordsOf(m.description))).join('; '),
    category,
    room: firstMatch(roomRules, words) ?? roomByCategory[category] ?? 'living-room',
    styleTags: allMatches(styleRules, words),
    materials: [
      ...new Set(members.map((m) => optionsOf(m.description).material).filter((m) => m !== undefined)),
    ],
    priceRangeMinor: { min: Math.min(...prices), max: Math.max(...prices) },
    images: [],
    active: true,
  };
}

export function buildCatalog(items: RetailProduct[]): Catalog {
  const groups = new Map<string, RetailProduct[]>();
  for (const item of items) {
    const key = stemOf(item.stockCode) ?? item.stockCode;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const catalog: Catalog = { products: [], variants: [], productOfSku: new Map() };
  const add = (id: string, members: RetailProduct[], asVariants: boolean) => {
    const doc = productDoc(members, asVariants);
    catalog.products.push({ id, doc });
    for (const m of members) {
      catalog.productOfSku.set(m.stockCode, id);
      catalog.variants.push({
        doc: {
          sku: m.stockCode,
          productId: id,
          options: optionsOf(m.description),
          priceMinor: priceMinor(m.medianUnitPrice),
          currency: 'GBP',
          madeToOrder: false,
          supplierId: supplierOfCategory(doc.category),
        },
        unitsSold: m.unitsSold,
        orders: m.orders,
        lastSale: m.lastSale,
      });
    }
  };
  for (const [stem, members] of groups) {
    const keys = members.map((m) => optionKey(optionsOf(m.description)));
    // Variants only when the options tell every member apart; otherwise they are different things.
    const distinct = members.length > 1 && new Set(keys).size === members.length && !keys.includes('||');
    if (distinct) add(`p${stem}`, members, true);
    else for (const m of members) add(`p${m.stockCode}`, [m], false);
  }
  return catalog;
}
