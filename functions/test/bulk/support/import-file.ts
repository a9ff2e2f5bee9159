/**
 * Import files for the tests and the benchmark: a catalog of new SKUs with stock at every
 * location, with bad rows of every kind mixed in at known places, and what each row should do.
 */
import { IMPORT_CHUNK_CHARS } from '@hearth/contracts';
import type { CallRequest } from '../../../src/platform/callable';
import { bulkCallables } from '../../../src/bulk/callables';

export const HEADER =
  'sku,productId,productName,category,priceMinor,currency,material,colour,locationId,onHand';
export const IMPORT_LOCATIONS = ['wh-north', 'wh-south', 'store-bath', 'drop-oak'];

/** How a bad row is spoiled, the column its issue names, and a piece of the message. */
export const SPOILERS = [
  {
    kind: 'negative',
    on: 'stock',
    column: 'onHand',
    message: 'must not be negative',
    cells: (c: string[]) => void (c[9] = '-3'),
  },
  {
    kind: 'not a number',
    on: 'stock',
    column: 'onHand',
    message: 'whole number',
    cells: (c: string[]) => void (c[9] = 'lots'),
  },
  {
    kind: 'decimal price',
    on: 'product',
    column: 'priceMinor',
    message: 'whole number',
    cells: (c: string[]) => void (c[4] = '12.50'),
  },
  {
    kind: 'unknown location',
    on: 'stock',
    column: 'locationId',
    message: "no location 'wh-mars'",
    cells: (c: string[]) => void (c[8] = 'wh-mars'),
  },
  {
    kind: 'foreign currency',
    on: 'product',
    column: 'currency',
    message: 'prices are in GBP',
    cells: (c: string[]) => void (c[5] = 'USD'),
  },
  {
    kind: 'no name',
    on: 'product',
    column: 'productName',
    message: 'is required when productId is given',
    cells: (c: string[]) => void (c[2] = ''),
  },
  {
    kind: 'bad sku',
    on: 'product',
    column: 'sku',
    message: 'letters, digits',
    cells: (c: string[]) => void (c[0] = 'a/b'),
  },
  {
    kind: 'unknown sku in a stock row',
    on: 'stock',
    column: 'sku',
    message: "unknown SKU '",
    cells: (c: string[]) => void (c[0] = `ghost-${c[0]}`),
  },
] as const;
const UNKNOWN_SKU = SPOILERS.length - 1;

export interface Expected {
  csv: string;
  rows: number;
  /** Row number (as the report numbers it) to the spoiler's index. */
  bad: Map<number, number>;
  /** SKU@location to the units the import should leave on hand. */
  onHand: Map<string, number>;
  /** Ledger entries the import should write: one per good stock row with units. */
  movements: number;
  /** Good rows that change something: every product row (a new SKU), and stock rows with units. */
  applied: number;
  skus: number;
}

/**
 * `skus` new SKUs, each on 4 rows (one per location; the first also defines the product and
 * variant, two SKUs per product); every `badEvery`-th row is spoiled, cycling through SPOILERS.
 */
export function catalogFile(skus: number, opts: { badEvery?: number; prefix?: string } = {}): Expected {
  const badEvery = opts.badEvery ?? 97;
  const prefix = opts.prefix ?? 'imp';
  const lines = [HEADER];
  const bad = new Map<number, number>();
  const onHand = new Map<string, number>();
  let movements = 0;
  let applied = 0;
  const defined = new Set<string>();
  let n = 0;
  for (let s = 0; s < skus; s++) {
    const sku = `${prefix}-${s}`;
    IMPORT_LOCATIONS.forEach((loc, l) => {
      n++;
      const row = n + 1;
      const units = (s * 7 + l * 3) % 40;
      const cells =
        l === 0
          ? [
              sku,
              `${prefix}-p${Math.floor(s / 2)}`,
              `"Oak chair, ""Oslo"" ${Math.floor(s / 2)}"`,
              'chairs',
              String(12_000 + s),
              'GBP',
              'oak',
              'natural',
              loc,
              String(units),
            ]
          : [sku, '', '', '', '', '', '', '', loc, String(units)];
      const spoil = n % badEvery === 0 ? (n / badEvery) % SPOILERS.length : -1;
      if (spoil >= 0 && SPOILERS[spoil]!.on === (l === 0 ? 'product' : 'stock')) {
        SPOILERS[spoil]!.cells(cells);
        bad.set(row, spoil);
        lines.push(cells.join(','));
        return;
      }
      if (!defined.has(sku) && l > 0) {
        // The SKU's product row failed, so this stock row names an unknown SKU.
        bad.set(row, UNKNOWN_SKU);
        lines.push(cells.join(','));
        return;
      }
      defined.add(sku);
      onHand.set(`${sku}@${loc}`, units);
      if (units > 0) movements++;
      if (units > 0 || l === 0) applied++;
      lines.push(cells.join(','));
    });
  }
  return { csv: `${lines.join('\r\n')}\r\n`, rows: n, bad, onHand, movements, applied, skus };
}

export type BulkApi = ReturnType<typeof bulkCallables>;

/** Uploads `csv` in chunks and starts its job, as the client's startImport does. */
export async function uploadAndStart(
  api: BulkApi,
  auth: CallRequest['auth'],
  idempotencyKey: string,
  csv: string,
  fileName = 'catalog.csv',
) {
  const parts: string[] = [];
  for (let at = 0; at < csv.length; at += IMPORT_CHUNK_CHARS)
    parts.push(csv.slice(at, at + IMPORT_CHUNK_CHARS));
  for (const [index, text] of parts.entries())
    await api.uploadImportChunk({ data: { idempotencyKey, index, text }, auth });
  return api.startImport({ data: { idempotencyKey, fileName, chunks: parts.length }, auth });
}
