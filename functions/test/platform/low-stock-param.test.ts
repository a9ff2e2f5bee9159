/**
 * The LOW_STOCK_UNITS param as a deployed function receives it: an environment variable of the
 * process. This file is its own process (the runner starts one per file), so setting it here
 * before anything reads the settings is exactly what firebase-tools does.
 */
process.env.LOW_STOCK_UNITS = '10';

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { availabilityOf } from '@hearth/client';
import { InventoryDoc, ShardDoc } from '@hearth/contracts';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { inventoryRef } from '../../src/inventory/paths';
import { FakeClock, seedStore } from '../inventory/support/store';

describe('LOW_STOCK_UNITS set to 10', () => {
  let fs: TestFirestore;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());

  test('8 units show as low on the availability document, which records the threshold', async () => {
    const deps = { db: fs.adminDb, clock: new FakeClock() };
    await seedStore(deps, [{ sku: 'lamp-brass', stock: { 'wh-north': 8 } }]);
    const doc = InventoryDoc.parse((await inventoryRef(fs.adminDb, 'lamp-brass').get()).data());
    assert.equal(doc.status, 'low');
    assert.equal(doc.lowStockUnits, 10);
  });

  test("an app summing a hot SKU's shards applies the store's threshold, not the default", async () => {
    const deps = { db: fs.adminDb, clock: new FakeClock() };
    await seedStore(deps, [{ sku: 'chair-ash', stock: { 'wh-north': 9 }, shards: { 'wh-north': 4 } }]);
    const ref = inventoryRef(fs.adminDb, 'chair-ash');
    const inv = InventoryDoc.parse((await ref.get()).data());
    const shards = (await ref.collection('shards').get()).docs.map((d) => ShardDoc.parse(d.data()));
    const seen = availabilityOf(inv, shards);
    assert.deepEqual([seen.available, seen.shardedLocations, seen.status], [9, ['wh-north'], 'low']);
  });
});
