/**
 * What each kind of stock movement does to the counters. The single definition used both to apply
 * a movement and to replay the ledger, so the two cannot disagree.
 */
import type { Counters, LedgerKind } from '@hearth/contracts';

export interface Movement {
  kind: LedgerKind;
  sku: string;
  locationId: string;
  /** transfer_out only. */
  toLocationId?: string | null;
  /** The shard the units sit in, for sharded locations; null otherwise. */
  shard: number | null;
  /** Positive, except for `adjust` where the sign says which way. */
  qty: number;
  reason: string;
}

export interface Effect {
  locationId: string;
  delta: Partial<Counters>;
  /** Whether the effect falls on the movement's shard (or on the location as a whole). */
  onShard: boolean;
}

export function effectsOf(m: Pick<Movement, 'kind' | 'locationId' | 'toLocationId' | 'qty'>): Effect[] {
  const at = (delta: Partial<Counters>): Effect => ({ locationId: m.locationId, delta, onShard: true });
  const q = m.qty;
  switch (m.kind) {
    case 'reserve':
      return [at({ reserved: q })];
    case 'release':
    case 'expire':
      return [at({ reserved: -q })];
    case 'sale':
      return [at({ onHand: -q, reserved: -q })];
    case 'return':
    case 'restock':
    case 'adjust':
      return [at({ onHand: q })];
    case 'damaged':
      return [at({ damaged: q })];
    case 'transfer_out':
      if (!m.toLocationId) throw new Error('transfer_out needs toLocationId');
      return [at({ onHand: -q }), { locationId: m.toLocationId, delta: { inTransit: q }, onShard: false }];
    case 'transfer_in':
      return [at({ inTransit: -q, onHand: q })];
    // Orders (order-cancel.ts, fulfilment.ts): a sale took the units off onHand at checkout, so a
    // cancellation before they leave puts them back, and their leaving is a record, not a change.
    case 'cancel':
      return [at({ onHand: q })];
    case 'ship':
      return [];
    // Purchase orders: incoming is a figure of the location as a whole, even where onHand is sharded.
    case 'po_ordered':
      return [{ locationId: m.locationId, delta: { incoming: q }, onShard: false }];
    case 'po_received':
      return [{ locationId: m.locationId, delta: { incoming: -q }, onShard: false }, at({ onHand: q })];
    case 'po_closed':
      return [{ locationId: m.locationId, delta: { incoming: -q }, onShard: false }];
    // Backorders live at unsharded locations only (backorders.ts): no shard carries them.
    case 'backorder':
      return [{ locationId: m.locationId, delta: { backordered: q }, onShard: false }];
    case 'backorder_fill':
      return [{ locationId: m.locationId, delta: { backordered: -q, reserved: q }, onShard: false }];
    case 'backorder_release':
      return [{ locationId: m.locationId, delta: { backordered: -q }, onShard: false }];
  }
}

export const zeroCounters = (): Counters => ({
  onHand: 0,
  reserved: 0,
  inTransit: 0,
  damaged: 0,
  incoming: 0,
  backordered: 0,
});

export function addDelta(c: Counters, delta: Partial<Counters>): void {
  c.onHand += delta.onHand ?? 0;
  c.reserved += delta.reserved ?? 0;
  c.inTransit += delta.inTransit ?? 0;
  c.damaged += delta.damaged ?? 0;
  c.incoming += delta.incoming ?? 0;
  c.backordered += delta.backordered ?? 0;
}
