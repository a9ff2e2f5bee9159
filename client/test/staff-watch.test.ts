/**
 * The console's listeners against the emulator and firestore.rules: staff see the ledger, every
 * customer's holds and orders and the models, in the order the console shows them; a shopper's
 * listener on the same gets permission-denied; the board filters by status and SKU prefix.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Timestamp } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../test/support/emulator';
import { emptyLocationStock, newInventoryDoc, withTotals } from '../../functions/src/inventory/availability';
import {
  watchHeldReservations,
  watchLedger,
  watchForecast,
  watchModels,
  watchReorderSuggestions,
  watchStock,
  type HearthError,
  type WithId,
} from '../src';

let fs: TestFirestore;
before(async () => {
  fs = await useEmulator({ rulesFile: join(__dirname, '..', '..', 'firestore.rules') });
  const at = (s: number) => Timestamp.fromMillis(Date.parse('2026-11-21T09:00:00Z') + s * 1000);
  const entry = (sku: string, s: number, kind: string) => ({
    kind,
    sku,
    locationId: 'wh',
    toLocationId: null,
    shard: null,
    qty: 1,
    reason: 'test',
    actor: { uid: 'sam', role: 'staff' },
    correlationId: `c${s}`,
    idempotencyKey: null,
    at: at(s),
  });
  const batch = fs.adminDb.batch();
  batch.set(fs.adminDb.doc('ledger/l1'), entry('A1', 1, 'restock'));
  batch.set(fs.adminDb.doc('ledger/l2'), entry('A1', 3, 'reserve'));
  batch.set(fs.adminDb.doc('ledger/l3'), entry('B2', 2, 'restock'));
  const hold = (customerId: string, s: number, status = 'held') => ({
    customerId,
    status,
    lines: [{ sku: 'A1', productId: 'pA1', qty: 1, allocations: [] }],
    createdAt: at(0),
    expiresAt: at(s),
    closedAt: null,
    orderId: null,
  });
  batch.set(fs.adminDb.doc('reservations/r-late'), hold('ada', 900));
  batch.set(fs.adminDb.doc('reservations/r-soon'), hold('ben', 60));
  batch.set(fs.adminDb.doc('reservations/r-done'), hold('ada', 30, 'checked_out'));
  const now = new Date('2026-11-21T09:00:00Z');
  for (const [sku, units] of [
    ['A1', 50],
    ['A2', 0],
    ['B2', 50],
  ] as const) {
    const base = newInventoryDoc({ sku, productId: `p${sku}` }, now);
    batch.set(
      fs.adminDb.doc(`inventory/${sku}`),
      withTotals(
        { ...base, locations: { wh: { ...emptyLocationStock(), onHand: units, available: units } } },
        now,
      ),
    );
  }
  await batch.commit();
});
after(() => fs.stop());

/** The first answer of a watch: its rows, or the error it ended with (5 s at most). */
function first<T>(watch: (ok: (v: T) => void, fail: (e: HearthError) => void) => () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5_000);
    const stop = watch(
      (v) => {
        clearTimeout(timer);
        setTimeout(stop, 0);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(Object.assign(new Error(e.message), { code: e.code }));
      },
    );
  });
}

const staff = () => fs.webDb({ uid: 'sam', staff: true });
const shopper = () => fs.webDb({ uid: 'ada' });

describe('staff listeners', () => {
  it("gives staff a SKU's ledger newest first, and refuses it to a shopper", async () => {
    const rows = await first<WithId<{ correlationId: string }>[]>((ok, fail) =>
      watchLedger({ db: staff() }, 'A1', ok, { onError: fail }),
    );
    assert.deepEqual(
      rows.map((r) => r.id),
      ['l2', 'l1'],
    );
    await assert.rejects(
      first((ok, fail) => watchLedger({ db: shopper() }, 'A1', ok, { onError: fail })),
      { code: 'permission-denied' },
    );
  });

  it("gives staff every customer's open holds, soonest to expire first; a shopper gets permission-denied", async () => {
    const holds = await first<WithId<unknown>[]>((ok, fail) =>
      watchHeldReservations({ db: staff() }, ok, { onError: fail }),
    );
    assert.deepEqual(
      holds.map((h) => h.id),
      ['r-soon', 'r-late'],
    );
    await assert.rejects(
      first((ok, fail) => watchHeldReservations({ db: shopper() }, ok, { onError: fail })),
      { code: 'permission-denied' },
    );
  });

  it('filters the board by SKU prefix and by status', async () => {
    const byPrefix = await first<WithId<{ sku: string }>[]>((ok, fail) =>
      watchStock({ db: staff() }, { skuPrefix: 'a' }, ok, fail),
    );
    assert.deepEqual(
      byPrefix.map((r) => r.sku),
      ['A1', 'A2'],
    );
    const out = await first<WithId<{ sku: string }>[]>((ok, fail) =>
      watchStock({ db: staff() }, { status: 'out' }, ok, fail),
    );
    assert.deepEqual(
      out.map((r) => r.sku),
      ['A2'],
    );
  });

  it("lists what to reorder, the largest suggestion first, and one SKU's forecast; a shopper gets neither", async () => {
    const forecast = (sku: string, reorder: boolean, suggestedQty: number) => ({
      sku,
      method: 'ses-0.3',
      replenishment: { reorder, suggestedQty, reorderPoint: 10, inventoryPosition: 3 },
    });
    await fs.adminDb.doc('forecasts/F1').set(forecast('F1', true, 5));
    await fs.adminDb.doc('forecasts/F2').set(forecast('F2', true, 12));
    await fs.adminDb.doc('forecasts/F3').set(forecast('F3', false, 0));
    const toReorder = await first<WithId<{ sku: string }>[]>((ok, fail) =>
      watchReorderSuggestions({ db: staff() }, ok, { onError: fail }),
    );
    assert.deepEqual(
      toReorder.map((r) => r.sku),
      ['F2', 'F1'],
    );
    const f3 = await first<WithId<{ replenishment: { reorder: boolean } }> | null>((ok, fail) =>
      watchForecast({ db: staff() }, 'F3', ok, fail),
    );
    assert.equal(f3?.replenishment.reorder, false);
    assert.equal(await first((ok, fail) => watchForecast({ db: staff() }, 'none', ok, fail)), null);
    await assert.rejects(
      first((ok, fail) => watchReorderSuggestions({ db: shopper() }, ok, { onError: fail })),
      { code: 'permission-denied' },
    );
    await assert.rejects(
      first((ok, fail) => watchForecast({ db: shopper() }, 'F1', ok, fail)),
      { code: 'permission-denied' },
    );
  });

  it('says there is no live model before the first training, and refuses the models to a shopper', async () => {
    const models = await first<{ versions: unknown[]; current: unknown }>((ok, fail) =>
      watchModels({ db: staff() }, (versions, current) => ok({ versions, current }), fail),
    );
    assert.deepEqual(models, { versions: [], current: null });
    await assert.rejects(
      first((ok, fail) => watchModels({ db: shopper() }, () => ok(undefined), fail)),
      { code: 'permission-denied' },
    );
  });
});
