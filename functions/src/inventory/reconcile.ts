/**
 * reconcileInventory: replays the ledger and compares it with the counters, the held reservations
 * and the availability documents, all read at one consistent snapshot.
 *
 * It repairs only what it can prove:
 * - derived figures (available, totals, status, the aggregate of sharded locations) are functions
 *   of the counters, so they are recomputed;
 * - a `reserved` counter that disagrees with the ledger while the ledger agrees with the held
 *   reservations (two independent records against one) is set to their value.
 * Any other disagreement (onHand, inTransit, damaged; reserved where the records disagree with each
 * other) is reported and left for a person: nothing shows which side is right. A repair applies
 * only if the document has not changed since the snapshot; otherwise the next run looks again.
 * A document that does not match its schema is reported as such, and its SKU is left unchecked.
 *
 * The whole ledger is replayed on each run; past a few million entries this wants checkpoints
 * (a stored replay up to a ledger watermark).
 */
import { type QueryDocumentSnapshot, Timestamp } from 'firebase-admin/firestore';
import type { z } from 'zod';
import {
  type Counters,
  type Drift,
  InventoryDoc,
  LedgerEntry,
  type ReconciliationReport,
  ReservationDoc,
  ShardDoc,
  Sku,
} from '@hearth/contracts';
import { withTotals } from './availability';
import { countReads } from '../platform/deps';
import type { Deps } from './deps';
import { addDelta, effectsOf, zeroCounters } from './movements';
import {
  allShards,
  inventoryCol,
  inventoryRef,
  ledgerCol,
  reconciliationsCol,
  reservationsCol,
} from './paths';
import { refreshAvailability } from './refresh';
import { runInTransaction } from '../platform/transaction';

// incoming comes and goes by purchase-order entries (po_ordered, po_received, po_closed) like the rest.
const FIELDS = ['onHand', 'reserved', 'inTransit', 'damaged', 'incoming', 'backordered'] as const;
const DERIVED = [
  'onHand',
  'reserved',
  'available',
  'incoming',
  'inTransit',
  'backordered',
  'status',
] as const;

type Cells = Map<string, Map<string, Counters>>;

function cell(cells: Cells, sku: string, locationId: string): Counters {
  let bySku = cells.get(sku);
  if (!bySku) cells.set(sku, (bySku = new Map()));
  let c = bySku.get(locationId);
  if (!c) bySku.set(locationId, (c = zeroCounters()));
  return c;
}

export async function reconcileInventory(deps: Deps): Promise<ReconciliationReport & { runId: string }> {
  const startedAt = deps.clock.now();
  const seen = await readSnapshot(deps);
  const drift: Drift[] = [...seen.malformed];
  for (const sku of new Set([...seen.docs.keys(), ...seen.replayed.keys()])) {
    if (seen.unchecked.has(sku)) continue;
    const doc = seen.docs.get(sku);
    const { drift: counterDrift, fixes } = compareCounters(sku, doc, seen);
    drift.push(...counterDrift);
    if (!doc) continue;
    const derived = compareDerived(sku, doc, seen.shardSums.get(sku), startedAt);
    if (derived) drift.push(derived);
    if (!derived && Object.keys(fixes).length === 0) continue;
    const done = await repair(deps, sku, doc.version, fixes, Object.keys(doc.shards).length > 0);
    if (derived) derived.repaired = done.derived;
    if (done.reserved)
      for (const d of counterDrift)
        d.repaired = d.locationId !== null && d.locationId in fixes && d.field === 'reserved';
  }
  const report: ReconciliationReport = {
    startedAt: Timestamp.fromDate(startedAt),
    finishedAt: Timestamp.fromDate(deps.clock.now()),
    ledgerEntries: seen.ledgerEntries,
    skus: seen.docs.size,
    drift,
  };
  const ref = reconciliationsCol(deps.db).doc();
  await ref.set(report);
  return { ...report, runId: ref.id };
}

interface Snapshot {
  ledgerEntries: number;
  docs: Map<string, InventoryDoc>;
  /** What replaying the ledger gives, per SKU and location. */
  replayed: Cells;
  /** Units the held reservations hold (in `reserved`), per SKU and location. */
  held: Cells;
  /** onHand/reserved summed over the shards of each sharded location. */
  shardSums: Cells;
  /** Documents that do not match their schema, and the SKUs they make impossible to check. */
  malformed: Drift[];
  unchecked: Set<string>;
}

/** The ledger, the counters and the held reservations, all as of one read time. */
async function readSnapshot(deps: Deps): Promise<Snapshot> {
  const { db } = deps;
  const snap = await db.runTransaction(
    async (tx) => {
      const [ledger, inventory, shards, held] = await Promise.all([
        tx.get(ledgerCol(db)),
        tx.get(inventoryCol(db)),
        tx.get(allShards(db)),
        tx.get(reservationsCol(db).where('status', '==', 'held')),
      ]);
      return { ledger, inventory, shards, held };
    },
    { readOnly: true },
  );
  countReads(deps, snap.ledger.size + snap.inventory.size + snap.shards.size + snap.held.size);
  const out: Snapshot = {
    ledgerEntries: snap.ledger.size,
    docs: new Map(),
    replayed: new Map(),
    held: new Map(),
    shardSums: new Map(),
    malformed: [],
    unchecked: new Set(),
  };
  // One bad document must not hide the rest: it is reported, and its SKU left unchecked.
  const parse = <T>(schema: z.ZodType<T>, d: QueryDocumentSnapshot, sku: unknown): T | null => {
    const parsed = schema.safeParse(d.data());
    if (parsed.success) return parsed.data;
    const id = Sku.safeParse(sku).success ? String(sku) : 'unknown';
    out.unchecked.add(id);
    out.malformed.push({
      sku: id,
      locationId: null,
      field: `malformed ${d.ref.path}`,
      ledger: null,
      counter: null,
      reservations: null,
      repaired: false,
      why: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    });
    return null;
  };
  for (const d of snap.inventory.docs) {
    const doc = parse(InventoryDoc, d, d.id);
    if (doc) out.docs.set(d.id, doc);
  }
  for (const d of snap.ledger.docs) {
    const entry = parse(LedgerEntry, d, d.get('sku'));
    if (!entry) continue;
    for (const e of effectsOf(entry)) addDelta(cell(out.replayed, entry.sku, e.locationId), e.delta);
  }
  for (const d of snap.held.docs)
    for (const line of parse(ReservationDoc, d, d.data().lines?.[0]?.sku)?.lines ?? [])
      for (const a of line.allocations) cell(out.held, line.sku, a.locationId).reserved += a.qty;
  for (const d of snap.shards.docs) {
    if (d.ref.parent.parent?.parent.id !== 'inventory') continue;
    const s = parse(ShardDoc, d, d.ref.parent.parent.id);
    if (s) addDelta(cell(out.shardSums, s.sku, s.locationId), { onHand: s.onHand, reserved: s.reserved });
  }
  return out;
}

/**
 * Counters against the ledger (and reserved against the held reservations), per location; `fixes`
 * holds the reserved counters proven wrong, with their right value.
 */
function compareCounters(
  sku: string,
  doc: InventoryDoc | undefined,
  seen: Snapshot,
): { drift: Drift[]; fixes: Record<string, number> } {
  const counters = new Map<string, Counters>();
  for (const [locationId, stock] of Object.entries(doc?.locations ?? {})) {
    const sum = doc!.shards[locationId]
      ? (seen.shardSums.get(sku)?.get(locationId) ?? zeroCounters())
      : stock;
    counters.set(locationId, {
      onHand: sum.onHand,
      reserved: sum.reserved,
      inTransit: stock.inTransit,
      damaged: stock.damaged,
      incoming: stock.incoming,
      backordered: stock.backordered,
    });
  }
  const drift: Drift[] = [];
  const fixes: Record<string, number> = {};
  for (const locationId of new Set([...counters.keys(), ...(seen.replayed.get(sku)?.keys() ?? [])])) {
    const ledger = seen.replayed.get(sku)?.get(locationId) ?? zeroCounters();
    const counter = counters.get(locationId) ?? zeroCounters();
    const reservations = seen.held.get(sku)?.get(locationId)?.reserved ?? 0;
    const entry = (field: string, why: string): Drift => ({
      sku,
      locationId,
      field,
      ledger: field === 'heldReservations' ? ledger.reserved : ledger[field as keyof Counters],
      counter: field === 'heldReservations' ? counter.reserved : counter[field as keyof Counters],
      reservations: field === 'reserved' || field === 'heldReservations' ? reservations : null,
      repaired: false,
      why,
    });
    for (const field of FIELDS) {
      if (ledger[field] === counter[field]) continue;
      const proven =
        field === 'reserved' && ledger.reserved === reservations && !!doc && !doc.shards[locationId];
      // A proven value is still not written if onHand (itself wrong, then) cannot cover it: the
      // document would show negative availability and no longer be readable at all.
      const safe = proven && ledger.reserved <= counter.onHand;
      if (safe) fixes[locationId] = ledger.reserved;
      drift.push(
        entry(
          field,
          safe
            ? 'counter disagrees with both the ledger and the held reservations'
            : proven
              ? 'counter disagrees with both the ledger and the held reservations, but onHand is too low to hold them: fix onHand first'
              : 'counter disagrees with the ledger and nothing shows which is right',
        ),
      );
    }
    if (ledger.reserved === counter.reserved && counter.reserved !== reservations)
      drift.push(entry('heldReservations', 'held reservations disagree with the ledger and the counter'));
  }
  return { drift, fixes };
}

/** The availability document's derived figures against what its counters give. */
function compareDerived(
  sku: string,
  doc: InventoryDoc,
  shardSums: Map<string, Counters> | undefined,
  now: Date,
): Drift | null {
  const expected = withTotals(foldShards(doc, shardSums), now);
  const wrong: string[] = DERIVED.filter((f) => expected[f] !== doc[f]);
  for (const [id, actual] of Object.entries(doc.locations)) {
    const want = expected.locations[id]!;
    if (
      want.available !== actual.available ||
      want.onHand !== actual.onHand ||
      want.reserved !== actual.reserved
    )
      wrong.push(`locations.${id}`);
  }
  if (wrong.length === 0) return null;
  return {
    sku,
    locationId: null,
    field: `availability(${wrong.join(',')})`,
    ledger: null,
    counter: null,
    reservations: null,
    repaired: false,
    why: 'derived figures differ from the counters they are computed from',
  };
}

function foldShards(doc: InventoryDoc, sums: Map<string, Counters> | undefined): InventoryDoc {
  const locations = { ...doc.locations };
  for (const locationId of Object.keys(doc.shards)) {
    const sum = sums?.get(locationId) ?? zeroCounters();
    locations[locationId] = { ...locations[locationId]!, onHand: sum.onHand, reserved: sum.reserved };
  }
  return { ...doc, locations };
}

/**
 * Applies proven fixes and recomputes derived figures, if the document is as the snapshot saw it.
 * A hot SKU's figures are then refolded from its shards, which is right at any time: mid-sale, when
 * the document keeps moving on, the aggregate's lag is still repaired rather than left for a person.
 */
async function repair(
  deps: Deps,
  sku: string,
  version: number,
  reservedFixes: Record<string, number>,
  sharded: boolean,
): Promise<{ reserved: boolean; derived: boolean }> {
  const ref = inventoryRef(deps.db, sku);
  const done = await runInTransaction(deps, `repair ${sku}`, async (tx) => {
    const doc = InventoryDoc.parse((await tx.get(ref)).data());
    if (doc.version !== version) return false;
    const locations = { ...doc.locations };
    for (const [locationId, reserved] of Object.entries(reservedFixes))
      locations[locationId] = { ...locations[locationId]!, reserved };
    tx.set(ref, withTotals({ ...doc, locations }, deps.clock.now()));
    return true;
  });
  // A refresh that finds a newer aggregate already in place leaves it: that one was folded the same way.
  if (sharded) await refreshAvailability(deps, sku, true);
  return { reserved: done, derived: done || sharded };
}
