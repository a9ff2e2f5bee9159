/** The pure policies: allocation across locations and the status shown to shoppers. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LocationDoc } from '@hearth/contracts';
import { allocateLine, type Source } from '../../src/inventory/allocate';
import { LOW_STOCK_UNITS, stockStatus } from '../../src/inventory/status';

const loc = (id: string, priority: number, region: string, leadTimeDays = 2, active = true): LocationDoc => ({
  id,
  name: id,
  kind: 'warehouse',
  region,
  leadTimeDays,
  priority,
  active,
});

describe('allocation policy', () => {
  const sources: Source[] = [
    { location: loc('north', 1, 'north'), available: 3 },
    { location: loc('south', 1, 'south'), available: 2 },
    { location: loc('store', 2, 'south', 1), available: 10 },
    { location: loc('closed', 0, 'south', 0, false), available: 50 },
  ];

  test('priority first, then the customer region, whole lines where possible', () => {
    assert.deepEqual(allocateLine(2, sources, { region: 'south', allowSplit: false }), {
      ok: true,
      allocations: [{ locationId: 'south', qty: 2 }],
    });
    assert.deepEqual(allocateLine(2, sources, { region: 'north', allowSplit: false }), {
      ok: true,
      allocations: [{ locationId: 'north', qty: 2 }],
    });
    // Neither priority-1 location can cover 4: the next location that can, whole.
    assert.deepEqual(allocateLine(4, sources, { region: 'north', allowSplit: true }), {
      ok: true,
      allocations: [{ locationId: 'store', qty: 4 }],
    });
  });

  test('split only when allowed, down the ranking; inactive locations never serve', () => {
    assert.deepEqual(allocateLine(12, sources, { region: 'north', allowSplit: false }), {
      ok: false,
      available: 10,
      total: 15,
    });
    assert.deepEqual(allocateLine(12, sources, { region: 'north', allowSplit: true }), {
      ok: true,
      allocations: [
        { locationId: 'north', qty: 3 },
        { locationId: 'south', qty: 2 },
        { locationId: 'store', qty: 7 },
      ],
    });
    assert.deepEqual(allocateLine(16, sources, { allowSplit: true }), {
      ok: false,
      available: 15,
      total: 15,
    });
  });
});

describe('allocation policy: ties and vendors', () => {
  test('within a priority and region, shorter lead time first (a slow dropship vendor comes last), then id', () => {
    const tied: Source[] = [
      { location: { ...loc('vendor', 1, 'south', 10), kind: 'dropship' }, available: 5 },
      { location: loc('b-store', 1, 'south', 1), available: 5 },
      { location: loc('a-store', 1, 'south', 1), available: 5 },
      { location: loc('far', 1, 'north', 0), available: 5 },
    ];
    const order = (qty: number) => {
      const plan = allocateLine(qty, tied, { region: 'south', allowSplit: true });
      assert.ok(plan.ok);
      return plan.allocations;
    };
    assert.deepEqual(order(5), [{ locationId: 'a-store', qty: 5 }]);
    assert.deepEqual(order(20), [
      { locationId: 'a-store', qty: 5 },
      { locationId: 'b-store', qty: 5 },
      { locationId: 'vendor', qty: 5 },
      { locationId: 'far', qty: 5 },
    ]);
    // Without a region, lead time decides among equal priorities, wherever they are.
    assert.deepEqual(allocateLine(5, tied, { allowSplit: false }), {
      ok: true,
      allocations: [{ locationId: 'far', qty: 5 }],
    });
  });

  test('locations with nothing available, or none at all, refuse with zero available', () => {
    const empty: Source[] = [{ location: loc('north', 1, 'north'), available: 0 }];
    assert.deepEqual(allocateLine(1, empty, { allowSplit: true }), { ok: false, available: 0, total: 0 });
    assert.deepEqual(allocateLine(1, [], { allowSplit: false }), { ok: false, available: 0, total: 0 });
  });
});

describe('stock status', () => {
  const base = { safetyStock: 0, incoming: 0, inTransit: 0, madeToOrder: false, backorderable: false };
  test('thresholds', () => {
    assert.equal(stockStatus({ ...base, available: LOW_STOCK_UNITS + 1 }), 'in_stock');
    assert.equal(stockStatus({ ...base, available: LOW_STOCK_UNITS }), 'low');
    // Safety stock is withheld from sale: 8 available under 10 of safety stock leave none to sell.
    assert.equal(stockStatus({ ...base, available: 8, safetyStock: 10 }), 'out');
    assert.equal(stockStatus({ ...base, available: 12, safetyStock: 10 }), 'low');
    assert.equal(stockStatus({ ...base, available: 10 + LOW_STOCK_UNITS + 1, safetyStock: 10 }), 'in_stock');
    assert.equal(stockStatus({ ...base, available: 0 }), 'out');
    assert.equal(stockStatus({ ...base, available: 0, incoming: 5 }), 'backorder');
    assert.equal(stockStatus({ ...base, available: 0, inTransit: 1 }), 'backorder');
    assert.equal(stockStatus({ ...base, available: 0, backorderable: true }), 'backorder');
    assert.equal(stockStatus({ ...base, available: 0, madeToOrder: true }), 'made_to_order');
  });
});
