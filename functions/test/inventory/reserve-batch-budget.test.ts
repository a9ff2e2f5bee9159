/**
 * The write budget of one reservation batch, on reserveBatch itself (one batch, no queue timing): a
 * cart is served only if its worst case still fits under the commit's 500 writes, and the batch
 * takes as many carts as that allows. A cart of k owed lines, in a batch whose carts share their
 * SKUs, really writes its reservation, record and event plus a ledger and a queue entry per line
 * (the k availability documents once per batch); its estimate is 3 + 4 per take + 1 per owed line
 * (+ 1 for an allowance). The counts below follow from that; each shape puts a commit within one
 * cart of the limit, so a looser check overfills the commit (which Firestore refuses) and a
 * stricter one serves a cart fewer.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { ReserveStockRequest } from '@hearth/contracts';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { inventoryCallables } from '../../src/inventory/callables';
import type { Deps } from '../../src/inventory/deps';
import { hashRequest, operationId, recordId } from '../../src/inventory/idempotency';
import { type Cart, reserveBatch } from '../../src/inventory/reserve-batch';
import { as, user } from './support/calls';
import { assertInvariants } from './support/invariants';
import { FakeClock, key, seedStore } from './support/store';

const staff = user('kim', { staff: true });
const HOLD_MS = 15 * 60_000;

describe('one reservation batch against the commit limit', () => {
  let fs: TestFirestore;
  let deps: Deps;
  let api: ReturnType<typeof inventoryCallables>;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    deps = { db: fs.adminDb, clock: new FakeClock() };
    api = inventoryCallables(() => deps);
  });

  async function backorderable(lines: number, capped: boolean): Promise<string[]> {
    const skus = Array.from({ length: lines }, (_, i) => `sku-${i}`);
    await seedStore(
      deps,
      skus.map((sku) => ({ sku, stock: {} })),
    );
    for (const sku of skus) {
      await api.setStockPolicy(
        as(staff, {
          idempotencyKey: key(),
          sku,
          backorder: { limit: 1_000, locationId: 'wh-north', leadTimeDays: 30 },
        }),
      );
      if (capped)
        await api.setPurchaseLimit(
          as(staff, { idempotencyKey: key(), sku, limit: { units: 5, periodHours: 24 } }),
        );
    }
    return skus;
  }

  const cartOf = (uid: string, skus: string[]): Cart => {
    const req: ReserveStockRequest = {
      idempotencyKey: key(),
      lines: skus.map((sku) => ({ sku, qty: 1 })),
      allowSplit: false,
      allowBackorder: true,
    };
    const opId = operationId('reserveStock', uid, req.idempotencyKey);
    return { uid, req, opId, recordId: recordId('reserveStock', opId), requestHash: hashRequest(req) };
  };

  for (const shape of [
    // The 44th cart's estimate (23) brings 4 + 43 × 11 = 477 to exactly 500: it is served.
    { lines: 4, capped: false, carts: 60, served: 44 },
    // 6 + 31 × 15 = 471 written; a 32nd is estimated at 33 (504), though it would write 15 (486).
    // Estimating well under a line each would let a 33rd in: 6 + 33 × 15 = 501, refused by Firestore.
    { lines: 6, capped: false, carts: 50, served: 31 },
    { lines: 8, capped: false, carts: 40, served: 24 },
    // Under a cap each cart also writes its customer's allowance: 6 + 29 × 16 = 470.
    { lines: 6, capped: true, carts: 50, served: 29 },
    // 3 + 48 × 10 = 483, and a 49th estimated at 19 (502) waits: its allowance is counted.
    { lines: 3, capped: true, carts: 60, served: 48 },
  ])
    test(`${shape.carts} carts of ${shape.lines} owed lines${shape.capped ? ' under a cap' : ''} in one batch: ${shape.served} served, the rest sent round again`, async () => {
      const skus = await backorderable(shape.lines, shape.capped);
      const carts = Array.from({ length: shape.carts }, (_, i) => cartOf(`c${i}`, skus));
      const { outcomes } = await reserveBatch(deps, carts, new Set(), HOLD_MS);
      assert.deepEqual(
        outcomes.map((o) => (o.kind === 'again' ? `again: ${o.why}` : o.kind)),
        [
          ...Array<string>(shape.served).fill('done'),
          ...Array<string>(shape.carts - shape.served).fill('again: the commit is full'),
        ],
        'served in arrival order up to the limit',
      );
      for (const sku of skus)
        assert.equal((await fs.adminDb.doc(`inventory/${sku}`).get()).get('backordered'), shape.served);
      await assertInvariants(fs.adminDb);
    });
});
