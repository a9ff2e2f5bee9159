/**
 * Stock changes inside one transaction: load the counters, apply movements (each checked against
 * the invariants and recorded as exactly one ledger entry), then write everything at once.
 *
 * onHand/reserved of a sharded location live in its shard documents; everything else (inTransit,
 * damaged, unsharded locations) in the availability document. The hot path touches shards only;
 * the availability document's figures for sharded locations are refreshed elsewhere (refresh.ts).
 */
import { Timestamp } from 'firebase-admin/firestore';
import { type Actor, InventoryDoc, type LedgerEntry, type LocationStock, ShardDoc } from '@hearth/contracts';
import { emptyLocationStock, withTotals } from './availability';
import type { Deps } from './deps';
import { notFound, precondition } from './errors';
import { effectsOf, type Movement } from './movements';
import { inventoryRef, ledgerCol, shardRef } from './paths';
import type { Tx } from '../platform/transaction';
import { type Draft, draftOf, type EmitInput, stockEventsOf, writeOutbox } from '../platform/outbox';

export interface OpContext {
  actor: Actor;
  /** The business object the movements belong to (reservation, order, transfer, operation). */
  correlationId: string;
  idempotencyKey: string | null;
  /** Unique per operation and stable across its retries: ledger entry ids derive from it. */
  opId: string;
}

export interface ShardKey {
  sku: string;
  locationId: string;
  index: number;
}

const shardKey = (k: ShardKey) => `${k.sku}/${k.locationId}_${k.index}`;

export class StockTx {
  private readonly docs = new Map<string, InventoryDoc>();
  private readonly shards = new Map<string, ShardDoc | null>();
  private readonly dirtyDocs = new Set<string>();
  private readonly dirtyShards = new Set<string>();
  /** Ledger entries by id: `${opId}-${n}`, n counting each operation's movements from 0. */
  private readonly entries = new Map<string, LedgerEntry>();
  private readonly movementsOf = new Map<string, number>();
  /** Outbox (issue 15): each loaded document's locations as read, the operations' own events, and who moved what. */
  private readonly before = new Map<string, Record<string, LocationStock>>();
  private readonly emitted: Draft[] = [];
  private readonly movers = new Map<string, string[]>();

  constructor(
    readonly tx: Tx,
    private readonly deps: Deps,
    private readonly ctx: OpContext,
  ) {}

  /** Reads the availability documents of `skus` (unknown SKUs are `not-found`). */
  async loadInventory(skus: string[]): Promise<void> {
    const missing = await this.load(skus, []);
    if (missing.length > 0) throw notFound('sku', missing[0]!);
  }

  /**
   * Reads availability documents and shards in one round trip (locks taken in path order); returns
   * the SKUs that have no availability document.
   */
  async load(skus: string[], shards: ShardKey[]): Promise<string[]> {
    const wantedSkus = [...new Set(skus)].filter((sku) => !this.docs.has(sku));
    const wantedShards = shards.filter((k) => !this.shards.has(shardKey(k)));
    const docRefs = wantedSkus.map((sku) => inventoryRef(this.deps.db, sku));
    const shardRefs = wantedShards.map((k) => shardRef(this.deps.db, k.sku, k.locationId, k.index));
    const snaps = await this.tx.getAll([...docRefs, ...shardRefs]);
    const missing: string[] = [];
    wantedSkus.forEach((sku, i) => {
      const snap = snaps.get(docRefs[i]!.path);
      if (snap?.exists) {
        const doc = InventoryDoc.parse(snap.data());
        this.docs.set(sku, doc);
        this.before.set(sku, structuredClone(doc.locations));
      } else missing.push(sku);
    });
    wantedShards.forEach((k, i) => {
      const snap = snaps.get(shardRefs[i]!.path);
      this.shards.set(shardKey(k), snap?.exists ? ShardDoc.parse(snap.data()) : null);
    });
    return missing;
  }

  /** Whether the availability document of `sku` was read in this transaction (and exists). */
  hasInventory(sku: string): boolean {
    return this.docs.has(sku);
  }

  /**
   * Starts the availability document of a SKU that `load` found missing, with no stock (stock still
   * comes by movements only); write() creates it. Lets a new SKU and its first stock be one commit.
   */
  create(doc: InventoryDoc): void {
    if (this.docs.has(doc.sku)) throw new Error(`inventory/${doc.sku} is already loaded`);
    if (doc.onHand !== 0 || doc.reserved !== 0 || Object.keys(doc.locations).length > 0)
      throw new Error(`a new inventory/${doc.sku} starts empty; stock arrives by movements`);
    this.docs.set(doc.sku, doc);
    this.dirtyDocs.add(doc.sku);
  }

  inventory(sku: string): InventoryDoc {
    const doc = this.docs.get(sku);
    if (!doc) throw new Error(`inventory/${sku} was not loaded in this transaction`);
    return doc;
  }

  async loadShards(keys: ShardKey[]): Promise<void> {
    await this.load([], keys);
  }

  /** A loaded shard, or null if it does not exist. */
  shard(key: ShardKey): ShardDoc | null {
    const doc = this.shards.get(shardKey(key));
    if (doc === undefined) throw new Error(`shard ${shardKey(key)} was not loaded in this transaction`);
    return doc;
  }

  /**
   * Applies a movement to the loaded counters, enforcing the invariants, and records its ledger
   * entry under `ctx` (one transaction may carry several operations: a batch of reservations).
   */
  apply(m: Movement, ctx: OpContext = this.ctx): string {
    for (const effect of effectsOf(m)) {
      const {
        onHand = 0,
        reserved = 0,
        inTransit = 0,
        damaged = 0,
        incoming = 0,
        backordered = 0,
      } = effect.delta;
      const shard = effect.onShard ? m.shard : null;
      if (onHand !== 0 || reserved !== 0) {
        const cell = shard === null ? this.locationCell(m.sku, effect.locationId) : this.shardCell(m, shard);
        cell.onHand += onHand;
        cell.reserved += reserved;
        cell.available = cell.onHand - cell.reserved;
        if (cell.reserved < 0 || cell.available < 0)
          throw precondition(
            'insufficient_stock',
            `${m.kind} of ${m.qty} × ${m.sku} at ${effect.locationId} would leave ${cell.onHand} on hand and ${cell.reserved} reserved`,
          );
      }
      if (inTransit !== 0 || damaged !== 0 || incoming !== 0 || backordered !== 0) {
        const cell = this.locationCell(m.sku, effect.locationId, true);
        cell.inTransit += inTransit;
        cell.damaged += damaged;
        cell.incoming += incoming;
        cell.backordered += backordered;
        if (cell.inTransit < 0 || cell.damaged < 0 || cell.incoming < 0 || cell.backordered < 0)
          throw precondition(
            'insufficient_stock',
            `${m.kind} of ${m.qty} × ${m.sku} would leave negative stock`,
          );
      }
    }
    const movers = this.movers.get(`${m.sku}/${m.locationId}`) ?? [];
    if (!movers.includes(ctx.correlationId)) movers.push(ctx.correlationId);
    this.movers.set(`${m.sku}/${m.locationId}`, movers);
    const n = this.movementsOf.get(ctx.opId) ?? 0;
    this.movementsOf.set(ctx.opId, n + 1);
    const id = `${ctx.opId}-${n}`;
    this.entries.set(id, {
      kind: m.kind,
      sku: m.sku,
      locationId: m.locationId,
      toLocationId: m.toLocationId ?? null,
      shard: m.shard,
      qty: m.qty,
      reason: m.reason,
      actor: ctx.actor,
      correlationId: ctx.correlationId,
      idempotencyKey: ctx.idempotencyKey,
      at: Timestamp.fromDate(this.deps.clock.now()),
    });
    return id;
  }

  /**
   * Adds an event to the outbox, committed with this transaction (reservation created, order placed...).
   * Stock-level events need no call: write() derives them from the counters it writes.
   */
  emit(event: EmitInput, ctx: OpContext = this.ctx): void {
    this.emitted.push(draftOf(event, ctx.correlationId));
  }

  /** How many documents write() would write now: changed counters, ledger entries and outbox events. */
  pendingWrites(): number {
    const now = this.deps.clock.now();
    let stockEvents = 0;
    for (const sku of this.dirtyDocs)
      stockEvents += this.stockDrafts(withTotals(this.inventory(sku), now)).length;
    return (
      this.dirtyDocs.size + this.dirtyShards.size + this.entries.size + stockEvents + this.emitted.length
    );
  }

  /** Writes every changed counter and the ledger entries; call once, after all reads. Returns what it wrote. */
  write(): { docs: InventoryDoc[]; shards: ShardDoc[] } {
    const now = this.deps.clock.now();
    const written = { docs: [] as InventoryDoc[], shards: [] as ShardDoc[] };
    for (const sku of this.dirtyDocs) {
      const doc = withTotals(this.inventory(sku), now);
      this.tx.set(inventoryRef(this.deps.db, sku), doc);
      written.docs.push(doc);
    }
    for (const key of this.dirtyShards) {
      const cur = this.shards.get(key)!;
      const doc = { ...cur, version: cur.version + 1 };
      this.tx.set(shardRef(this.deps.db, doc.sku, doc.locationId, doc.index), doc);
      written.shards.push(doc);
    }
    for (const [id, entry] of this.entries) this.tx.create(ledgerCol(this.deps.db).doc(id), entry);
    // Sharded locations' onHand/reserved are not in these documents: refresh.ts emits their events.
    const drafts = written.docs.flatMap((doc) => this.stockDrafts(doc));
    writeOutbox(this.tx, this.deps.db, now, [...drafts, ...this.emitted]);
    return written;
  }

  private stockDrafts(after: InventoryDoc): Draft[] {
    const movers = (locationId: string) => this.movers.get(`${after.sku}/${locationId}`) ?? [];
    return stockEventsOf(this.before.get(after.sku) ?? {}, after, movers, this.ctx.correlationId);
  }

  private locationCell(sku: string, locationId: string, anyField = false) {
    const doc = this.inventory(sku);
    if (!anyField && doc.shards[locationId])
      throw new Error(`${sku} is sharded at ${locationId}: onHand/reserved change on a shard`);
    this.dirtyDocs.add(sku);
    return (doc.locations[locationId] ??= emptyLocationStock());
  }

  private shardCell(m: Movement, index: number) {
    const key = shardKey({ sku: m.sku, locationId: m.locationId, index });
    const doc = this.shards.get(key);
    if (!doc) throw new Error(`shard ${key} was not loaded or does not exist`);
    this.dirtyShards.add(key);
    return doc;
  }
}
