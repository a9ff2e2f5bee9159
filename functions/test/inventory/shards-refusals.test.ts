/**
 * What setShardCount refuses, and what it leaves alone: an unknown location or SKU, a lower count,
 * the count a location already has, units still owed after the backorder policy is off. Each
 * refusal is named and changes nothing; asking again for the same count writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { ReservationView } from '@hearth/contracts';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { inventoryCallables } from '../../src/inventory/callables';
import type { Deps } from '../../src/inventory/deps';
import { AvailabilityRefresher } from '../../src/inventory/refresh';
import { as, refusal, user } from './support/calls';
import { assertInvariants } from './support/invariants';
import { everything } from './support/snapshot';
import { FakeClock, key, seedStore } from './support/store';

const admin = user('root', { admin: true });
const staff = user('kim', { staff: true });

describe('setShardCount refusals', () => {
  let fs: TestFirestore;
  let deps: Deps;
  let api: ReturnType<typeof inventoryCallables>;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    const base = { db: fs.adminDb, clock: new FakeClock() };
    deps = { ...base, refresher: new AvailabilityRefresher(base) };
    await seedStore(deps, [
      { sku: 'stool', stock: { 'wh-north': 100 }, shards: { 'wh-north': 4 } },
      { sku: 'sofa', stock: { 'wh-north': 2 } },
    ]);
    api = inventoryCallables(() => deps);
  });

  const shard = (sku: string, locationId: string, count: number) =>
    api.setShardCount(as(admin, { idempotencyKey: key(), sku, locationId, count }));

  /** Everything but the idempotency records, which a call that succeeds adds. */
  async function stock() {
    const all = await everything(fs.adminDb);
    return Object.fromEntries(Object.entries(all).filter(([path]) => !path.startsWith('idempotency/')));
  }

  test('an unknown location is named and nothing is written', async () => {
    const before = await everything(fs.adminDb);
    const err = await refusal(shard('stool', 'wh-atlantis', 8));
    assert.deepEqual([err.code, err.details], ['not-found', { kind: 'location', id: 'wh-atlantis' }]);
    assert.deepEqual(await everything(fs.adminDb), before, 'nothing changed');
  });

  test('an unknown SKU is named and nothing is written', async () => {
    const before = await everything(fs.adminDb);
    const err = await refusal(shard('ghost-9', 'wh-north', 2));
    assert.deepEqual([err.code, err.details], ['not-found', { kind: 'sku', id: 'ghost-9' }]);
    assert.deepEqual(await everything(fs.adminDb), before, 'nothing changed');
  });

  test('a lower count is refused: shard counts only go up', async () => {
    const before = await everything(fs.adminDb);
    const err = await refusal(shard('stool', 'wh-north', 3));
    assert.equal(err.code, 'failed-precondition');
    assert.equal(err.details?.reason, 'shard_count_lowered');
    assert.equal(err.message, 'stool has 4 shards at wh-north; shard counts only go up');
    assert.deepEqual(await everything(fs.adminDb), before, 'nothing changed');
  });

  test('the count a location already has is answered as done, and no document is written', async () => {
    // 100 units over 4 shards are already 25 each: the rebalance that follows has nothing to move.
    const before = await stock();
    const answer = await shard('stool', 'wh-north', 4);
    assert.deepEqual(answer, { sku: 'stool', locationId: 'wh-north', count: 4 });
    assert.deepEqual(await stock(), before, 'the SKU and its shards untouched (versions included)');
    await assertInvariants(fs.adminDb, { aggregates: true });
  });

  test('a rebalance rewrites only the shards whose share changes', async () => {
    // 4 -> 5 over 100 units: the four old shards go from 25 to 20, the new one from 0 to 20. Then
    // 5 -> 5 again: every shard already holds its share, so every version stays.
    await shard('stool', 'wh-north', 5);
    const versions = async () =>
      (await fs.adminDb.collection('inventory/stool/shards').get()).docs.map((d) => [
        d.id,
        d.get('available'),
        d.get('version'),
      ]);
    const spread = await versions();
    assert.deepEqual(
      spread.map(([id, available]) => [id, available]),
      [0, 1, 2, 3, 4].map((i) => [`wh-north_${i}`, 20]),
    );
    await shard('stool', 'wh-north', 5);
    assert.deepEqual(await versions(), spread);
    await assertInvariants(fs.adminDb, { aggregates: true });
  });

  test('units still owed after the backorder policy is turned off keep the SKU unsharded', async () => {
    await api.setStockPolicy(
      as(staff, {
        idempotencyKey: key(),
        sku: 'sofa',
        backorder: { limit: 5, locationId: 'wh-north', leadTimeDays: 21 },
      }),
    );
    const held = (await api.reserveStock(
      as(user('ivy'), { idempotencyKey: key(), lines: [{ sku: 'sofa', qty: 4 }], allowBackorder: true }),
    )) as ReservationView;
    assert.equal(held.lines[0]!.owed, 2);
    await api.setStockPolicy(as(staff, { idempotencyKey: key(), sku: 'sofa', backorder: null }));
    const before = await everything(fs.adminDb);
    const err = await refusal(shard('sofa', 'wh-north', 2));
    assert.equal(err.code, 'failed-precondition');
    assert.equal(err.details?.reason, 'backorders_open');
    assert.equal(
      err.message,
      'sofa takes backorders (2 units owed); turn them off with setStockPolicy and let the owed units fill or expire before sharding it',
    );
    assert.deepEqual(await everything(fs.adminDb), before, 'nothing changed');
    await assertInvariants(fs.adminDb);
  });

  test('a change of shard count is recorded under its own idempotency scope', async () => {
    await shard('stool', 'wh-north', 6);
    const records = await fs.adminDb.collection('idempotency').where('uid', '==', 'root').get();
    assert.deepEqual(
      records.docs.map((d) => d.get('scope')),
      ['setShardCount'],
    );
  });
});
