/** HOLD_MINUTES: how long a cart holds its stock, and when the expiry job gives it back. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { expireReservations } from '../../src/inventory/release';
import { reserveStock } from '../../src/inventory/reserve';
import { defaultSettings } from '../../src/platform/settings';
import { assertInvariants } from '../inventory/support/invariants';
import { FakeClock, key, seedStore } from '../inventory/support/store';

describe('a store holding carts for 2 minutes', () => {
  let fs: TestFirestore;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());

  test('a hold expires 2 minutes after it was made, and only then goes back on sale', async () => {
    const clock = new FakeClock();
    const deps = { db: fs.adminDb, clock, settings: { ...defaultSettings, holdMs: 2 * 60_000 } };
    await seedStore(deps, [{ sku: 'vase-clay', stock: { 'wh-north': 1 } }]);
    const held = await reserveStock(
      deps,
      { uid: 'alice' },
      {
        idempotencyKey: key(),
        lines: [{ sku: 'vase-clay', qty: 1 }],
        region: 'north',
        allowSplit: false,
      },
    );
    assert.equal(held.expiresAt, new Date(clock.now().getTime() + 2 * 60_000).toISOString());

    clock.advance(2 * 60_000 - 1);
    assert.equal((await expireReservations(deps)).expired, 0);
    clock.advance(1);
    assert.equal((await expireReservations(deps)).expired, 1);
    assert.equal((await fs.adminDb.doc('inventory/vase-clay').get()).data()!.available, 1);
    await assertInvariants(fs.adminDb);
  });
});
