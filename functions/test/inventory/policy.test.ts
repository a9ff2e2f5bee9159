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

describe('allocation policy: what a split takes, and ids as the last tie-break', () => {
  test('a split takes nothing from a location with nothing, and stops once the line is covered', () => {
    const sources: Source[] = [
      { location: loc('first', 1, 'north'), available: 2 },
      { location: loc('empty', 2, 'north'), available: 0 },
      { location: loc('second', 3, 'north'), available: 2 },
      { location: loc('spare', 4, 'north'), available: 9 },
      { location: loc('more', 5, 'north'), available: 9 },
    ];
    // 13 > 9: no location covers it whole, so it is split down the ranking.
    assert.deepEqual(allocateLine(13, sources, { allowSplit: true }), {
      ok: true,
      allocations: [
        { locationId: 'first', qty: 2 },
        { locationId: 'second', qty: 2 },
        { locationId: 'spare', qty: 9 },
      ],
    });
  });

  test('locations equal on priority, region and lead time are taken in id order, whatever order they come in', () => {
    const ids = ['c', 'a', 'd', 'b'];
    const permutations = (xs: string[]): string[][] =>
      xs.length <= 1
        ? [xs]
        : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    for (const order of permutations(ids)) {
      const plan = allocateLine(
        4,
        order.map((id) => ({ location: loc(id, 1, 'north'), available: 1 })),
        { allowSplit: true },
      );
      assert.ok(plan.ok);
      assert.deepEqual(
        plan.allocations.map((a) => a.locationId),
        ['a', 'b', 'c', 'd'],
        `from ${order.join(',')}`,
      );
    }
  });
});

describe('allocation policy: click and collect', () => {
  const sources: Source[] = [
    { location: loc('wh', 1, 'north'), available: 20 },
    { location: { ...loc('shop', 5, 'north', 1), kind: 'store' }, available: 3 },
    { location: { ...loc('other-shop', 5, 'north', 1), kind: 'store' }, available: 30 },
  ];

  test("a pickup takes the store's own stock, though the warehouse ranks first for delivery", () => {
    const pickup = { locationId: 'shop', allowTransfer: false };
    assert.deepEqual(allocateLine(3, sources, { allowSplit: false, pickup }), {
      ok: true,
      allocations: [{ locationId: 'shop', qty: 3 }],
    });
    assert.deepEqual(allocateLine(3, sources, { allowSplit: false }), {
      ok: true,
      allocations: [{ locationId: 'wh', qty: 3 }],
    });
  });

  test('more than the store holds: refused with what the store has, or, with a transfer allowed, served by the ranking', () => {
    assert.deepEqual(
      allocateLine(4, sources, { allowSplit: true, pickup: { locationId: 'shop', allowTransfer: false } }),
      { ok: false, available: 3, total: 3 },
    );
    assert.deepEqual(
      allocateLine(4, sources, { allowSplit: true, pickup: { locationId: 'shop', allowTransfer: true } }),
      { ok: true, allocations: [{ locationId: 'wh', qty: 4 }] },
    );
    // A store the SKU is not stocked at has nothing of its own to give.
    assert.deepEqual(
      allocateLine(1, sources, { allowSplit: true, pickup: { locationId: 'nowhere', allowTransfer: false } }),
      { ok: false, available: 0, total: 0 },
    );
  });
});
