/**
 * The lean, committed form of the UCI "Online Retail" data (data/online-retail/): its file layout,
 * the cleaning rules that produce it from the raw export, and readers for the eval, training and seed
 * scripts. A user's clone has only these files, never the raw export.
 */
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';

export const retailDataDir = join(__dirname, '..', '..', '..', 'data', 'online-retail');
export const transactionsFile = 'transactions.csv.gz';
export const productsFile = 'products.csv';

export const transactionColumns = [
  'invoice',
  'date',
  'stockCode',
  'quantity',
  'unitPrice',
  'customerId',
  'country',
  'cancelled',
] as const;

export const productColumns = [
  'stockCode',
  'description',
  'medianUnitPrice',
  'unitsSold',
  'unitsCancelled',
  'orders',
  'customers',
  'firstSale',
  'lastSale',
] as const;

export interface RetailTransaction {
  invoice: string;
  /** Local time of the invoice, `YYYY-MM-DDTHH:MM`, no offset (as in the source). */
  date: string;
  stockCode: string;
  /** Negative on cancellations. */
  quantity: number;
  unitPrice: number;
  /** Empty when the source has no customer for the line. */
  customerId: string;
  country: string;
  cancelled: boolean;
}

export interface RetailProduct {
  stockCode: string;
  description: string;
  medianUnitPrice: number;
  unitsSold: number;
  unitsCancelled: number;
  orders: number;
  customers: number;
  /** Empty when the product only appears in cancellations. */
  firstSale: string;
  lastSale: string;
}

/** Fees, postage, vouchers and manual adjustments: not merchandise (see the raw data's README). */
const nonProductCodes = new Set([
  'POST',
  'DOT',
  'M',
  'C2',
  'D',
  'S',
  'BANK CHARGES',
  'AMAZONFEE',
  'CRUK',
  'B',
]);

/**
 * The source spells some variant codes with a lowercase suffix (`85123a`) next to the uppercase
 * one (`85123A`) for the same item; every such code also exists uppercase, so they are one product.
 */
export function canonicalStockCode(raw: string): string {
  const code = raw.trim();
  return /^\d{5}[a-zA-Z]*$/.test(code) || code.toUpperCase() === 'M' ? code.toUpperCase() : code;
}

export function isProductCode(code: string): boolean {
  return !nonProductCodes.has(code) && !code.startsWith('gift_');
}

export type DropReason =
  'non-product code' | 'bad-debt adjustment' | 'price not positive' | 'stock adjustment' | 'duplicate';

/** Why a raw line (after duplicate removal) is left out, or null to keep it. */
export function dropReason(raw: {
  invoice: string;
  stockCode: string;
  quantity: number;
  unitPrice: number;
}): DropReason | null {
  if (raw.invoice.startsWith('A')) return 'bad-debt adjustment';
  if (!isProductCode(raw.stockCode)) return 'non-product code';
  // Negative lines outside a cancellation invoice are warehouse notes (damaged, found, ...).
  if (raw.quantity <= 0 && !raw.invoice.startsWith('C')) return 'stock adjustment';
  if (!(raw.unitPrice > 0)) return 'price not positive';
  return null;
}

/** Streams the transactions, so memory holds one record at a time rather than the whole file. */
export async function* readRetailTransactions(dir = retailDataDir): AsyncGenerator<RetailTransaction> {
  const records = createReadStream(join(dir, transactionsFile))
    .pipe(createGunzip())
    .pipe(parse({ columns: true, skip_empty_lines: true }));
  for await (const r of records as AsyncIterable<Record<string, string>>) {
    yield {
      invoice: r.invoice!,
      date: r.date!,
      stockCode: r.stockCode!,
      quantity: Number(r.quantity),
      unitPrice: Number(r.unitPrice),
      customerId: r.customerId ?? '',
      country: r.country!,
      cancelled: r.cancelled === '1',
    };
  }
}

export function readRetailProducts(dir = retailDataDir): RetailProduct[] {
  const rows: Record<string, string>[] = parseSync(readFileSync(join(dir, productsFile)), {
    columns: true,
    skip_empty_lines: true,
  });
  return rows.map((r) => ({
    stockCode: r.stockCode!,
    description: r.description!,
    medianUnitPrice: Number(r.medianUnitPrice),
    unitsSold: Number(r.unitsSold),
    unitsCancelled: Number(r.unitsCancelled),
    orders: Number(r.orders),
    customers: Number(r.customers),
    firstSale: r.firstSale ?? '',
    lastSale: r.lastSale ?? '',
  }));
}
