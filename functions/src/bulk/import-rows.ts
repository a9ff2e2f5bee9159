/**
 * One batch of an import's rows inside one transaction: each row's product, variant and stock change
 * are planned from what the transaction read, a row that cannot be applied is left out whole (with
 * its reason), and write() then writes every planned row at once. Stock levels become `adjust`
 * movements of the difference through StockTx (one ledger entry each, under the row's own operation
 * id), never a counter write.
 */
import { isDeepStrictEqual } from 'node:util';
import type { DocumentReference, DocumentSnapshot } from 'firebase-admin/firestore';
import {
  type Actor,
  type ImportIssueDoc,
  type ImportRow,
  type LocationDoc,
  ProductDoc,
  VariantDoc,
} from '@hearth/contracts';
import { newInventoryDoc } from '../inventory/availability';
import type { Deps } from '../inventory/deps';
import { InventoryError } from '../inventory/errors';
import { putUnits, takeUnits } from '../inventory/placement';
import { type OpContext, StockTx } from '../inventory/stock-tx';
import { ledgerCol, variantRef } from '../platform/paths';
import { settingsOf } from '../platform/deps';
import type { Tx } from '../platform/transaction';
import { rowKey, rowOpId } from './import-paths';

export interface ValidRow {
  row: number;
  value: ImportRow;
}

export type RowOutcome = 'applied' | 'unchanged' | 'failed';

export interface BatchPlan {
  outcomes: Map<number, RowOutcome>;
  issues: ImportIssueDoc[];
  /** SKUs with shards whose stock changed: their availability aggregate needs a refresh. */
  shardedSkus: string[];
  pendingWrites: number;
  write(): void;
}

export interface BatchContext {
  deps: Deps;
  tx: Tx;
  jobId: string;
  actor: Actor;
  locations: Map<string, LocationDoc>;
}

/** Each row's operation id, hashed once per batch. */
const opIds = new WeakMap<ValidRow, string>();
const opIdOf = (b: BatchContext, r: ValidRow) => {
  let id = opIds.get(r);
  if (id === undefined) opIds.set(r, (id = rowOpId(b.jobId, r.row)));
  return id;
};

class RowFailure extends Error {
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(message);
  }
}

const productRef = (b: BatchContext, productId: string) => b.deps.db.collection('products').doc(productId);

/** The product fields a row sets; the rest of the product (images, embedding...) is left as it is. */
const productFields = (v: ImportRow) => ({
  name: v.productName!,
  category: v.category!,
  ...(v.room !== undefined && { room: v.room }),
  ...(v.description !== undefined && { description: v.description }),
});

const variantFields = (v: ImportRow) => ({
  priceMinor: v.priceMinor!,
  currency: v.currency!,
  ...(v.material !== undefined && { 'options.material': v.material }),
  ...(v.colour !== undefined && { 'options.colour': v.colour }),
  ...(v.size !== undefined && { 'options.size': v.size }),
});

/** The value at a field path ('options.colour') of a document's data. */
function valueAt(doc: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], doc);
}

/** The fields whose value differs from the document's (compared field by field, as stored). */
function changedFields(
  doc: Record<string, unknown>,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).filter(([path, value]) => !isDeepStrictEqual(valueAt(doc, path), value)),
  );
}

function withFields(doc: Record<string, unknown>, fields: Record<string, unknown>): Record<string, unknown> {
  const next = { ...doc };
  for (const [path, value] of Object.entries(fields)) {
    const [head, tail] = path.split('.') as [string, string | undefined];
    if (tail === undefined) next[head] = value;
    else next[head] = { ...(next[head] as Record<string, unknown> | undefined), [tail]: value };
  }
  return next;
}

/** A document as this batch has it so far: as read, then as earlier rows of the batch left it. */
interface Pending {
  ref: DocumentReference;
  existed: boolean;
  /** The stored data (not parsed: fields outside the contract, such as an embedding, are kept). */
  doc: Record<string, unknown> | null;
  /** Fields to update (existing document) or the whole document to create. */
  fields: Record<string, unknown>;
  dirty: boolean;
}

async function onHandAt(st: StockTx, sku: string, locationId: string): Promise<number> {
  const count = st.inventory(sku).shards[locationId] ?? 0;
  if (count === 0) return st.inventory(sku).locations[locationId]?.onHand ?? 0;
  const keys = Array.from({ length: count }, (_, index) => ({ sku, locationId, index }));
  await st.loadShards(keys);
  return keys.reduce((sum, k) => sum + (st.shard(k)?.onHand ?? 0), 0);
}

/** The batch's state while its rows are planned in file order. */
interface Planning {
  b: BatchContext;
  st: StockTx;
  reads: Map<string, DocumentSnapshot>;
  /** SKUs with an availability document (read, or created by an earlier row of the batch). */
  known: Set<string>;
  variants: Map<string, Pending>;
  products: Map<string, Pending>;
  checkMarkers: boolean;
}

const ctxOf = (b: BatchContext, r: ValidRow): OpContext => ({
  actor: b.actor,
  correlationId: `import-${b.jobId}`,
  idempotencyKey: rowKey(b.jobId, r.row),
  opId: opIdOf(b, r),
});

/** Plans one row, or throws RowFailure having planned nothing of it. Whether it changes anything. */
async function planRow(p: Planning, r: ValidRow): Promise<boolean> {
  const { b, st } = p;
  const v = r.value;
  const sku = v.sku;
  if (p.checkMarkers && v.locationId !== undefined && p.reads.get(markerRef(b, r).path)?.exists) return false;
  if (!p.known.has(sku) && v.productId === undefined)
    throw new RowFailure(
      'sku',
      `unknown SKU '${sku}': no product has it; give its productId, productName, category, priceMinor and currency to add it`,
    );
  const owner = p.known.has(sku) ? st.inventory(sku).productId : undefined;
  if (v.productId !== undefined && owner !== undefined && owner !== v.productId)
    throw new RowFailure('productId', `SKU '${sku}' belongs to product '${owner}', not '${v.productId}'`);
  const currency = settingsOf(b.deps).currency;
  if (v.currency !== undefined && v.currency !== currency)
    throw new RowFailure(
      'currency',
      `prices are in ${currency}, the store's currency; this row has ${v.currency}`,
    );
  if (v.locationId !== undefined && !b.locations.has(v.locationId))
    throw new RowFailure(
      'locationId',
      `no location '${v.locationId}' exists (locations: ${[...b.locations.keys()].sort().join(', ')})`,
    );
  // Only the stock change can still fail (units held in carts), and it cannot for a new SKU (it
  // holds nothing): so it goes first, and a failing row has planned nothing.
  let changed = false;
  if (!p.known.has(sku)) {
    st.create(newInventoryDoc({ sku, productId: v.productId! }, b.deps.clock.now()));
    p.known.add(sku);
    changed = true;
  }
  if (v.locationId !== undefined) changed = (await planStock(st, sku, r, ctxOf(b, r))) || changed;
  if (v.productId !== undefined) {
    changed = planVariant(b, sku, v, p.reads, p.variants) || changed;
    changed = planProduct(b, v, p.reads, p.products) || changed;
  }
  return changed;
}

/** Whether the row changes the variant; records the change. Never fails, so it runs after the checks. */
function planVariant(
  b: BatchContext,
  sku: string,
  v: ImportRow,
  reads: Map<string, DocumentSnapshot>,
  variants: Map<string, Pending>,
): boolean {
  const ref = variantRef(b.deps.db, v.productId!, sku);
  let p = variants.get(sku);
  if (!p) {
    const snap = reads.get(ref.path)!;
    p = { ref, existed: snap.exists, doc: snap.exists ? snap.data()! : null, fields: {}, dirty: false };
    variants.set(sku, p);
  }
  if (p.doc) {
    const diff = changedFields(p.doc, variantFields(v));
    if (Object.keys(diff).length === 0) return false;
    p.doc = withFields(p.doc, diff);
    p.fields = p.existed ? { ...p.fields, ...diff } : p.doc;
  } else {
    p.doc = VariantDoc.parse({
      sku,
      productId: v.productId,
      options: {
        ...(v.material !== undefined && { material: v.material }),
        ...(v.colour !== undefined && { colour: v.colour }),
        ...(v.size !== undefined && { size: v.size }),
      },
      priceMinor: v.priceMinor,
      currency: v.currency,
    });
    p.fields = p.doc;
  }
  p.dirty = true;
  return true;
}

/** Sets the counted level as an adjust movement of the difference; whether anything moved. */
async function planStock(st: StockTx, sku: string, r: ValidRow, ctx: OpContext): Promise<boolean> {
  const locationId = r.value.locationId!;
  const target = r.value.onHand!;
  const current = await onHandAt(st, sku, locationId);
  const delta = target - current;
  if (delta === 0) return false;
  const move = { kind: 'adjust' as const, sku, locationId, reason: `stock count: import row ${r.row}` };
  if (delta > 0) await putUnits(st, move, delta, ctx);
  else
    try {
      await takeUnits(st, move, -delta, (n) => -n, ctx);
    } catch (err) {
      if (!(err instanceof InventoryError) || err.code !== 'resource-exhausted') throw err;
      const available = Number((err.details as { available?: number }).available ?? 0);
      const held = current - available;
      throw new RowFailure(
        'onHand',
        `${held} of the ${current} units of ${sku} at ${locationId} are held in carts; on hand cannot be set below ${held}`,
      );
    }
  return true;
}

/** The first ledger entry a row's stock change writes: there once the row has been applied. */
const markerRef = (b: BatchContext, r: ValidRow) => ledgerCol(b.deps.db).doc(`${opIdOf(b, r)}-0`);

/** The documents a batch reads besides stock: its rows' variants and products, and their ledger markers. */
function catalogRefs(b: BatchContext, rows: ValidRow[], checkMarkers: boolean): DocumentReference[] {
  const refs = new Map<string, DocumentReference>();
  for (const r of rows) {
    const v = r.value;
    if (v.productId !== undefined) {
      const vr = variantRef(b.deps.db, v.productId, v.sku);
      const pr = productRef(b, v.productId);
      refs.set(vr.path, vr);
      refs.set(pr.path, pr);
    }
    if (checkMarkers && v.locationId !== undefined) {
      const marker = markerRef(b, r);
      refs.set(marker.path, marker);
    }
  }
  return [...refs.values()];
}

/**
 * Plans `rows` (already checked against the contract) in file order on one StockTx, each row's
 * movements under the row's own operation: all reads happen here (one round trip for the batch's
 * catalog documents, one for its SKUs' availability documents), none in write(). With
 * `checkMarkers`, a row whose stock change is already in the ledger is skipped: for the first
 * batch of a run that took over a job from a run that stopped.
 */
export async function planBatch(
  b: BatchContext,
  rows: ValidRow[],
  checkMarkers: boolean,
): Promise<BatchPlan> {
  if (rows.length === 0)
    return { outcomes: new Map(), issues: [], shardedSkus: [], pendingWrites: 0, write: () => {} };
  const reads = await b.tx.getAll(catalogRefs(b, rows, checkMarkers));
  const st = new StockTx(b.tx, b.deps, ctxOf(b, rows[0]!));
  const skus = [...new Set(rows.map((r) => r.value.sku))];
  const missing = new Set(await st.load(skus, []));
  const p: Planning = {
    b,
    st,
    reads,
    known: new Set(skus.filter((sku) => !missing.has(sku))),
    variants: new Map(),
    products: new Map(),
    checkMarkers,
  };
  const outcomes = new Map<number, RowOutcome>();
  const issues: ImportIssueDoc[] = [];
  for (const r of rows) {
    try {
      outcomes.set(r.row, (await planRow(p, r)) ? 'applied' : 'unchanged');
    } catch (err) {
      if (!(err instanceof RowFailure)) throw err;
      outcomes.set(r.row, 'failed');
      issues.push({ row: r.row, column: err.column, message: err.message });
    }
  }
  const catalog = [...p.variants.values(), ...p.products.values()].filter((d) => d.dirty);
  const shardedSkus = skus.filter(
    (sku) => p.known.has(sku) && Object.keys(st.inventory(sku).shards).length > 0,
  );
  return {
    outcomes,
    issues,
    shardedSkus,
    pendingWrites: st.pendingWrites() + catalog.length,
    write: () => {
      st.write();
      for (const d of catalog)
        if (d.existed) b.tx.update(d.ref, d.fields);
        else b.tx.set(d.ref, d.fields);
    },
  };
}

/** Whether the row changes its product's fields; records the change. Never fails. */
function planProduct(
  b: BatchContext,
  v: ImportRow,
  reads: Map<string, DocumentSnapshot>,
  products: Map<string, Pending>,
): boolean {
  let p = products.get(v.productId!);
  if (!p) {
    const ref = productRef(b, v.productId!);
    const snap = reads.get(ref.path)!;
    p = { ref, existed: snap.exists, doc: snap.exists ? snap.data()! : null, fields: {}, dirty: false };
    products.set(v.productId!, p);
  }
  const fields = productFields(v);
  if (p.doc) {
    const diff = changedFields(p.doc, fields);
    if (Object.keys(diff).length === 0) return false;
    p.doc = withFields(p.doc, diff);
    p.fields = p.existed ? { ...p.fields, ...diff } : p.doc;
  } else {
    p.doc = ProductDoc.parse(fields);
    p.fields = p.doc;
  }
  p.dirty = true;
  return true;
}
