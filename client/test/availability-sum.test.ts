/**
 * availabilityOf, the sum an app shows for a SKU, on its own (no emulator): per-location figures
 * from the availability document, a hot location's from its shards, totals, and the status from
 * the contracts' thresholds. Every figure differs from every other, so a sum that adds the wrong
 * field, drops a location or keeps a document figure a shard should replace shows. The watch
 * itself (listeners, the cache) is availability.test.ts, against the emulator.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InventoryDoc, ShardDoc } from '@hearth/contracts';
import { availabilityOf } from '../src/availability';

type Inventory = Parameters<typeof availabilityOf>[0];
type Shard = Pick<ShardDoc, 'locationId' | 'onHand' | 'reserved' | 'available'>;

const loc = (
  onHand: number,
  reserved: number,
  incoming = 0,
  safetyStock = 0,
): InventoryDoc['locations'][string] => ({
  onHand,
  reserved,
  available: onHand - reserved,
  incoming,
  backordered: 0,
  inTransit: 0,
  damaged: 0,
  safetyStock,
});

function inventory(fields: Partial<Inventory> = {}): Inventory {
  return {
    sku: 'S1',
    productId: 'p1',
    madeToOrder: false,
    backorderable: false,
    locations: { wh: loc(40, 3, 7, 1), store: loc(9, 2, 5, 2) },
    shards: {},
    inTransit: 0,
    ...fields,
  };
}

const shard = (locationId: string, onHand: number, reserved: number): Shard => ({
  locationId,
  onHand,
  reserved,
  available: onHand - reserved,
});

describe('availabilityOf', () => {
  it('copies each location and adds them up, field by field', () => {
    assert.deepEqual(availabilityOf(inventory(), []), {
      sku: 'S1',
      productId: 'p1',
      status: 'in_stock',
      onHand: 49,
      reserved: 5,
      available: 44,
      forSale: 41,
      incoming: 12,
      locations: {
        wh: { onHand: 40, reserved: 3, available: 37, incoming: 7 },
        store: { onHand: 9, reserved: 2, available: 7, incoming: 5 },
      },
      shardedLocations: [],
      fromCache: false,
    });
  });

  it('says whether the figures came from the cache', () => {
    assert.equal(availabilityOf(inventory(), [], true).fromCache, true);
    assert.equal(availabilityOf(inventory(), [], false).fromCache, false);
  });

  it("sums a hot location's shards in place of its document figures, keeping its incoming", () => {
    const inv = inventory({ shards: { wh: 3 } });
    const shards = [shard('wh', 10, 1), shard('wh', 11, 2), shard('wh', 12, 4), shard('store', 100, 0)];
    const a = availabilityOf(inv, shards);
    // wh from its shards (the document's 40/3 are an aggregate that may be stale); incoming stays
    // the document's, which shards do not hold; store from its document (it is not sharded, so a
    // shard naming it is ignored).
    assert.deepEqual(a.locations.wh, { onHand: 33, reserved: 7, available: 26, incoming: 7 });
    assert.deepEqual(a.locations.store, { onHand: 9, reserved: 2, available: 7, incoming: 5 });
    assert.deepEqual(a.shardedLocations, ['wh']);
    assert.deepEqual([a.onHand, a.reserved, a.available, a.incoming], [33 + 9, 7 + 2, 26 + 7, 7 + 5]);
  });

  it('sums every hot location separately, and a hot location with no document entry from its shards alone', () => {
    const inv = inventory({ shards: { wh: 2, dc: 2 } });
    const a = availabilityOf(inv, [
      shard('wh', 5, 1),
      shard('dc', 8, 3),
      shard('wh', 6, 0),
      shard('dc', 1, 1),
    ]);
    assert.deepEqual(a.locations.wh, { onHand: 11, reserved: 1, available: 10, incoming: 7 });
    assert.deepEqual(a.locations.dc, { onHand: 9, reserved: 4, available: 5, incoming: 0 });
    assert.deepEqual(a.shardedLocations, ['wh', 'dc']);
    assert.equal(a.available, 10 + 5 + 7);
    assert.equal(a.incoming, 7 + 0 + 5);
  });

  it('sums a hot location with no shards (yet) as empty, not as its document figures', () => {
    const a = availabilityOf(inventory({ shards: { wh: 2 } }), []);
    assert.deepEqual(a.locations.wh, { onHand: 0, reserved: 0, available: 0, incoming: 7 });
    assert.equal(a.available, 7);
  });

  it('treats a document without a shards map as unsharded', () => {
    const { shards: _none, ...rest } = inventory();
    void _none;
    const a = availabilityOf(rest as Inventory, [shard('wh', 1, 0)]);
    assert.deepEqual(a.shardedLocations, []);
    assert.equal(a.locations.wh?.onHand, 40);
  });

  it('derives the status from the summed figures and the safety stock of every location', () => {
    const status = (fields: Partial<Inventory>, shards: Shard[] = []) =>
      availabilityOf(inventory(fields), shards).status;
    // Safety stock 4 + 5 = 9 is withheld from sale: 9 available leave none to sell, 12 leave 3 (the
    // default threshold: low), 13 leave 4.
    const stocked = (whAvailable: number) => ({
      locations: { wh: loc(whAvailable, 0, 0, 4), store: loc(0, 0, 0, 5) },
    });
    assert.equal(status(stocked(9)), 'out');
    assert.equal(status(stocked(12)), 'low');
    assert.equal(status(stocked(13)), 'in_stock');
    // The store's own threshold, recorded on the document, applies to the sum.
    assert.equal(status({ ...stocked(19), lowStockUnits: 10 }), 'low');
    assert.equal(status({ ...stocked(20), lowStockUnits: 10 }), 'in_stock');
    // Out of stock: what happens next depends on the document's flags and what is on its way.
    const empty = { locations: { wh: loc(0, 0) } };
    assert.equal(status(empty), 'out');
    assert.equal(status({ ...empty, inTransit: 2 }), 'backorder');
    assert.equal(status({ locations: { wh: loc(0, 0, 1) } }), 'backorder');
    assert.equal(status({ ...empty, backorderable: true }), 'backorder');
    assert.equal(status({ ...empty, madeToOrder: true }), 'made_to_order');
    // Units owed to backordered holds are theirs when they arrive, not for sale: 5 available with
    // 3 owed leave 2 (low), with 5 owed none; a SKU taking backorders then shows it.
    const owing = (owed: number) => ({ locations: { wh: { ...loc(5, 0), backordered: owed } } });
    assert.equal(status(owing(0)), 'in_stock');
    assert.equal(status(owing(3)), 'low');
    assert.equal(status(owing(5)), 'out');
    assert.deepEqual(
      [0, 3, 5].map((owed) => availabilityOf(inventory(owing(owed)), []).forSale),
      [5, 2, 0],
      'what carts can take: available less units owed',
    );
    assert.equal(
      status({ ...owing(5), backorder: { limit: 5, locationId: 'wh', leadTimeDays: 7 } }),
      'backorder',
    );
    // A hot SKU's status follows its shards, not the stale aggregate on the document.
    assert.equal(status({ locations: { wh: loc(50, 0) }, shards: { wh: 1 } }, [shard('wh', 1, 1)]), 'out');
    assert.equal(status({ locations: { wh: loc(0, 0) }, shards: { wh: 1 } }, [shard('wh', 2, 0)]), 'low');
  });
});
