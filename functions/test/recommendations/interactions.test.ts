/** How events become training weights: kinds, quantities, recency, returns and the data window. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  InteractionMatrixBuilder,
  eventWeight,
  ownedItems,
  userItems,
  type InteractionEvent,
} from '../../src/recommendations/interactions';
import { topKExcluding } from '../../src/recommendations/top-k';

const now = Date.UTC(2026, 0, 1);
const day = 86_400_000;
const ev = (
  userId: string,
  itemId: string,
  kind: InteractionEvent['kind'],
  daysAgo = 0,
  quantity?: number,
) => ({
  userId,
  itemId,
  kind,
  at: now - daysAgo * day,
  ...(quantity === undefined ? {} : { quantity }),
});

test('weights follow kind, quantity and recency', () => {
  const options = {
    now,
    halfLifeDays: 30,
    kindWeights: { view: 0.1, wishlist: 0.5, cartAdd: 0.3, purchase: 1, return: -1, cancel: -1 },
  };
  assert.equal(eventWeight(ev('u', 'i', 'purchase', 0, 1), options), 1);
  assert.equal(eventWeight(ev('u', 'i', 'purchase', 30, 1), options), 0.5);
  assert.equal(eventWeight(ev('u', 'i', 'purchase', 0, 3), options), 2);
  assert.equal(eventWeight(ev('u', 'i', 'view', 0, 50), options), 0.1, 'views ignore quantity');
  assert.equal(
    eventWeight(ev('u', 'i', 'cancel', 0, -3), options),
    -2,
    'the sign of a quantity does not matter',
  );
});

test('a cancelled or returned purchase is not a positive, but still counts as owned', () => {
  const builder = new InteractionMatrixBuilder({ now });
  builder.add(ev('ann', 'lamp', 'purchase', 5, 2));
  builder.add(ev('ann', 'lamp', 'cancel', 5, 2));
  builder.add(ev('ann', 'rug', 'purchase', 10, 1));
  builder.add(ev('ann', 'vase', 'purchase', 10, 1));
  builder.add(ev('ann', 'vase', 'return', 2, 1));
  builder.add(ev('ann', 'mirror', 'view', 1));
  builder.add(ev('bob', 'lamp', 'purchase', 1, 1));
  builder.add(ev('bob', 'sofa', 'purchase', -3, 1)); // after the window: ignored
  const m = builder.build();
  assert.deepEqual(m.users, ['ann', 'bob']);
  assert.deepEqual(m.items, ['lamp', 'mirror', 'rug'], 'items without a positive weight are left out');
  const names = (ids: Int32Array) => Array.from(ids, (i) => m.items[i]);
  assert.deepEqual(names(userItems(m, 0)), ['mirror', 'rug']);
  assert.deepEqual(names(ownedItems(m, 0)), ['lamp', 'rug'], 'owned model items, bought even if cancelled');
  assert.deepEqual(names(userItems(m, 1)), ['lamp']);
  assert.equal(builder.eventsSeen, 7);
});

test('top-K leaves out excluded items and keeps the best first', () => {
  const scores = Float32Array.from([0.1, 0.9, 0.5, 0.7, NaN, 0.3]);
  const ranked = topKExcluding(scores, [1], 3);
  assert.deepEqual(Array.from(ranked.items), [3, 2, 5]);
  assert.deepEqual(Array.from(ranked.scores), [0.7, 0.5, 0.3].map(Math.fround));
  assert.equal(topKExcluding(scores, [0, 1, 2, 3, 5], 3).items.length, 0);
});
