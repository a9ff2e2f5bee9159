/**
 * watchAvailability against the emulator: plain and sharded SKUs, several at once, unknown ones,
 * and a web client that is offline (its first snapshots come from an empty or partial cache).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Firestore } from 'firebase-admin/firestore';
import { disableNetwork, doc, enableNetwork, onSnapshot } from 'firebase/firestore';
import type { InventoryDoc } from '@hearth/contracts';
import { emptyLocationStock, newInventoryDoc, withTotals } from '../../functions/src/inventory/availability';
import { useEmulator, type TestFirestore } from '../../test/support/emulator';
import { Arrivals, within } from '../../test/support/within';
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

/**
 * Collects updates and lets a test wait for the first one that matches; a wait that sees no match
 * within `ms` fails naming the condition and everything seen so far, instead of hanging the suite.
 * (Arrivals also finds a match that is falsy, such as a `false` fromCache flag already seen.)
 */
function recorder<T>() {
  const arrivals = new Arrivals<T>();
  return {
    seen: arrivals.seen,
    push: arrivals.push,
    next: (test: (v: T) => boolean, ms = 5000): Promise<T> =>
      arrivals.until(test, `an update matching ${test.toString()}`, ms),
  };
}

/** What a watcher reported, in order: availability or error values. */
type Report = { change: Availability } | { error: HearthError };
const isError =
  (code: HearthError['code']) =>
  (r: Report): r is { error: HearthError } =>
    'error' in r && r.error.code === code;

/** Watches one SKU, recording both callbacks into one ordered log. */
function watchReports(db: ReturnType<TestFirestore['webDb']>, sku: string) {
  const reports = recorder<Report>();
  const stop = watchAvailability({ db }, sku, (change) => reports.push({ change }), {
    onError: (error) => reports.push({ error }),
  });
  return { reports, stop };
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
    let stop = (): void => undefined;
    const error = await within(
      new Promise<HearthError>((resolve) => {
        stop = watchAvailability({ db: fs.webDb() }, 'NOPE', () => assert.fail('no update expected'), {
          onError: (e) => (stop(), resolve(e)),
        });
      }),
      'the not-found error for the unknown SKU NOPE',
    ).finally(() => stop());
    assert.equal(error.code, 'not-found');
    assert.equal(error.code === 'not-found' && error.id, 'NOPE');
  });

  it('reports a stocked SKU as unavailable, not not-found, while offline; then its availability once online', async () => {
    await fs.adminDb.doc('inventory/OFF1').set(inventory('OFF1', { wh: 7, store: 1 }));
    const db = fs.webDb();
    await disableNetwork(db); // before the first listen: the cache is empty, the first snapshot is from it
    const { reports, stop } = watchReports(db, 'OFF1');
    const first = await reports.next(() => true);
    assert.ok('error' in first, `expected an error first, got ${JSON.stringify(first)}`);
    assert.equal(first.error.code, 'unavailable');
    assert.equal(first.error.code === 'unavailable' && first.error.retryable, true);
    // Still watching: back online, the server's snapshot brings the real figures.
    await enableNetwork(db);
    const live = await reports.next((r) => 'change' in r);
    assert.ok('change' in live);
    assert.equal(live.change.available, 8);
    assert.equal(live.change.status, 'in_stock');
    assert.equal(live.change.fromCache, false);
    assert.ok(!reports.seen.some(isError('not-found')), JSON.stringify(reports.seen));
    stop();
  });

  it('says not-found for a missing SKU only once the server answers, not while offline', async () => {
    const db = fs.webDb();
    await disableNetwork(db);
    const { reports, stop } = watchReports(db, 'GHOST');
    await reports.next(isError('unavailable'));
    assert.ok(!reports.seen.some(isError('not-found')));
    // The server confirming a missing document changes no document: only its metadata says so.
    await enableNetwork(db);
    const missing = await reports.next(isError('not-found'));
    assert.ok('error' in missing && missing.error.code === 'not-found');
    assert.equal(missing.error.id, 'GHOST');
    // And the watch goes on: stocking the SKU later shows it.
    await fs.adminDb.doc('inventory/GHOST').set(inventory('GHOST', { wh: 3 }));
    const stocked = await reports.next((r) => 'change' in r);
    assert.ok('change' in stocked);
    assert.equal(stocked.change.available, 3);
    stop();
  });

  it('shows cached figures as fromCache while offline, and confirms them once back online', async () => {
    await fs.adminDb.doc('inventory/OFF2').set(inventory('OFF2', { wh: 4 }));
    const db = fs.webDb();
    const { reports, stop } = watchReports(db, 'OFF2');
    await reports.next((r) => 'change' in r && !r.change.fromCache);
    await disableNetwork(db);
    const cached = await reports.next((r) => 'change' in r && r.change.fromCache);
    assert.ok('change' in cached);
    assert.equal(cached.change.available, 4);
    const since = reports.seen.length;
    await enableNetwork(db);
    const confirmed = await reports.next(
      (r) => reports.seen.indexOf(r) >= since && 'change' in r && !r.change.fromCache,
    );
    assert.ok('change' in confirmed);
    assert.equal(confirmed.change.available, 4);
    assert.ok(!reports.seen.some((r) => 'error' in r), JSON.stringify(reports.seen));
    stop();
  });

  it('shows a hot SKU from the cache while offline when every one of its shards is cached', async () => {
    await fs.adminDb.doc('inventory/OFF4').set(inventory('OFF4', { wh: 40, store: 5 }, { wh: 4 }));
    await putShards(fs.adminDb, 'OFF4', 'wh', [10, 10, 10, 9]);
    const db = fs.webDb();
    const { reports, stop } = watchReports(db, 'OFF4');
    await reports.next((r) => 'change' in r && !r.change.fromCache && r.change.available === 44);
    // Offline, the document and all four shards are in the cache: the sum is whole, so it shows
    // (from the cache) instead of being refused as a partial one.
    await disableNetwork(db);
    const cached = await reports.next((r) => 'change' in r && r.change.fromCache);
    assert.ok('change' in cached);
    assert.equal(cached.change.available, 44);
    assert.ok(!reports.seen.some((r) => 'error' in r), JSON.stringify(reports.seen));
    await enableNetwork(db);
    stop();
  });

  it('reports a hot SKU whose shards are not cached as unavailable, never as a partial sum', async () => {
    await fs.adminDb.doc('inventory/OFF3').set(inventory('OFF3', { wh: 40, store: 5 }, { wh: 4 }));
    await putShards(fs.adminDb, 'OFF3', 'wh', [10, 10, 10, 10]);
    const db = fs.webDb();
    // Another listener of the document (a product page, say) has it cached; nothing has read the shards.
    const cachedDoc = recorder<boolean>();
    const stopOther = onSnapshot(doc(db, 'inventory/OFF3'), (snap) =>
      cachedDoc.push(snap.metadata.fromCache),
    );
    await cachedDoc.next((fromCache) => !fromCache);
    await disableNetwork(db);
    const { reports, stop } = watchReports(db, 'OFF3');
    const first = await reports.next(() => true);
    assert.ok('error' in first, `expected an error first, got ${JSON.stringify(first)}`);
    assert.equal(first.error.code, 'unavailable');
    await enableNetwork(db);
    const live = await reports.next((r) => 'change' in r && !r.change.fromCache);
    assert.ok('change' in live);
    assert.equal(live.change.available, 45);
    // Every figure shown was the whole sum: never the 5 of the store alone.
    for (const r of reports.seen) if ('change' in r) assert.equal(r.change.available, 45);
    stop();
    stopOther();
  });
});
