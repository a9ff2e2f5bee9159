/** trackEvents against the emulator and firestore.rules: batched writes, validation, other people's data. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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
