/** What release, expiry and checkout share: reading a reservation and settling its allocations. */
import type { DocumentSnapshot } from 'firebase-admin/firestore';
import { ReservationDoc } from '@hearth/contracts';
import { InventoryError, notFound, precondition } from './errors';
import type { StockTx } from './stock-tx';

/** Who acts on a reservation: its customer, or staff on their behalf. */
export interface Caller {
  uid: string;
  staff: boolean;
}

export function readReservation(snap: DocumentSnapshot, caller?: Caller): ReservationDoc {
  if (!snap.exists) throw notFound('reservation', snap.id);
  const res = ReservationDoc.parse(snap.data());
  if (caller && !caller.staff && res.customerId !== caller.uid)
    throw new InventoryError('permission-denied', `Reservation ${snap.id} belongs to another customer`, {
      reservationId: snap.id,
    });
  return res;
}

/** Fails unless the reservation still holds its stock. */
export function assertHeld(id: string, res: ReservationDoc, now: Date): void {
  if (res.status !== 'held')
    throw precondition(`reservation_${res.status}`, `Reservation ${id} is ${res.status.replace('_', ' ')}`);
  if (res.expiresAt.toMillis() <= now.getTime())
    throw precondition(
      'reservation_expired',
      `Reservation ${id} expired at ${new Date(res.expiresAt.toMillis()).toISOString()}; reserve the items again`,
    );
}

/**
 * Applies `kind` to every unit the reservation holds. Allocations made before their location was
 * sharded (shard null) sit in shard 0, where sharding put the location's reserved units. Units it is
 * still owed (a backorder) are dropped when it is released or expires; a sale never has any
 * (checkout refuses while units are owed).
 */
export async function settleAllocations(
  st: StockTx,
  res: ReservationDoc,
  kind: 'release' | 'expire' | 'sale',
  reason: string,
): Promise<void> {
  const owed = res.lines.filter((l) => (l.owed ?? 0) > 0);
  await st.loadInventory(
    res.lines
      .filter((l) => (l.owed ?? 0) > 0 || l.allocations.some((a) => a.shard === null))
      .map((l) => l.sku),
  );
  const moves = res.lines.flatMap((line) =>
    line.allocations.map((a) => ({
      sku: line.sku,
      locationId: a.locationId,
      qty: a.qty,
      shard: a.shard ?? (st.inventory(line.sku).shards[a.locationId] ? 0 : null),
    })),
  );
  await st.loadShards(
    moves.flatMap((m) =>
      m.shard === null ? [] : [{ sku: m.sku, locationId: m.locationId, index: m.shard }],
    ),
  );
  for (const m of moves) st.apply({ kind, reason, ...m });
  if (kind === 'sale') return;
  for (const line of owed)
    st.apply({
      kind: 'backorder_release',
      reason,
      sku: line.sku,
      locationId: res.backorder!.locationId,
      shard: null,
      qty: line.owed!,
    });
}
