/**
 * Limits for drops: a SKU's cap on the units one customer holds or buys per period
 * (inventory/{sku}.purchaseLimit) and the store's cap on the holds one customer keeps at once
 * (MAX_HOLDS_PER_CUSTOMER). Both are counted in one document per customer, allowances/{uid},
 * which the reservation's own transaction reads and writes: carts of one customer in the same
 * batch are counted one after another against the same in-memory copy, and carts in other batches
 * or on other instances conflict on that document, so the transaction serialises them and the cap
 * holds under any interleaving.
 *
 * Only carts that touch a cap read the document (a limited SKU, or holds capped at all), so a
 * store without limits pays nothing on the hot path; with them, one read per customer per batch
 * and one write per customer per batch.
 *
 * What comes back: a release, an expiry or a cancellation gives its units back (the customer never
 * got them; a drop caps what a customer gets, and a hold that lapses got nothing). A checkout keeps
 * them used and frees its hold. A return does not give them back: the customer had the goods, and a
 * return must not reopen the drop for the same customer (a reseller could buy, return and buy again).
 */
import { Timestamp } from 'firebase-admin/firestore';
import {
  AllowanceDoc,
  type InventoryDoc,
  type LimitRefusalDetails,
  type PurchaseLimit,
  ReservationAllowance,
  type ReservationDoc,
} from '@hearth/contracts';
import { countReads, settingsOf } from '../platform/deps';
import type { Tx } from '../platform/transaction';
import type { Deps } from './deps';
import { InventoryError } from './errors';

export const allowanceRef = (deps: Deps, uid: string) => deps.db.collection('allowances').doc(uid);

/** The start of the window `now` falls in: fixed windows from the epoch, or one window (0) with no period. */
export function windowStartOf(limit: PurchaseLimit, nowMs: number): number {
  if (limit.periodHours === null) return 0;
  const period = limit.periodHours * 3_600_000;
  return Math.floor(nowMs / period) * period;
}

const emptyAllowance = (uid: string, now: Date): AllowanceDoc => ({
  uid,
  holds: 0,
  skus: {},
  updatedAt: Timestamp.fromDate(now),
});

function parseAllowance(uid: string, data: unknown, now: Date): AllowanceDoc {
  return data === undefined ? emptyAllowance(uid, now) : AllowanceDoc.parse(data);
}

/** Units of `sku` the customer has used in the window starting at `windowStartMs`. */
function usedIn(allowance: AllowanceDoc, sku: string, windowStartMs: number): number {
  const use = allowance.skus[sku];
  return use && use.windowStartMs === windowStartMs ? use.units : 0;
}

function refusal(message: string, details: LimitRefusalDetails): InventoryError {
  return new InventoryError('failed-precondition', message, details);
}

interface LimitedLine {
  sku: string;
  qty: number;
  limit: PurchaseLimit;
}

/** A cart as the caps see it: its customer and its lines of limited SKUs. */
export interface CappedCart {
  uid: string;
  lines: { sku: string; qty: number }[];
}

/**
 * The caps of one batch, inside its transaction: `read` before any write, then `charge` each cart
 * in the order the batch serves them, then `write` once.
 */
export class CustomerLimits {
  private readonly dirty = new Set<string>();

  private constructor(
    private readonly deps: Deps,
    private readonly tx: Tx,
    private readonly maxHolds: number,
    private readonly limitOf: (sku: string) => PurchaseLimit | null,
    private readonly allowances: Map<string, AllowanceDoc>,
    private readonly now: Date,
  ) {}

  /**
   * Reads the allowance of every customer of `carts` whose cart touches a cap; `docOf` gives each
   * SKU's availability document as the batch planned on it (where its limit is set).
   */
  static async read(
    deps: Deps,
    tx: Tx,
    carts: CappedCart[],
    docOf: (sku: string) => InventoryDoc | undefined,
  ): Promise<CustomerLimits> {
    const maxHolds = settingsOf(deps).maxHoldsPerCustomer;
    const limitOf = (sku: string) => docOf(sku)?.purchaseLimit ?? null;
    const now = deps.clock.now();
    const uids = [
      ...new Set(carts.filter((c) => maxHolds > 0 || c.lines.some((l) => limitOf(l.sku))).map((c) => c.uid)),
    ];
    const snaps = await tx.getAll(uids.map((uid) => allowanceRef(deps, uid)));
    const allowances = new Map(
      uids.map((uid) => [uid, parseAllowance(uid, snaps.get(allowanceRef(deps, uid).path)?.data(), now)]),
    );
    return new CustomerLimits(deps, tx, maxHolds, limitOf, allowances, now);
  }

  private limitedLines(cart: CappedCart): LimitedLine[] {
    return cart.lines.flatMap((l) => {
      const limit = this.limitOf(l.sku);
      return limit ? [{ ...l, limit }] : [];
    });
  }

  /** The refusal of a cart that would take its customer past a cap, given the carts charged before it. */
  refusalOf(cart: CappedCart): InventoryError | null {
    const allowance = this.allowances.get(cart.uid);
    if (!allowance) return null;
    if (this.maxHolds > 0 && allowance.holds >= this.maxHolds)
      return refusal(
        `You already hold ${allowance.holds} carts, the most one customer may hold at once (${this.maxHolds}); check out or release one first`,
        { reason: 'too_many_holds', limit: this.maxHolds, used: allowance.holds },
      );
    const nowMs = this.now.getTime();
    for (const { sku, qty, limit } of this.limitedLines(cart)) {
      const used = usedIn(allowance, sku, windowStartOf(limit, nowMs));
      if (used + qty > limit.units) {
        const per = limit.periodHours === null ? '' : ` every ${limit.periodHours} hours`;
        return refusal(
          `${sku} is limited to ${limit.units} per customer${per}; you have ${used} held or bought, so ${Math.max(0, limit.units - used)} more at most (${qty} asked for)`,
          {
            reason: 'purchase_limit',
            sku,
            limit: limit.units,
            used,
            requested: qty,
            periodHours: limit.periodHours,
          },
        );
      }
    }
    return null;
  }

  /** Writes a charge would add to the commit: its customer's allowance, unless already written. */
  writesFor(cart: CappedCart): number {
    return this.allowances.has(cart.uid) && !this.dirty.has(cart.uid) ? 1 : 0;
  }

  /** Counts the cart against its customer's caps; returns what to record on its reservation. */
  charge(cart: CappedCart): ReservationAllowance | undefined {
    const allowance = this.allowances.get(cart.uid);
    if (!allowance) return undefined;
    const nowMs = this.now.getTime();
    const hold = this.maxHolds > 0;
    if (hold) allowance.holds += 1;
    const skus = this.limitedLines(cart).map(({ sku, qty, limit }) => {
      const windowStartMs = windowStartOf(limit, nowMs);
      allowance.skus[sku] = { windowStartMs, units: usedIn(allowance, sku, windowStartMs) + qty };
      return { sku, qty, windowStartMs };
    });
    this.dirty.add(cart.uid);
    return { hold, skus };
  }

  /** Writes every allowance a charge changed. */
  write(): void {
    for (const uid of this.dirty) {
      const allowance = this.allowances.get(uid)!;
      allowance.updatedAt = Timestamp.fromDate(this.now);
      this.tx.set(allowanceRef(this.deps, uid), allowance);
    }
  }
}

/**
 * Gives back what a reservation took from its customer's caps, in the caller's transaction: its
 * hold (`hold`), and `units` of each SKU (all it took when omitted). Units are given back only in
 * the window they were taken in: a later window starts from zero anyway. Does nothing for a
 * reservation that took nothing. Reads before it writes: call it after the transaction's other
 * reads and before its writes.
 */
export async function giveBack(
  deps: Deps,
  tx: Tx,
  reservation: Pick<ReservationDoc, 'customerId' | 'allowance'>,
  what: { hold: boolean; units: 'all' | 'none' | { sku: string; qty: number }[] },
): Promise<void> {
  const taken = reservation.allowance;
  if (!taken) return;
  const back = new Map<string, number>();
  if (what.units === 'all') for (const t of taken.skus) back.set(t.sku, t.qty);
  else if (what.units !== 'none')
    for (const u of what.units) {
      const t = taken.skus.find((s) => s.sku === u.sku);
      if (t) back.set(u.sku, Math.min(t.qty, u.qty));
    }
  const hold = what.hold && taken.hold;
  if (!hold && back.size === 0) return;
  const ref = allowanceRef(deps, reservation.customerId);
  const now = deps.clock.now();
  const allowance = parseAllowance(reservation.customerId, (await tx.get(ref)).data(), now);
  if (hold) allowance.holds = Math.max(0, allowance.holds - 1);
  for (const t of taken.skus) {
    const use = allowance.skus[t.sku];
    const qty = back.get(t.sku) ?? 0;
    if (!use || use.windowStartMs !== t.windowStartMs || qty === 0) continue;
    use.units = Math.max(0, use.units - qty);
  }
  allowance.updatedAt = Timestamp.fromDate(now);
  tx.set(ref, allowance);
}

/** What a reservation read from the store says it took (for code that holds the raw document). */
export const allowanceOf = (data: unknown): ReservationAllowance | undefined => {
  const parsed = ReservationAllowance.safeParse((data as { allowance?: unknown } | null)?.allowance);
  return parsed.success ? parsed.data : undefined;
};

/**
 * Cancelled units of an order come back to its customer's caps (the hold was freed at checkout).
 * What the reservation took never changes once it is written, so it is read without a lock; the
 * allowance itself is read and written in the cancellation's transaction.
 */
export async function giveBackCancelled(
  deps: Deps,
  tx: Tx,
  reservationId: string,
  units: { sku: string; qty: number }[],
): Promise<void> {
  if (units.length === 0) return;
  const snap = await deps.db.collection('reservations').doc(reservationId).get();
  countReads(deps, 1);
  const allowance = allowanceOf(snap.data());
  const customerId = (snap.data() as { customerId?: unknown } | undefined)?.customerId;
  if (!allowance || typeof customerId !== 'string') return;
  await giveBack(deps, tx, { customerId, allowance }, { hold: false, units });
}
