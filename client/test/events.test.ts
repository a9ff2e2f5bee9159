/**
 * trackEvents against the emulator and firestore.rules: batched writes under the event quota,
 * validation, other people's data.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Timestamp } from 'firebase-admin/firestore';
import { MAX_APP_EVENTS_PER_HOUR } from '@hearth/contracts';
import { useEmulator, type TestFirestore } from '../../test/support/emulator';
import { Arrivals } from '../../test/support/within';
import { trackEvents, type HearthError } from '../src';

let fs: TestFirestore;
before(async () => {
  fs = await useEmulator({ rulesFile: join(__dirname, '..', '..', 'firestore.rules') });
});
after(() => fs.stop());

describe('trackEvents', () => {
  it('writes queued events in one batch, with the server time, as the rules require', async () => {
    const tracker = trackEvents({ db: fs.webDb({ uid: 'ada' }) }, 'ada', { flushEveryMs: 60_000 });
    assert.ok(tracker.track({ kind: 'view', productId: 'p85123A' }).ok);
    assert.ok(tracker.track({ kind: 'cartAdd', productId: 'p85123A', sku: '85123A', quantity: 2 }).ok);
    assert.ok(tracker.track({ kind: 'wishlist', productId: 'p22423' }).ok);
    const flushed = await tracker.stop();
    assert.deepEqual(flushed, { ok: true, value: 3 });
    const events = await fs.adminDb.collection('customers/ada/events').get();
    assert.equal(events.size, 3);
    const cart = events.docs.map((d) => d.data()).find((e) => e.kind === 'cartAdd')!;
    assert.equal(cart.sku, '85123A');
    assert.equal(cart.quantity, 2);
    assert.ok(Math.abs(cart.at.toMillis() - Date.now()) < 60_000);
    // Under slots of a first quota window of 3.
    assert.deepEqual(events.docs.map((d) => d.id).sort(), ['1-1', '1-2', '1-3']);
    const quota = (await fs.adminDb.doc('customers/ada/quota/events').get()).data()!;
    assert.deepEqual({ window: quota.window, used: quota.used }, { window: 1, used: 3 });
  });

  it('writes what the quota has left, reports what it drops, and opens a new window after the hour', async () => {
    const quota = fs.adminDb.doc('customers/dora/quota/events');
    await quota.set({ window: 4, used: MAX_APP_EVENTS_PER_HOUR - 1, startedAt: Timestamp.now() });
    const errors: HearthError[] = [];
    const tracker = trackEvents({ db: fs.webDb({ uid: 'dora' }) }, 'dora', {
      flushEveryMs: 60_000,
      onError: (e) => errors.push(e),
    });
    for (const productId of ['p1', 'p2', 'p3']) tracker.track({ kind: 'view', productId });
    assert.deepEqual(await tracker.flush(), { ok: true, value: 1 });
    assert.deepEqual(
      errors.map((e) => [e.code, e.code === 'failed-precondition' && e.reason]),
      [['failed-precondition', 'event-quota']],
    );
    const ids = async () =>
      (await fs.adminDb.collection('customers/dora/events').get()).docs.map((d) => d.id);
    assert.deepEqual(await ids(), [`4-${MAX_APP_EVENTS_PER_HOUR}`]);

    await quota.update({ startedAt: Timestamp.fromMillis(Date.now() - 3_600_001) });
    tracker.track({ kind: 'wishlist', productId: 'p4' });
    assert.deepEqual(await tracker.stop(), { ok: true, value: 1 });
    assert.ok((await ids()).includes('5-1'));
    assert.equal((await quota.get()).get('window'), 5);
  });

  it('keeps to the current window when this device thinks the hour is up and the server does not', async () => {
    const quota = fs.adminDb.doc('customers/eve/quota/events');
    await quota.set({ window: 1, used: 1, startedAt: Timestamp.now() });
    const tracker = trackEvents({ db: fs.webDb({ uid: 'eve' }) }, 'eve', { flushEveryMs: 60_000 });
    tracker.track({ kind: 'view', productId: 'p1' });
    const realNow = Date.now;
    // A device clock two hours ahead: the tracker's guess of a new window is refused, then it retries.
    Date.now = () => realNow() + 2 * 3_600_000;
    let result;
    try {
      result = await tracker.stop();
    } finally {
      Date.now = realNow;
    }
    assert.deepEqual(result, { ok: true, value: 1 });
    const ids = (await fs.adminDb.collection('customers/eve/events').get()).docs.map((d) => d.id);
    assert.deepEqual(ids, ['1-2']);
  });

  it('flushes by itself when the queue is full', async () => {
    const tracker = trackEvents({ db: fs.webDb({ uid: 'ben' }) }, 'ben', {
      flushEveryMs: 60_000, // the timer cannot be what writes them within this test
      maxBatch: 2,
    });
    // Watch the history from the server side: the test never calls flush(), so the two events can
    // only arrive through the flush the full queue starts by itself.
    const sizes = new Arrivals<number>();
    const errors = new Arrivals<Error>();
    const unsubscribe = fs.adminDb
      .collection('customers/ben/events')
      .onSnapshot((snap) => sizes.push(snap.size), errors.push);
    try {
      tracker.track({ kind: 'view', productId: 'p1' });
      tracker.track({ kind: 'view', productId: 'p2' });
      await sizes.until((n) => n === 2, 'the 2 events of a full queue (maxBatch 2) in customers/ben/events');
      assert.deepEqual(errors.seen, []);
      // One more stays queued (below maxBatch) until stop(), which so writes only that one.
      tracker.track({ kind: 'view', productId: 'p3' });
      assert.deepEqual(await tracker.stop(), { ok: true, value: 1 });
      await sizes.until((n) => n === 3, 'the third event, written by stop()');
    } finally {
      unsubscribe();
      await tracker.stop();
    }
  });

  it('refuses a bad event at once, naming the field, and sends nothing', async () => {
    const tracker = trackEvents({ db: fs.webDb({ uid: 'cleo' }) }, 'cleo', { flushEveryMs: 60_000 });
    const bad = tracker.track({ kind: 'return' as 'view', productId: 'p1', quantity: 0 });
    assert.equal(bad.ok, false);
    assert.ok(!bad.ok && bad.error.code === 'invalid-argument');
    assert.deepEqual(
      !bad.ok && bad.error.code === 'invalid-argument' && bad.error.issues.map((i) => i.field),
      ['kind', 'quantity'],
    );
    assert.deepEqual(await tracker.stop(), { ok: true, value: 0 });
    assert.equal((await fs.adminDb.collection('customers/cleo/events').get()).size, 0);
  });

  it("reports a write into someone else's history as permission-denied", async () => {
    const errors: HearthError[] = [];
    const tracker = trackEvents({ db: fs.webDb({ uid: 'mallory' }) }, 'ada-other', {
      flushEveryMs: 60_000,
      onError: (e) => errors.push(e),
    });
    tracker.track({ kind: 'view', productId: 'p1' });
    const result = await tracker.stop();
    assert.ok(!result.ok && result.error.code === 'permission-denied', JSON.stringify(result));
    assert.equal(errors.length, 1);
  });
});
