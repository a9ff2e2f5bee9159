/**
 * One round of group commit for reservations: the carts queued on one function instance for the
 * same SKUs, decided together in arrival order, each all or nothing, and committed in one
 * transaction with every reservation, ledger entry and idempotency record they make.
 *
 * 1. Read the picture (stock-picture.ts) outside any transaction.
 * 2. Answer what it decides: retries of calls already made (their stored answer), unknown SKUs, and
 *    carts it cannot serve even on their own (out of stock, from a read taken during the call).
 * 3. Plan the hot SKUs' lines on it and pick the shards with the units planned.
 * 4. In one transaction, read those shards and the ordinary SKUs' documents, and serve the carts in
 *    order from what that read shows. An ordinary SKU's document is the whole truth, so a cart it
 *    cannot serve after the carts before it is refused; a hot SKU's line takes from the picked
 *    shards only, so one they fall short for goes to the next round instead ("again").
 *
 * One cart's refusal never touches another: it is decided alone and leaves the counters as they
 * were. A commit holds at most 500 writes; carts past that wait for the next round.
 */
import { Timestamp } from 'firebase-admin/firestore';
import type {
  Allocation,
  InventoryDoc,
  ReservationDoc,
  ReservationView,
  ReserveStockRequest,
  ShopperKind,
} from '@hearth/contracts';
import { allocateLine, type LineAllocation, type Source } from './allocate';
import type { Deps } from './deps';
import { notFound, outOfStock } from './errors';
import type { Outcome, Settled } from './group-commit';
import { idempotencyRecord, replay } from './idempotency';
import { idempotencyRef, reservationRef } from './paths';
import { CustomerLimits } from './customer-limits';
import type { BundleLineOf } from './bundle-cart';
import { sellable, sellableOnShard } from './safety-stock';
import { availableAt, isHot, type Picture, readPicture } from './stock-picture';
import { type OpContext, type ShardKey, StockTx } from './stock-tx';
import { reservationCreated } from './outbox-events';
import {
  type Arrival,
  backorderLine,
  backorderRef,
  expiryOfPromise,
  mayBackorder,
  promisedAt,
  queueEntry,
  readArrivals,
} from './backorders';
import { runInTransaction } from '../platform/transaction';

/** Firestore's limit on the writes of one commit. */
export const MAX_WRITES_PER_COMMIT = 500;
/**
 * Batches a hot SKU may run at once on one instance, each on its own shards. More lanes plan the
 * same stock twice (their pictures overlap) and send more carts round again: in the flash-sale
 * benchmark at 10 ms, 16 shards, 1 lane took 9-10 s, 2 lanes 6.5 s and 8 lanes 13.6 s on a loaded
 * machine.
 */
const MAX_LANES = 2;

/** One call of reserveStock, as the queue holds it. */
export interface Cart {
  uid: string;
  req: ReserveStockRequest;
  /** Derived from (callable, caller, key): names the reservation, its ledger entries and its record. */
  opId: string;
  recordId: string;
  requestHash: string;
  /** Who the hold is for and how long it lasts (hold-policy.ts); the batch's holdMs when absent. */
  shopper?: ShopperKind;
  holdMs?: number;
  /** The bundle each line belongs to, by SKU (bundle-cart.ts: `req.lines` has the bundles' SKUs in it). */
  bundles?: Map<string, BundleLineOf>;
}

/** Shards a running batch of this instance has picked: others pick different ones while they can. */
export type BusyShards = Set<string>;

type CartOutcome = Outcome<ReservationView>;

/** A hot SKU's line, planned on the picture: units per location. */
interface HotPlan {
  sku: string;
  allocations: { locationId: string; qty: number }[];
}

/** A cart that goes to the transaction, and what it plans for its hot lines. */
interface Candidate {
  index: number;
  hot: Map<string, HotPlan>;
}

interface Take {
  sku: string;
  locationId: string;
  shard: number | null;
  qty: number;
  /** Units beyond stock, owed to the cart (backorders.ts), not taken from any counter of stock. */
  owed?: boolean;
}

const done = (value: ReservationView): CartOutcome => ({ kind: 'done', value });
const failed = (error: unknown): CartOutcome => ({ kind: 'failed', error });
const again = (why: string): CartOutcome => ({ kind: 'again', why });

export async function reserveBatch(
  deps: Deps,
  carts: Cart[],
  busy: BusyShards,
  holdMs: number,
): Promise<Settled<ReservationView>> {
  const outcomes: (CartOutcome | undefined)[] = new Array(carts.length);
  const skus = [...new Set(carts.flatMap((c) => c.req.lines.map((l) => l.sku)))].sort();
  const picture = await readPicture(deps, skus, [...new Set(carts.map((c) => c.recordId))]);
  const arrivals = carts.some((c) => c.req.allowBackorder)
    ? await readArrivals(deps, [...picture.docs.values()])
    : new Map<string, Arrival[]>();
  const firsts = answerRepeats(carts, picture, outcomes);
  const candidates = planOnPicture(picture, carts, firsts, outcomes);
  const picked = pickShards(picture, candidates, busy);
  try {
    if (candidates.length > 0)
      await commit(deps, { picture, carts, candidates, picked, holdMs, arrivals }, outcomes);
  } finally {
    for (const k of picked) busy.delete(shardPath(k));
  }
  // A call that repeats another of the same batch (same caller, same key) shares its outcome.
  carts.forEach((cart, i) => {
    const first = firsts.get(cart.opId)!;
    if (first !== i && outcomes[i] === undefined) outcomes[i] = outcomes[first];
  });
  return { outcomes: outcomes.map((o) => o ?? again('not decided')), lanes: lanesFor(picture) };
}

/**
 * Retries and repeats: a call whose record exists gets the stored answer (or is refused, if the key
 * came with another request); of several calls with one key in the batch only the first runs, those
 * with the same request share its outcome and the others wait for the next round, which finds the
 * record (or, if the first was refused, runs them). Returns the index of each key's first call.
 */
function answerRepeats(
  carts: Cart[],
  picture: Picture,
  outcomes: (CartOutcome | undefined)[],
): Map<string, number> {
  const firsts = new Map<string, number>();
  carts.forEach((cart, i) => {
    const record = picture.records.get(cart.recordId);
    if (record !== undefined) {
      try {
        outcomes[i] = done(replay<ReservationView>(record, cart.requestHash));
      } catch (error) {
        outcomes[i] = failed(error);
      }
      return;
    }
    const first = firsts.get(cart.opId);
    if (first === undefined) firsts.set(cart.opId, i);
    else if (carts[first]!.requestHash !== cart.requestHash)
      outcomes[i] = again('its key is in use by another request in this batch');
  });
  return firsts;
}

/** Sources of a line: each known location of the SKU, holding what `available` says less its safety stock. */
function sourcesOf(picture: Picture, doc: InventoryDoc, available: (locationId: string) => number): Source[] {
  const sources: Source[] = [];
  for (const locationId of Object.keys(doc.locations)) {
    const location = picture.locations.get(locationId);
    if (location) sources.push({ location, available: sellable(doc, locationId, available(locationId)) });
  }
  return sources;
}

/**
 * Step 2 and 3: refuses what the picture refuses, plans the hot lines of the rest in arrival order
 * (a cart whose hot line the carts before it have exhausted waits for the next round) and returns
 * the carts that go to the transaction.
 */
function planOnPicture(
  picture: Picture,
  carts: Cart[],
  firsts: Map<string, number>,
  outcomes: (CartOutcome | undefined)[],
): Candidate[] {
  const left = new Map<string, number>();
  const remaining = (doc: InventoryDoc, locationId: string) =>
    left.get(`${doc.sku}|${locationId}`) ?? availableAt(picture, doc, locationId);
  const candidates: Candidate[] = [];
  for (const index of firsts.values()) {
    if (outcomes[index] !== undefined) continue;
    const { req } = carts[index]!;
    const unknown = req.lines.find((l) => !picture.docs.has(l.sku));
    if (unknown) {
      outcomes[index] = failed(notFound('sku', unknown.sku));
      continue;
    }
    const refusal = refusalOnPicture(picture, req);
    if (refusal) {
      outcomes[index] = failed(refusal);
      continue;
    }
    const hot = new Map<string, HotPlan>();
    for (const line of req.lines) {
      const doc = picture.docs.get(line.sku)!;
      if (!isHot(doc)) continue;
      const plan = allocateLine(
        line.qty,
        sourcesOf(picture, doc, (loc) => remaining(doc, loc)),
        req,
      );
      if (!plan.ok) break;
      hot.set(line.sku, { sku: line.sku, allocations: plan.allocations });
    }
    if (hot.size < req.lines.filter((l) => isHot(picture.docs.get(l.sku)!)).length) {
      outcomes[index] = again('the stock it needs was planned for earlier carts');
      continue;
    }
    for (const plan of hot.values())
      for (const a of plan.allocations) {
        const doc = picture.docs.get(plan.sku)!;
        left.set(`${plan.sku}|${a.locationId}`, remaining(doc, a.locationId) - a.qty);
      }
    candidates.push({ index, hot });
  }
  return candidates;
}

/** The refusal of a cart that the picture cannot serve even alone, if it is one. */
function refusalOnPicture(picture: Picture, req: ReserveStockRequest): Error | null {
  for (const line of req.lines) {
    if (picture.changing.has(line.sku)) continue;
    const doc = picture.docs.get(line.sku)!;
    // Whether the limit has room for what the stock lacks is the transaction's to say.
    if (mayBackorder(doc, req)) continue;
    const plan = allocateLine(
      line.qty,
      sourcesOf(picture, doc, (loc) => availableAt(picture, doc, loc)),
      req,
    );
    if (!plan.ok) return refusalOf(line.sku, line.qty, plan);
  }
  return null;
}

const refusalOf = (sku: string, qty: number, plan: Extract<LineAllocation, { ok: false }>) =>
  outOfStock(sku, qty, plan.available, plan.total);

const shardPath = (k: ShardKey) => `${k.sku}/${k.locationId}_${k.index}`;

/**
 * The shards each hot location's planned units come from: those with stock in the picture, the ones
 * no other batch of this instance has picked first, in random order (so concurrent batches, here and
 * on other instances, mostly lock different shards), until they hold the units.
 */
function pickShards(picture: Picture, candidates: Candidate[], busy: BusyShards): ShardKey[] {
  const demand = new Map<string, { sku: string; locationId: string; qty: number }>();
  for (const c of candidates)
    for (const plan of c.hot.values())
      for (const a of plan.allocations) {
        if (!picture.shards.get(plan.sku)?.has(a.locationId)) continue;
        const key = `${plan.sku}|${a.locationId}`;
        const d = demand.get(key) ?? { sku: plan.sku, locationId: a.locationId, qty: 0 };
        d.qty += a.qty;
        demand.set(key, d);
      }
  const picked: ShardKey[] = [];
  for (const { sku, locationId, qty } of demand.values()) {
    const stock = [...picture.shards.get(sku)!.get(locationId)!];
    shuffle(stock);
    const free = (index: number) => !busy.has(shardPath({ sku, locationId, index }));
    stock.sort(([a], [b]) => Number(free(b)) - Number(free(a)));
    const doc = picture.docs.get(sku)!;
    let covered = 0;
    for (const [index, n] of stock) {
      const available = sellableOnShard(doc, locationId, index, n);
      if (available === 0) continue;
      if (covered >= qty) break;
      const key = { sku, locationId, index };
      picked.push(key);
      busy.add(shardPath(key));
      covered += available;
    }
  }
  return picked;
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/** A hot SKU runs a batch per shard (up to MAX_LANES) at once; anything else one at a time. */
function lanesFor(picture: Picture): number {
  let lanes = 1;
  for (const doc of picture.docs.values())
    for (const count of Object.values(doc.shards)) lanes = Math.max(lanes, Math.min(MAX_LANES, count));
  return lanes;
}

const isAlreadyExists = (err: unknown) => (err as { code?: unknown } | null)?.code === 6;

/** Step 4: the transaction. Outcomes are set only once it has committed. */
async function commit(deps: Deps, round: Round, outcomes: (CartOutcome | undefined)[]): Promise<void> {
  const { carts, candidates, picked } = round;
  let decided: Map<number, CartOutcome>;
  try {
    decided = await runInTransaction(deps, 'reserve stock', (tx) =>
      decide(deps, new StockTx(tx, deps, contextOf(carts[candidates[0]!.index]!)), round),
    );
  } catch (err) {
    // Another instance created a record or reservation of this batch first (the same call sent
    // twice): nothing was written; the next round finds the record and answers from it.
    if (!isAlreadyExists(err)) throw err;
    for (const c of candidates) outcomes[c.index] = again('a repeat of one of its calls committed first');
    return;
  }
  for (const [index, outcome] of decided) outcomes[index] = outcome;
  for (const sku of new Set(picked.map((k) => k.sku))) deps.refresher?.request(sku);
}

const contextOf = (cart: Cart): OpContext => ({
  actor: { uid: cart.uid, role: 'customer' },
  correlationId: cart.opId,
  idempotencyKey: cart.req.idempotencyKey,
  opId: cart.opId,
});

interface Round {
  picture: Picture;
  carts: Cart[];
  candidates: Candidate[];
  picked: ShardKey[];
  holdMs: number;
  /** Open purchase orders' units by SKU, for the promised date of a backordered line. */
  arrivals: Map<string, Arrival[]>;
}

/** Inside the transaction: one read, then each candidate served, refused or sent to the next round. */
async function decide(deps: Deps, st: StockTx, round: Round): Promise<Map<number, CartOutcome>> {
  const { picture, carts, candidates, picked } = round;
  const docSkus = new Set<string>();
  for (const c of candidates)
    for (const line of carts[c.index]!.req.lines) {
      const plan = c.hot.get(line.sku);
      if (!plan || plan.allocations.some((a) => !picture.shards.get(line.sku)?.has(a.locationId)))
        docSkus.add(line.sku);
    }
  const [loaded, limits] = await Promise.all([
    st.load([...docSkus], picked),
    CustomerLimits.read(
      deps,
      st.tx,
      candidates.map((c) => ({ uid: carts[c.index]!.uid, lines: carts[c.index]!.req.lines })),
      (sku) => picture.docs.get(sku),
    ),
  ]);
  const missing = new Set(loaded);
  const allowances = new Map<number, ReturnType<CustomerLimits['charge']>>();
  const decided = new Map<number, CartOutcome>();
  const served: Served[] = [];
  const now = deps.clock.now().getTime();
  let writes = 0;
  for (const c of candidates) {
    const cart = carts[c.index]!;
    const verdict = serve(picture, st, cart, c, picked, missing);
    if (!Array.isArray(verdict)) {
      decided.set(c.index, verdict);
      continue;
    }
    const capped = { uid: cart.uid, lines: cart.req.lines };
    const overCap = limits.refusalOf(capped);
    if (overCap) {
      decided.set(c.index, failed(overCap));
      continue;
    }
    // The reservation, its record and its outbox event; per take a ledger entry, and the counters
    // it dirties first with their stock events (at most two per location: changed, and out/low/back).
    const owed = verdict.flat().filter((t) => t.owed);
    const cost = 3 + 4 * verdict.flat().length + owed.length + limits.writesFor(capped);
    if (st.pendingWrites() + writes + cost > MAX_WRITES_PER_COMMIT) {
      decided.set(c.index, again('the commit is full'));
      continue;
    }
    writes += 3 + owed.length + limits.writesFor(capped);
    allowances.set(c.index, limits.charge(capped));
    const ctx = contextOf(cart);
    for (const { owed: beyond, ...take } of verdict.flat())
      st.apply(
        { kind: beyond ? 'backorder' : 'reserve', reason: beyond ? 'backorder' : 'cart hold', ...take },
        ctx,
      );
    served.push({ index: c.index, cart, takes: verdict, promised: promiseOf(st, round, owed, now) });
  }
  deps.checkpoint?.('reserveStock:before-write');
  for (const [seq, s] of served.entries())
    decided.set(s.index, done(writeHold(deps, st, round, s, allowances.get(s.index), now, seq)));
  st.write();
  limits.write();
  return decided;
}

interface Served {
  index: number;
  cart: Cart;
  takes: Take[][];
  /** When its owed units are promised; null when it owes none. */
  promised: number | null;
}

/** A served cart's reservation, its queue entries (if it is owed units), outbox event and record. */
function writeHold(
  deps: Deps,
  st: StockTx,
  round: Round,
  { cart, takes, promised }: Served,
  allowance: ReservationDoc['allowance'],
  now: number,
  /** Its place among the holds of this commit: the queue's order within one millisecond. */
  position: number,
): ReservationView {
  const reservation = reservationOf(round.picture, cart, takes, now, round.holdMs, allowance, promised);
  const view = toView(cart.opId, reservation);
  st.tx.create(reservationRef(deps.db, cart.opId), reservation);
  for (const line of reservation.lines)
    if ((line.owed ?? 0) > 0)
      st.tx.create(
        backorderRef(deps.db, cart.opId, line.sku),
        queueEntry(cart.opId, reservation, line, now * 1000 + position),
      );
  st.emit(reservationCreated(cart.opId, reservation), contextOf(cart));
  st.tx.create(
    idempotencyRef(deps.db, cart.recordId),
    idempotencyRecord({ scope: 'reserveStock', uid: cart.uid }, cart.requestHash, view, now),
  );
  return view;
}

/**
 * What one cart takes, line by line (all or nothing: nothing is applied here), or its outcome if it
 * cannot be served from what the transaction read.
 */
function serve(
  picture: Picture,
  st: StockTx,
  cart: Cart,
  candidate: Candidate,
  picked: ShardKey[],
  missing: Set<string>,
): Take[][] | CartOutcome {
  const takes: Take[][] = [];
  for (const line of cart.req.lines) {
    if (missing.has(line.sku)) return failed(notFound('sku', line.sku));
    const plan = candidate.hot.get(line.sku);
    const lineTakes = plan
      ? takeAsPlanned(st, picture.docs.get(line.sku)!, plan, picked)
      : takeExactly(picture, st, cart.req, line);
    if (!Array.isArray(lineTakes)) return lineTakes;
    takes.push(lineTakes);
  }
  return takes;
}

/** An ordinary SKU's line, allocated on its document as read in this transaction. */
function takeExactly(
  picture: Picture,
  st: StockTx,
  req: ReserveStockRequest,
  line: { sku: string; qty: number },
): Take[] | CartOutcome {
  const doc = st.inventory(line.sku);
  // Sharded since the picture: its shards were not read here, so this read cannot refuse.
  const plan = allocateLine(
    line.qty,
    sourcesOf(picture, doc, (loc) => (doc.shards[loc] ? 0 : (doc.locations[loc]?.available ?? 0))),
    req,
  );
  if (plan.ok) return plan.allocations.map((a) => ({ sku: line.sku, ...a, shard: null }));
  if (isHot(doc)) return again(`${line.sku} was sharded meanwhile`);
  if (mayBackorder(doc, req)) {
    const forSale = (loc: string) => sellable(doc, loc, doc.locations[loc]?.available ?? 0);
    const beyond = backorderLine(doc, line.qty, forSale(doc.backorder!.locationId));
    if (beyond instanceof Error) return failed(beyond);
    const { locationId, take, owe } = beyond;
    return [
      ...(take > 0 ? [{ sku: line.sku, locationId, shard: null, qty: take }] : []),
      { sku: line.sku, locationId, shard: null, qty: owe, owed: true },
    ];
  }
  return failed(refusalOf(line.sku, line.qty, plan));
}

/**
 * When a cart's owed units are promised: the latest of its lines' promises, each counting every
 * unit owed before it at that location (applied just now, so the earlier carts of this batch too).
 */
function promiseOf(st: StockTx, round: Round, owed: Take[], now: number): number | null {
  if (owed.length === 0) return null;
  return Math.max(
    ...owed.map((t) => {
      const doc = st.inventory(t.sku);
      const owedThrough = doc.locations[t.locationId]!.backordered;
      return promisedAt(doc, round.arrivals.get(t.sku) ?? [], owedThrough, now);
    }),
  );
}

/** A hot SKU's line, from the shards picked for it (and unsharded locations' counters), as planned. */
function takeAsPlanned(
  st: StockTx,
  doc: InventoryDoc,
  plan: HotPlan,
  picked: ShardKey[],
): Take[] | CartOutcome {
  const takes: Take[] = [];
  for (const { locationId, qty } of plan.allocations) {
    const shards = picked.filter((k) => k.sku === plan.sku && k.locationId === locationId);
    if (shards.length === 0) {
      const current = st.inventory(plan.sku);
      const here = current.locations[locationId]?.available ?? 0;
      if (current.shards[locationId] || sellable(current, locationId, here) < qty)
        return again(`${plan.sku} at ${locationId} changed since it was planned`);
      takes.push({ sku: plan.sku, locationId, shard: null, qty });
      continue;
    }
    let left = qty;
    for (const key of shards) {
      const take = Math.min(left, sellableOnShard(doc, locationId, key.index, st.shard(key)?.available ?? 0));
      if (take === 0) continue;
      takes.push({ sku: plan.sku, locationId, shard: key.index, qty: take });
      left -= take;
      if (left === 0) break;
    }
    if (left > 0) return again(`the shards picked for ${plan.sku} at ${locationId} held less than planned`);
  }
  return takes;
}

function reservationOf(
  picture: Picture,
  cart: Cart,
  takes: Take[][],
  now: number,
  holdMs: number,
  allowance: ReservationDoc['allowance'],
  promised: number | null,
): ReservationDoc {
  const owedAt = takes.flat().find((t) => t.owed)?.locationId;
  return {
    customerId: cart.uid,
    status: 'held',
    lines: cart.req.lines.map((line, i) => {
      const owed = takes[i]!.filter((t) => t.owed).reduce((sum, t) => sum + t.qty, 0);
      return {
        sku: line.sku,
        productId: picture.docs.get(line.sku)!.productId,
        qty: line.qty,
        allocations: takes[i]!.filter((t) => !t.owed).map((t): Allocation => ({
          locationId: t.locationId,
          shard: t.shard,
          qty: t.qty,
        })),
        ...cart.bundles?.get(line.sku),
        ...(owed > 0 ? { owed } : {}),
      };
    }),
    createdAt: Timestamp.fromMillis(now),
    // A backorder waits for its units (and a while past their promise), not for a shopper's minutes.
    expiresAt: Timestamp.fromMillis(
      promised === null ? now + (cart.holdMs ?? holdMs) : expiryOfPromise(promised),
    ),
    ...(promised !== null && owedAt
      ? { backorder: { locationId: owedAt, promisedAt: Timestamp.fromMillis(promised), filledAt: null } }
      : {}),
    closedAt: null,
    orderId: null,
    ...(cart.req.pickup ? { pickup: pickupWithReadyDate(picture, cart.req.pickup, takes.flat(), now) } : {}),
    ...(allowance ? { allowance } : {}),
    ...(cart.shopper ? { shopper: cart.shopper } : {}),
  };
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * A pickup is ready once its slowest unit has travelled to the store: units at the store are ready
 * now, units elsewhere after their location's lead time (the transfer into the store).
 */
function pickupWithReadyDate(
  picture: Picture,
  pickup: { locationId: string; allowTransfer: boolean },
  takes: Take[],
  now: number,
): NonNullable<ReservationDoc['pickup']> {
  const days = Math.max(
    0,
    ...takes
      .filter((t) => t.locationId !== pickup.locationId)
      .map((t) => picture.locations.get(t.locationId)?.leadTimeDays ?? 0),
  );
  return { ...pickup, readyFrom: Timestamp.fromMillis(now + days * DAY_MS) };
}

export function toView(reservationId: string, r: ReservationDoc): ReservationView {
  return {
    reservationId,
    status: r.status,
    expiresAt: new Date(r.expiresAt.toMillis()).toISOString(),
    lines: r.lines.map((l) => ({
      sku: l.sku,
      qty: l.qty,
      allocations: perLocation(l.allocations),
      ...(l.bundleId ? { bundleId: l.bundleId } : {}),
      ...(l.owed !== undefined ? { owed: l.owed } : {}),
    })),
    ...(r.backorder
      ? {
          backorder: {
            locationId: r.backorder.locationId,
            promisedAt: new Date(r.backorder.promisedAt.toMillis()).toISOString(),
            filledAt: r.backorder.filledAt ? new Date(r.backorder.filledAt.toMillis()).toISOString() : null,
          },
        }
      : {}),
    ...(r.extendedAt ? { extended: true } : {}),
    ...(r.pickup?.readyFrom
      ? {
          pickup: {
            locationId: r.pickup.locationId,
            readyFrom: new Date(r.pickup.readyFrom.toMillis()).toISOString(),
          },
        }
      : {}),
  };
}

/** What the customer sees: units per location (shards are how a location keeps them, not theirs). */
function perLocation(allocations: Allocation[]): { locationId: string; qty: number }[] {
  const byLocation = new Map<string, number>();
  for (const a of allocations) byLocation.set(a.locationId, (byLocation.get(a.locationId) ?? 0) + a.qty);
  return [...byLocation].map(([locationId, qty]) => ({ locationId, qty }));
}
