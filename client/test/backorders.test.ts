/**
 * Backorders for apps, against the emulator and firestore.rules: a shopper's watch of their hold
 * shows what it is still owed and when it is promised, then the fill completing it; staff watch a
 * SKU's queue in fill order and see an entry leave it when filled; a shopper's watch of the queue is
 * refused. Holds are made and filled by the functions' own domain code.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useEmulator, type TestFirestore } from '../../test/support/emulator';
import { Arrivals, within } from '../../test/support/within';
import { inventoryCallables } from '../../functions/src/inventory/callables';
import { fillBackorders } from '../../functions/src/inventory/backorders';
import type { Deps } from '../../functions/src/inventory/deps';
import { FakeClock, key, seedStore } from '../../functions/test/inventory/support/store';
import {
  watchBackorderQueue,
  watchReservation,
  type BackorderRow,
  type HearthError,
  type ReservationState,
} from '../src';

let fs: TestFirestore;
let deps: Deps;
const as = (uid: string, data: unknown, claims: Record<string, unknown> = {}) => ({
  data,
  auth: { uid, token: { uid, ...claims } as never, rawToken: 'test' },
});
before(async () => {
  fs = await useEmulator({ rulesFile: join(__dirname, '..', '..', 'firestore.rules') });
  deps = { db: fs.adminDb, clock: new FakeClock() };
  await seedStore(deps, [{ sku: 'sofa', stock: { 'wh-north': 1 } }]);
});
after(() => fs.stop());

describe('backorders for apps', () => {
  it("shows a shopper their hold's owed units and promise, and staff the queue in fill order, live", async () => {
    const api = inventoryCallables(() => deps);
    await api.setStockPolicy(
      as(
        'kim',
        {
          idempotencyKey: key(),
          sku: 'sofa',
          backorder: { limit: 5, locationId: 'wh-north', leadTimeDays: 10 },
        },
        { staff: true },
      ),
    );
    const heldAt = deps.clock.now().getTime();
    const first = await api.reserveStock(
      as('ada', { idempotencyKey: key(), lines: [{ sku: 'sofa', qty: 2 }], allowBackorder: true }),
    );
    // The queue's order is the holds' time: a tick between them, or both share one millisecond.
    (deps.clock as FakeClock).advance(1);
    const second = await api.reserveStock(
      as('bo', { idempotencyKey: key(), lines: [{ sku: 'sofa', qty: 1 }], allowBackorder: true }),
    );

    const holds = new Arrivals<ReservationState>();
    const queues = new Arrivals<BackorderRow[]>();
    const stopHold = watchReservation({ db: fs.webDb({ uid: 'ada' }) }, first.reservationId, (s) =>
      holds.push(s),
    );
    const stopQueue = watchBackorderQueue({ db: fs.webDb({ uid: 'kim', staff: true }) }, 'sofa', (q) =>
      queues.push(q),
    );
    try {
      const owed = await holds.until((s) => s.backorder !== null, "ada's backordered hold");
      assert.equal(owed.lines[0]!.owed, 1, 'one held from stock, one owed');
      assert.equal(owed.backorder!.promisedAt.getTime(), heldAt + 10 * 86_400_000);
      assert.equal(owed.backorder!.filledAt, null);
      const queue = await queues.until((q) => q.length === 2, 'both owed lines in the queue');
      assert.deepEqual(
        queue.map((e) => [e.reservationId, e.owed]),
        [
          [first.reservationId, 1],
          [second.reservationId, 1],
        ],
      );

      await api.restock(
        as(
          'kim',
          { idempotencyKey: key(), sku: 'sofa', locationId: 'wh-north', qty: 1, reason: 'delivery' },
          { staff: true },
        ),
      );
      await fillBackorders(deps, 'sofa');
      const filled = await holds.until((s) => s.backorder?.filledAt != null, "ada's hold complete");
      assert.equal(filled.lines[0]!.owed, 0);
      const left = await queues.until((q) => q.length === 1, 'the queue without the filled line');
      assert.equal(left[0]!.reservationId, second.reservationId);
    } finally {
      stopHold();
      stopQueue();
    }
  });

  it("refuses a shopper's watch of the queue", async () => {
    let stop = (): void => undefined;
    const error = await within(
      new Promise<HearthError>((resolve) => {
        stop = watchBackorderQueue(
          { db: fs.webDb({ uid: 'ada' }) },
          'sofa',
          () => assert.fail('staff only'),
          {
            onError: resolve,
          },
        );
      }),
      'the error for a shopper watching the backorder queue',
    ).finally(() => stop());
    assert.equal(error.code, 'permission-denied');
  });
});
