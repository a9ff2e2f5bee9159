/** watchAvailability against the emulator: plain and sharded SKUs, several at once, unknown ones. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Firestore } from 'firebase-admin/firestore';
import type { InventoryDoc } from '../../functions/src/api/inventory';
import { emptyLocationStock, newInventoryDoc, withTotals } from '../../functions/src/inventory/availability';
import { useEmulator, type TestFirestore } from '../../test/support/emulator';
import { watchAvailability, type Availability, type HearthError } from '../src';

let fs: TestFirestore;
before(async () => {
  fs = await useEmulator({ rulesFile: join(__dirname, '..', '..', 'firestore.rules') });
});
after(() => fs.stop());

const now = new Date('2026-01-01T00:00:00Z');

function inventory(
  sku: string,
  stock: Record<string, number>,
  shards: Record<string, number> = {},
): InventoryDoc {
  const base = newInventoryDoc({ sku, productId: `p${sku}` }, now);
  const locations = Object.fromEntries(
    Object.entries(stock).map(([id, onHand]) => [id, { ...emptyLocationStock(), onHand }]),
  );
  return withTotals({ ...base, locations, shards }, now);
}

/** All shards in one commit, as a listener must then see them: together. */
async function putShards(db: Firestore, sku: string, locationId: string, available: number[]) {
  const batch = db.batch();
  available.forEach((n, index) =>
    batch.set(db.doc(`inventory/${sku}/shards/${locationId}_${index}`), {
      sku,
      locationId,
      index,
      onHand: n,
      reserved: 0,
      available: n,
      version: 0,
    }),
  );
  await batch.commit();
}

/** Collects updates and lets a test wait for the first one that matches. */
function recorder<T>() {
  const seen: T[] = [];
  const waiters: { test: (v: T) => boolean; resolve: (v: T) => void }[] = [];
  return {
    seen,
    push(v: T) {
      seen.push(v);
      for (const w of [...waiters]) {
        if (!w.test(v)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(v);
      }
    },
    next(test: (v: T) => boolean): Promise<T> {
      const hit = seen.find(test);
      return hit ? Promise.resolve(hit) : new Promise((resolve) => waiters.push({ test, resolve }));
    },
  };
}

describe('watchAvailability', () => {
  it('follows a plain SKU as its stock changes, through the web SDK and the rules', async () => {
    await fs.adminDb.doc('inventory/A1').set(inventory('A1', { wh: 10, store: 2 }));
    const updates = recorder<Availability>();
    const stop = watchAvailability({ db: fs.webDb() }, 'A1', (a) => updates.push(a));
    const first = await updates.next(() => true);
    assert.equal(first.available, 12);
    assert.equal(first.status, 'in_stock');
    assert.deepEqual(first.shardedLocations, []);
    await fs.adminDb.doc('inventory/A1').set(inventory('A1', { wh: 0, store: 2 }));
    const low = await updates.next((a) => a.available === 2);
    assert.equal(low.status, 'low');
    assert.equal(low.locations.wh?.available, 0);
    stop();
  });

  it('sums the shards of a hot SKU, so it is exact before the aggregate catches up', async () => {
    await fs.adminDb.doc('inventory/H1').set(inventory('H1', { wh: 40, store: 5 }, { wh: 4 }));
    await putShards(fs.adminDb, 'H1', 'wh', [10, 10, 10, 10]);
    const updates = recorder<Availability>();
    const stop = watchAvailability({ db: fs.webDb() }, 'H1', (a) => updates.push(a));
    const first = await updates.next(() => true);
    assert.equal(first.available, 45);
    assert.deepEqual(first.shardedLocations, ['wh']);
    // A reservation takes units from one shard; the availability document is not touched.
    await fs.adminDb.doc('inventory/H1/shards/wh_2').update({ reserved: 3, available: 7 });
    const after = await updates.next((a) => a.available === 42);
    assert.equal(after.locations.wh?.reserved, 3);
    assert.equal(after.locations.store?.available, 5);
    await putShards(fs.adminDb, 'H1', 'wh', [0, 0, 0, 0]);
    const gone = await updates.next((a) => a.locations.wh?.available === 0);
    assert.equal(gone.available, 5);
    // Every update the app saw was a whole sum: never a partial one from a half-read shard set.
    for (const a of updates.seen) assert.ok([45, 42, 5].includes(a.available), `unexpected ${a.available}`);
    stop();
  });

  it('never shows half of a commit that touches both a shard and the availability document', async () => {
    await fs.adminDb.doc('inventory/H2').set(inventory('H2', { wh: 40, store: 5 }, { wh: 4 }));
    await putShards(fs.adminDb, 'H2', 'wh', [10, 10, 10, 10]);
    const updates = recorder<Availability>();
    const stop = watchAvailability({ db: fs.webDb() }, 'H2', (a) => updates.push(a));
    await updates.next((a) => a.available === 45);
    // One cart line served from a shard of the warehouse and from the (unsharded) store.
    for (let round = 1; round <= 5; round++) {
      const batch = fs.adminDb.batch();
      batch.update(fs.adminDb.doc('inventory/H2/shards/wh_0'), { reserved: round, available: 10 - round });
      batch.set(fs.adminDb.doc('inventory/H2'), inventory('H2', { wh: 40, store: 5 - round }, { wh: 4 }));
      await batch.commit();
      await updates.next((a) => a.available === 45 - 2 * round);
    }
    assert.deepEqual(
      updates.seen.map((a) => a.available),
      [45, 43, 41, 39, 37, 35],
    );
    stop();
  });

  it('watches several SKUs and reports them together', async () => {
    await fs.adminDb.doc('inventory/M1').set(inventory('M1', { wh: 1 }));
    await fs.adminDb.doc('inventory/M2').set(inventory('M2', { wh: 0 }));
    const updates = recorder<Record<string, Availability>>();
    const stop = watchAvailability({ db: fs.webDb() }, ['M1', 'M2'], (all) => updates.push(all));
    const first = await updates.next(() => true);
    assert.equal(first.M1?.status, 'low');
    assert.equal(first.M2?.status, 'out');
    await fs.adminDb.doc('inventory/M2').set(inventory('M2', { wh: 9 }));
    const next = await updates.next((all) => all.M2?.available === 9);
    assert.equal(next.M1?.available, 1);
    // One commit over both SKUs (a cart): one report with both changes, never one without the other.
    const batch = fs.adminDb.batch();
    batch.set(fs.adminDb.doc('inventory/M1'), inventory('M1', { wh: 0 }));
    batch.set(fs.adminDb.doc('inventory/M2'), inventory('M2', { wh: 8 }));
    await batch.commit();
    await updates.next((all) => all.M1?.available === 0 && all.M2?.available === 8);
    assert.ok(!updates.seen.some((all) => all.M1?.available === 0 && all.M2?.available === 9));
    assert.ok(!updates.seen.some((all) => all.M1?.available === 1 && all.M2?.available === 8));
    stop();
  });

  it('reports an unknown SKU as a not-found error value', async () => {
    const error = await new Promise<HearthError>((resolve) => {
      const stop = watchAvailability({ db: fs.webDb() }, 'NOPE', () => assert.fail('no update expected'), {
        onError: (e) => (stop(), resolve(e)),
      });
    });
    assert.equal(error.code, 'not-found');
    assert.equal(error.code === 'not-found' && error.id, 'NOPE');
  });
});
