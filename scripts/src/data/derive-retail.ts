/**
 * Derives the committed data/online-retail/ files from the raw UCI "Online Retail" export:
 *   npx tsx scripts/src/data/derive-retail.ts [path/to/online-retail.csv.gz]
 * (default ../shared/data/online-retail.csv.gz next to the repository). Output is byte-for-byte
 * deterministic, so re-running it on the same input changes nothing in git.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  canonicalStockCode,
  dropReason,
  productColumns,
  productsFile,
  retailDataDir,
  transactionColumns,
  transactionsFile,
  type DropReason,
  type RetailProduct,
  type RetailTransaction,
} from './online-retail';

const repoRoot = join(__dirname, '..', '..', '..');
const rawColumns = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
];

interface Derived {
  transactions: RetailTransaction[];
  products: RetailProduct[];
  rawRows: number;
  dropped: Record<DropReason, number>;
}

function derive(rawCsv: Buffer): Derived {
  const rows: string[][] = parse(rawCsv, { skip_empty_lines: true });
  const header = rows.shift();
  if (header?.join(',') !== rawColumns.join(',')) {
    throw new Error(`unexpected header ${header?.join(',')}; expected ${rawColumns.join(',')}`);
  }
  const dropped: Record<DropReason, number> = {
    duplicate: 0,
    'bad-debt adjustment': 0,
    'non-product code': 0,
    'price not positive': 0,
    'stock adjustment': 0,
  };
  const seen = new Set<string>();
  const transactions: RetailTransaction[] = [];
  const descriptions = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const key = row.join('\u0000');
    if (seen.has(key)) {
      dropped.duplicate++;
      continue;
    }
    seen.add(key);
    const [invoice, rawCode, description, quantity, date, unitPrice, customerId, country] = row as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const t: RetailTransaction = {
      invoice,
      date,
      stockCode: canonicalStockCode(rawCode),
      quantity: Number(quantity),
      unitPrice: Number(unitPrice),
      customerId,
      country,
      cancelled: invoice.startsWith('C'),
    };
    if (
      !Number.isInteger(t.quantity) ||
      !Number.isFinite(t.unitPrice) ||
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(date)
    ) {
      throw new Error(`malformed row: ${row.join(',')}`);
    }
    const reason = dropReason(t);
    if (reason) {
      dropped[reason]++;
      continue;
    }
    transactions.push(t);
    const name = description.trim();
    if (name) {
      const counts = descriptions.get(t.stockCode) ?? new Map<string, number>();
      counts.set(name, (counts.get(name) ?? 0) + 1);
      descriptions.set(t.stockCode, counts);
    }
  }
  return { transactions, products: summarise(transactions, descriptions), rawRows: rows.length, dropped };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per product: the most frequent trimmed description (ties: the first seen) and sales figures. */
function summarise(
  transactions: RetailTransaction[],
  descriptions: Map<string, Map<string, number>>,
): RetailProduct[] {
  interface Acc {
    prices: number[];
    cancelPrices: number[];
    product: RetailProduct;
    invoices: Set<string>;
    customers: Set<string>;
  }
  const byCode = new Map<string, Acc>();
  for (const t of transactions) {
    let acc = byCode.get(t.stockCode);
    if (!acc) {
      let description = '';
      let best = 0;
      for (const [name, n] of descriptions.get(t.stockCode) ?? []) {
        if (n > best) [description, best] = [name, n];
      }
      acc = {
        prices: [],
        cancelPrices: [],
        invoices: new Set(),
        customers: new Set(),
        product: {
          stockCode: t.stockCode,
          description,
          medianUnitPrice: 0,
          unitsSold: 0,
          unitsCancelled: 0,
          orders: 0,
          customers: 0,
          firstSale: '',
          lastSale: '',
        },
      };
      byCode.set(t.stockCode, acc);
    }
    const p = acc.product;
    if (t.cancelled) {
      p.unitsCancelled -= t.quantity;
      acc.cancelPrices.push(t.unitPrice);
      continue;
    }
    p.unitsSold += t.quantity;
    acc.prices.push(t.unitPrice);
    acc.invoices.add(t.invoice);
    if (t.customerId) acc.customers.add(t.customerId);
    if (!p.firstSale || t.date < p.firstSale) p.firstSale = t.date;
    if (t.date > p.lastSale) p.lastSale = t.date;
  }
  return [...byCode.values()]
    .map(({ product, prices, cancelPrices, invoices, customers }) => ({
      ...product,
      medianUnitPrice: Math.round(median(prices.length ? prices : cancelPrices) * 1000) / 1000,
      orders: invoices.size,
      customers: customers.size,
    }))
    .sort((a, b) => (a.stockCode < b.stockCode ? -1 : a.stockCode > b.stockCode ? 1 : 0));
}

function readme(d: Derived, source: Buffer, txBytes: number): string {
  const sales = d.transactions.filter((t) => !t.cancelled);
  const withCustomer = d.transactions.filter((t) => t.customerId);
  const customers = new Set(withCustomer.map((t) => t.customerId)).size;
  const kept = d.transactions.length;
  const n = (x: number) => x.toLocaleString('en-GB');
  return `# Online Retail, derived for Hearth

Compact, cleaned form of the UCI **Online Retail** dataset, derived by
\`scripts/src/data/derive-retail.ts\` (read it with \`scripts/src/data/online-retail.ts\`). The seed
script builds the catalog from \`${productsFile}\`; the recommender evaluation and offline training
read \`${transactionsFile}\`.

## Licence and attribution

- Dataset: Chen, D. (2015). *Online Retail* [Dataset]. UCI Machine Learning Repository.
  https://doi.org/10.24432/C5BW33
- Donor / creator: Dr Daqing Chen, School of Engineering, London South Bank University.
- Licence: Creative Commons Attribution 4.0 International (CC BY 4.0),
  https://creativecommons.org/licenses/by/4.0/
- Paper: Chen, D., Sain, S. L., and Guo, K. (2012). Data mining for the online retail industry: A
  case study of RFM model-based customer segmentation using data mining. *Journal of Database
  Marketing and Customer Strategy Management*, 19(3), 197–208. https://doi.org/10.1057/dbm.2012.17

These files are an adaptation of the dataset (changes listed below), shared under the same licence.

## What was derived, and how

Source: the full export (one header, ${n(d.rawRows)} data rows, sha256 of the \`.gz\`
\`${createHash('sha256').update(source).digest('hex')}\`). In order:

| step | rows |
| --- | ---: |
| exact duplicate rows dropped (all eight fields equal to an earlier row) | ${n(d.dropped.duplicate)} |
| bad-debt adjustments dropped (invoices \`A…\`) | ${n(d.dropped['bad-debt adjustment'])} |
| non-product codes dropped (\`POST\`, \`DOT\`, \`M\`, \`C2\`, \`D\`, \`S\`, \`BANK CHARGES\`, \`AMAZONFEE\`, \`CRUK\`, \`B\`, \`gift_0001_*\`) | ${n(d.dropped['non-product code'])} |
| stock adjustments dropped (negative quantity outside a cancellation invoice) | ${n(d.dropped['stock adjustment'])} |
| lines with a zero or negative unit price dropped | ${n(d.dropped['price not positive'])} |
| **kept** | **${n(kept)}** |

Stock codes with a lowercase suffix (\`85123a\`) are folded into the uppercase code (\`85123A\`): every
one of them also exists in uppercase, with the same product name. Cancellations (\`C…\` invoices,
negative quantity) are kept and flagged, because a cancelled or returned item counts against it.
Lines without a customer are kept (they count for popularity and sales figures, not for personal
histories). Outliers such as the 80,995-unit order of 2011-12-09 and its cancellation are kept as
they are. Descriptions are left out of the transactions; the products file holds one per code.

## Files

\`${transactionsFile}\` (${n(txBytes)} bytes): gzip'd CSV with a header, in the source's chronological
order; ${n(kept)} rows (${n(sales.length)} sales, ${n(kept - sales.length)} cancellations;
${n(withCustomer.length)} with a customer, ${n(customers)} distinct customers).

| column | meaning |
| --- | --- |
| \`invoice\` | invoice number; a leading \`C\` marks a cancellation |
| \`date\` | local date and time of the invoice, \`YYYY-MM-DDTHH:MM\`, no offset |
| \`stockCode\` | product code (canonical) |
| \`quantity\` | integer, negative on cancellations |
| \`unitPrice\` | GBP, positive |
| \`customerId\` | 5-digit customer number, or empty |
| \`country\` | customer's country as in the source |
| \`cancelled\` | \`1\` on cancellation lines, else \`0\` |

\`${productsFile}\`: CSV with a header, ${n(d.products.length)} products sorted by code.

| column | meaning |
| --- | --- |
| \`stockCode\` | product code |
| \`description\` | most frequent trimmed description over the kept lines (ties: first seen) |
| \`medianUnitPrice\` | median unit price over its sale lines (cancellation lines if it has none), GBP |
| \`unitsSold\` | sum of quantities on sale lines |
| \`unitsCancelled\` | sum of quantities cancelled (positive) |
| \`orders\` | distinct sale invoices |
| \`customers\` | distinct customers on sale lines |
| \`firstSale\`, \`lastSale\` | dates of its first and last sale line (empty if none) |
`;
}

function main(): void {
  const input = resolve(process.argv[2] ?? join(repoRoot, '..', 'shared', 'data', 'online-retail.csv.gz'));
  const source = readFileSync(input);
  const derived = derive(gunzipSync(source));
  mkdirSync(retailDataDir, { recursive: true });
  const tx = gzipSync(
    stringify(
      derived.transactions.map((t) => ({ ...t, cancelled: t.cancelled ? 1 : 0 })),
      { header: true, columns: [...transactionColumns] },
    ),
    { level: 9 },
  );
  writeFileSync(join(retailDataDir, transactionsFile), tx);
  writeFileSync(
    join(retailDataDir, productsFile),
    stringify(derived.products, { header: true, columns: [...productColumns] }),
  );
  writeFileSync(join(retailDataDir, 'README.md'), readme(derived, source, tx.length));
  console.log(
    `${input}: ${derived.rawRows} rows -> ${derived.transactions.length} transactions, ` +
      `${derived.products.length} products in ${retailDataDir} (dropped ${JSON.stringify(derived.dropped)})`,
  );
}

main();
