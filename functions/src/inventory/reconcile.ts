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
 *
 * The whole ledger is replayed on each run; past a few million entries this wants checkpoints
 * (a stored replay up to a ledger watermark).
 */
import { Timestamp } from 'firebase-admin/firestore';
import {
  type Counters,
  type Drift,
  InventoryDoc,
  LedgerEntry,
  type ReconciliationReport,
  ReservationDoc,
  ShardDoc,
} from '../api/inventory';
import { withTotals } from './availability';
import { countReads, type Deps } from './deps';
import { addDelta, effectsOf, zeroCounters } from './movements';
import { inventoryRef, ledgerCol, reconciliationsCol, reservationsCol } from './paths';
import { refreshAvailability } from './refresh';
import { runInTransaction } from './transaction';

const FIELDS = ['onHand', 'reserved', 'inTransit', 'damaged'] as const;
const DERIVED = ['onHand', 'reserved', 'available', 'incoming', 'inTransit', 'status'] as const;

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
  const { db } = deps;
  const snap = await db.runTransaction(
    async (tx) => {
      const [ledger, inventory, shards, held] = await Promise.all([
        tx.get(ledgerCol(db)),
        tx.get(db.collection('inventory')),
        tx.get(db.collectionGroup('shards')),
        tx.get(reservationsCol(db).where('status', '==', 'held')),
      ]);
      return { ledger, inventory, shards, held };
    },
    { readOnly: true },
  );
  countReads(deps, snap.ledger.size + snap.inventory.size + snap.shards.size + snap.held.size);

  const replayed: Cells = new Map();
  for (const d of snap.ledger.docs) {
    const entry = LedgerEntry.parse(d.data());
    for (const e of effectsOf(entry)) addDelta(cell(replayed, entry.sku, e.locationId), e.delta);
  }
  const heldUnits: Cells = new Map();
  for (const d of snap.held.docs)
    for (const line of ReservationDoc.parse(d.data()).lines)
      for (const a of line.allocations) cell(heldUnits, line.sku, a.locationId).reserved += a.qty;

  const shardSums: Cells = new Map();
  for (const d of snap.shards.docs) {
    if (d.ref.parent.parent?.parent.id !== 'inventory') continue;
    const s = ShardDoc.parse(d.data());
    addDelta(cell(shardSums, s.sku, s.locationId), { onHand: s.onHand, reserved: s.reserved });
  }

  const drift: Drift[] = [];
  const docs = new Map(snap.inventory.docs.map((d) => [d.id, InventoryDoc.parse(d.data())]));
  for (const sku of new Set([...docs.keys(), ...replayed.keys()])) {
    const doc = docs.get(sku);
    const counters: Cells = new Map();
    for (const [locationId, stock] of Object.entries(doc?.locations ?? {})) {
      const sharded = doc!.shards[locationId] ? shardSums.get(sku)?.get(locationId) : undefined;
      Object.assign(cell(counters, sku, locationId), {
        onHand: sharded ? sharded.onHand : stock.onHand,
        reserved: sharded ? sharded.reserved : stock.reserved,
        inTransit: stock.inTransit,
        damaged: stock.damaged,
      });
    }
    const locationIds = new Set([...(counters.get(sku)?.keys() ?? []), ...(replayed.get(sku)?.keys() ?? [])]);
    const fixes: Record<string, number> = {};
    for (const locationId of locationIds) {
      const ledger = replayed.get(sku)?.get(locationId) ?? zeroCounters();
      const counter = counters.get(sku)?.get(locationId) ?? zeroCounters();
      const reservations = heldUnits.get(sku)?.get(locationId)?.reserved ?? 0;
      for (const field of FIELDS) {
        if (ledger[field] === counter[field]) continue;
        const provable =
          field === 'reserved' && ledger.reserved === reservations && !!doc && !doc.shards[locationId];
        if (provable) fixes[locationId] = ledger.reserved;
        drift.push({
          sku,
          locationId,
          field,
          ledger: ledger[field],
          counter: counter[field],
          reservations: field === 'reserved' ? reservations : null,
          repaired: false,
          why: provable
            ? 'counter disagrees with both the ledger and the held reservations'
            : 'counter disagrees with the ledger and nothing shows which is right',
        });
      }
      if (ledger.reserved === counter.reserved && counter.reserved !== reservations)
        drift.push({
          sku,
          locationId,
          field: 'heldReservations',
          ledger: ledger.reserved,
          counter: counter.reserved,
          reservations,
          repaired: false,
          why: 'held reservations disagree with the ledger and the counter',
        });
    }
    if (!doc) continue;

    const expected = withTotals(foldShards(doc, shardSums.get(sku)), startedAt);
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
    const fixing = Object.keys(fixes).length > 0;
    if (wrong.length === 0 && !fixing) continue;
    const derivedDrift: Drift | null =
      wrong.length > 0
        ? {
            sku,
            locationId: null,
            field: `availability(${wrong.join(',')})`,
            ledger: null,
            counter: null,
            reservations: null,
            repaired: false,
            why: 'derived figures differ from the counters they are computed from',
          }
        : null;
    if (derivedDrift) drift.push(derivedDrift);
    const repaired = await repair(deps, sku, doc.version, fixes, Object.keys(doc.shards).length > 0);
    if (repaired) {
      if (derivedDrift) derivedDrift.repaired = true;
      for (const d of drift) if (d.sku === sku && d.locationId && d.locationId in fixes) d.repaired = true;
    }
  }

  const report: ReconciliationReport = {
    startedAt: Timestamp.fromDate(startedAt),
    finishedAt: Timestamp.fromDate(deps.clock.now()),
    ledgerEntries: snap.ledger.size,
    skus: docs.size,
    drift,
  };
  const ref = reconciliationsCol(db).doc();
  await ref.set(report);
  return { ...report, runId: ref.id };
}

function foldShards(doc: InventoryDoc, sums: Map<string, Counters> | undefined): InventoryDoc {
  const locations = { ...doc.locations };
  for (const locationId of Object.keys(doc.shards)) {
    const sum = sums?.get(locationId) ?? zeroCounters();
    locations[locationId] = { ...locations[locationId]!, onHand: sum.onHand, reserved: sum.reserved };
  }
  return { ...doc, locations };
}

/** Applies proven fixes and recomputes derived figures, if the document is as the snapshot saw it. */
async function repair(
  deps: Deps,
  sku: string,
  version: number,
  reservedFixes: Record<string, number>,
  sharded: boolean,
): Promise<boolean> {
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
  if (done && sharded) await refreshAvailability(deps, sku, true);
  return done;
}
