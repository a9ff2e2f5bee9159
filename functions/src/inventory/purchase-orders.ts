/**
 * Purchase orders: createPurchaseOrder, receivePurchaseOrder, closePurchaseOrder (staff).
 *
 * An order raises `incoming` at its location (one `po_ordered` entry per line); each receipt moves
 * units from incoming to on hand (`po_received`, by line, whole or partial); closing drops what
 * never came (`po_closed`). So `incoming` is always what the open orders still await, and replaying
 * the ledger gives it like every other counter. A receipt beyond what a line still awaits, or on an
 * order no longer open, is refused and changes nothing.
 *
 * An order made from a reorder suggestion claims it (`suggestionClaims/`, one document per SKU and
 * forecast run) in the same transaction: the SKU-wide suggestion's order covers every location's of
 * that run, a location's order covers the SKU-wide one and a second order of its own, so a covered
 * suggestion is refused (`already_ordered`, naming the order) however many consoles press at once.
 * Two locations' own suggestions of one run may both be ordered; an order closed since covers nothing.
 */
import type { DocumentReference, Firestore } from 'firebase-admin/firestore';
import { Timestamp } from 'firebase-admin/firestore';
import {
  type ClosePurchaseOrderRequest,
  type CreatePurchaseOrderRequest,
  PurchaseOrderDoc,
  type PurchaseOrderResponse,
  type PreconditionDetails,
  type ReceivePurchaseOrderRequest,
  SuggestionClaimDoc,
} from '@hearth/contracts';
import type { Deps } from './deps';
import { InventoryError, invalidField, notFound } from './errors';
import { once } from './idempotency';
import { loadLocations } from './locations';
import { putUnits } from './placement';
import type { Staff } from './staff';
import { StockTx } from './stock-tx';
import type { Tx } from '../platform/transaction';

export const purchaseOrdersCol = (db: Firestore) => db.collection('purchaseOrders');
export const purchaseOrderRef = (db: Firestore, id: string) => purchaseOrdersCol(db).doc(id);
export const suggestionClaimsCol = (db: Firestore) => db.collection('suggestionClaims');
/** One claim per SKU and forecast run; the run's millis are all digits, so the last '_' splits the id. */
export const suggestionClaimId = (sku: string, generatedAtMillis: number) => `${sku}_${generatedAtMillis}`;
export const suggestionClaimRef = (db: Firestore, sku: string, generatedAtMillis: number) =>
  suggestionClaimsCol(db).doc(suggestionClaimId(sku, generatedAtMillis));

/** A promised date further out than this is a typo, not a supplier's lead time. */
const MAX_EXPECTED_DAYS = 2 * 365;
const DAY_MS = 24 * 3600 * 1000;

const responseOf = (id: string, po: PurchaseOrderDoc, ledgerEntryIds: string[]): PurchaseOrderResponse => ({
  purchaseOrderId: id,
  status: po.status,
  lines: po.lines.map((l) => ({ sku: l.sku, qty: l.qty, received: l.received })),
  ledgerEntryIds,
});

function expectedAtOf(deps: Deps, iso: string): Timestamp {
  const at = Date.parse(iso);
  const now = deps.clock.now().getTime();
  // A delivery promised for yesterday is a mistake in the form; today (any hour) is fine.
  if (at < now - DAY_MS) throw invalidField('expectedAt', 'is in the past');
  if (at > now + MAX_EXPECTED_DAYS * DAY_MS)
    throw invalidField('expectedAt', `must be within ${MAX_EXPECTED_DAYS} days`);
  return Timestamp.fromMillis(at);
}

/** The suggestion an order answers, as the order records it (`locationId` null: the SKU-wide one). */
type Suggestion = NonNullable<PurchaseOrderDoc['fromSuggestion']>;

const suggestionName = (locationId: string | null) =>
  locationId === null ? 'the SKU-wide suggestion' : `${locationId}'s own suggestion`;

function alreadyOrdered(from: Suggestion, by: { locationId: string | null; purchaseOrderId: string }) {
  const source = by.locationId === from.locationId ? 'this same suggestion' : suggestionName(by.locationId);
  return new InventoryError(
    'failed-precondition',
    `${from.sku}: ${suggestionName(from.locationId)} of the forecast run of ${new Date(from.generatedAt.toMillis()).toISOString()} is already ordered, as purchase order ${by.purchaseOrderId} (from ${source})`,
    {
      reason: 'already_ordered',
      sku: from.sku,
      purchaseOrderId: by.purchaseOrderId,
    } satisfies PreconditionDetails,
  );
}

/**
 * Reads the run's claim (and the orders that would cover this suggestion) in the transaction and
 * returns the claim to write with order `opId`, or refuses a suggestion a live order covers. Orders
 * closed since are dropped from the claim: their rest was cancelled, they cover nothing.
 */
async function claimSuggestion(
  tx: Tx,
  deps: Deps,
  from: Suggestion,
  opId: string,
): Promise<{ ref: DocumentReference; claim: SuggestionClaimDoc }> {
  const ref = suggestionClaimRef(deps.db, from.sku, from.generatedAt.toMillis());
  const snap = await tx.get(ref);
  const stored = snap.exists ? SuggestionClaimDoc.parse(snap.data()) : null;
  const covering: { locationId: string | null; purchaseOrderId: string }[] = [];
  if (stored?.skuWide) covering.push({ locationId: null, purchaseOrderId: stored.skuWide.purchaseOrderId });
  for (const [locationId, c] of Object.entries(stored?.locations ?? {}))
    if (from.locationId === null || locationId === from.locationId)
      covering.push({ locationId, purchaseOrderId: c.purchaseOrderId });
  const orders = await tx.getAll(covering.map((c) => purchaseOrderRef(deps.db, c.purchaseOrderId)));
  for (const c of covering) {
    const po = orders.get(purchaseOrderRef(deps.db, c.purchaseOrderId).path);
    if (po?.exists && po.get('status') !== 'closed') throw alreadyOrdered(from, c);
  }
  // Every covering entry is a closed order now: the new one takes its place.
  const locations = Object.fromEntries(
    Object.entries(stored?.locations ?? {}).filter(
      ([locationId]) => !covering.some((c) => c.locationId === locationId),
    ),
  );
  if (from.locationId !== null) locations[from.locationId] = { purchaseOrderId: opId };
  return {
    ref,
    claim: {
      sku: from.sku,
      generatedAt: from.generatedAt,
      skuWide: from.locationId === null ? { purchaseOrderId: opId } : null,
      locations,
      updatedAt: Timestamp.fromDate(deps.clock.now()),
    },
  };
}

/** The suggestion of a request, refused when it names a location the store lacks or a SKU not ordered. */
function suggestionOf(
  req: CreatePurchaseOrderRequest,
  locations: ReadonlyMap<string, unknown>,
): Suggestion | null {
  const from = req.fromSuggestion;
  if (!from) return null;
  if (from.locationId !== undefined && !locations.has(from.locationId))
    throw notFound('location', from.locationId);
  if (!req.lines.some((l) => l.sku === from.sku))
    throw invalidField('fromSuggestion.sku', `${from.sku} is not one of the order's lines`);
  return {
    sku: from.sku,
    generatedAt: Timestamp.fromMillis(Date.parse(from.generatedAt)),
    locationId: from.locationId ?? null,
  };
}

export async function createPurchaseOrder(
  deps: Deps,
  staff: Staff,
  req: CreatePurchaseOrderRequest,
): Promise<PurchaseOrderResponse> {
  const locations = await loadLocations(deps);
  if (!locations.has(req.locationId)) throw notFound('location', req.locationId);
  const expectedAt = expectedAtOf(deps, req.expectedAt);
  const fromSuggestion = suggestionOf(req, locations);
  const answer = await once(
    deps,
    { scope: 'createPurchaseOrder', uid: staff.uid, key: req.idempotencyKey, request: req },
    'create the purchase order',
    async (tx, opId) => {
      // Refused before anything else is read; written with the order, in the same commit.
      const claim = fromSuggestion ? await claimSuggestion(tx, deps, fromSuggestion, opId) : null;
      const st = new StockTx(tx, deps, {
        actor: staff,
        correlationId: opId,
        idempotencyKey: req.idempotencyKey,
        opId,
      });
      await st.loadInventory(req.lines.map((l) => l.sku));
      const reason = `purchase order ${opId} from ${req.supplier}`;
      const ids = req.lines.map((l) =>
        st.apply({
          kind: 'po_ordered',
          sku: l.sku,
          locationId: req.locationId,
          shard: null,
          qty: l.qty,
          reason,
        }),
      );
      deps.checkpoint?.('createPurchaseOrder:before-write');
      st.write();
      const now = Timestamp.fromDate(deps.clock.now());
      const po: PurchaseOrderDoc = {
        supplier: req.supplier,
        locationId: req.locationId,
        status: 'open',
        lines: req.lines.map((l) => ({ sku: l.sku, qty: l.qty, received: 0 })),
        expectedAt,
        fromSuggestion,
        createdBy: staff.uid,
        createdAt: now,
        updatedAt: now,
        closedAt: null,
      };
      tx.create(purchaseOrderRef(deps.db, opId), po);
      if (claim) tx.set(claim.ref, claim.claim);
      return responseOf(opId, po, ids);
    },
  );
  for (const l of req.lines) deps.refresher?.request(l.sku);
  return answer;
}

/** The order as the transaction reads it, refused unless it is still open. */
async function openOrder(tx: Tx, deps: Deps, id: string): Promise<PurchaseOrderDoc> {
  const snap = await tx.get(purchaseOrderRef(deps.db, id));
  if (!snap.exists) throw notFound('purchase order', id);
  const po = PurchaseOrderDoc.parse(snap.data());
  if (po.status !== 'open')
    throw new InventoryError(
      'failed-precondition',
      `Purchase order ${id} is ${po.status}: nothing more can be received or closed on it`,
      { reason: 'purchase_order_closed' },
    );
  return po;
}

/** The order's lines after a receipt, or the refusal of a line it does not have or awaits less of. */
function receivedLines(po: PurchaseOrderDoc, req: ReceivePurchaseOrderRequest): PurchaseOrderDoc['lines'] {
  const lines = po.lines.map((l) => ({ ...l }));
  for (const r of req.lines) {
    const line = lines.find((l) => l.sku === r.sku);
    if (!line) throw notFound('purchase order line', `${req.purchaseOrderId}/${r.sku}`);
    const awaited = line.qty - line.received;
    if (r.qty > awaited)
      throw new InventoryError(
        'failed-precondition',
        `Purchase order ${req.purchaseOrderId} awaits ${awaited} × ${r.sku}; ${r.qty} were received. Record the extra units with restock.`,
        { reason: 'over_receipt', sku: r.sku, awaited },
      );
    line.received += r.qty;
  }
  return lines;
}

export async function receivePurchaseOrder(
  deps: Deps,
  staff: Staff,
  req: ReceivePurchaseOrderRequest,
): Promise<PurchaseOrderResponse> {
  const skus: string[] = [];
  const answer = await once(
    deps,
    { scope: 'receivePurchaseOrder', uid: staff.uid, key: req.idempotencyKey, request: req },
    'receive the purchase order',
    async (tx, opId) => {
      const po = await openOrder(tx, deps, req.purchaseOrderId);
      const lines = receivedLines(po, req);
      const st = new StockTx(tx, deps, {
        actor: staff,
        correlationId: req.purchaseOrderId,
        idempotencyKey: req.idempotencyKey,
        opId,
      });
      await st.loadInventory(req.lines.map((l) => l.sku));
      const reason = `purchase order ${req.purchaseOrderId} from ${po.supplier}`;
      const ids: string[] = [];
      for (const r of req.lines)
        ids.push(
          ...(await putUnits(
            st,
            { kind: 'po_received', sku: r.sku, locationId: po.locationId, reason },
            r.qty,
          )),
        );
      deps.checkpoint?.('receivePurchaseOrder:before-write');
      st.write();
      const now = Timestamp.fromDate(deps.clock.now());
      const complete = lines.every((l) => l.received === l.qty);
      const next: PurchaseOrderDoc = {
        ...po,
        lines,
        status: complete ? 'received' : 'open',
        updatedAt: now,
        closedAt: complete ? now : null,
      };
      tx.set(purchaseOrderRef(deps.db, req.purchaseOrderId), next);
      skus.push(...req.lines.map((l) => l.sku));
      return responseOf(req.purchaseOrderId, next, ids);
    },
  );
  for (const sku of skus) deps.refresher?.request(sku);
  return answer;
}

export async function closePurchaseOrder(
  deps: Deps,
  staff: Staff,
  req: ClosePurchaseOrderRequest,
): Promise<PurchaseOrderResponse> {
  return once(
    deps,
    { scope: 'closePurchaseOrder', uid: staff.uid, key: req.idempotencyKey, request: req },
    'close the purchase order',
    async (tx, opId) => {
      const po = await openOrder(tx, deps, req.purchaseOrderId);
      const st = new StockTx(tx, deps, {
        actor: staff,
        correlationId: req.purchaseOrderId,
        idempotencyKey: req.idempotencyKey,
        opId,
      });
      await st.loadInventory(po.lines.map((l) => l.sku));
      const reason = `purchase order ${req.purchaseOrderId} closed: ${req.reason}`;
      const ids = po.lines
        .filter((l) => l.received < l.qty)
        .map((l) =>
          st.apply({
            kind: 'po_closed',
            sku: l.sku,
            locationId: po.locationId,
            shard: null,
            qty: l.qty - l.received,
            reason,
          }),
        );
      st.write();
      const now = Timestamp.fromDate(deps.clock.now());
      const next: PurchaseOrderDoc = { ...po, status: 'closed', updatedAt: now, closedAt: now };
      tx.set(purchaseOrderRef(deps.db, req.purchaseOrderId), next);
      return responseOf(req.purchaseOrderId, next, ids);
    },
  );
}
