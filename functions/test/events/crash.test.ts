/**
 * Crashes between a change's commit and its delivery (a throwing checkpoint stands for the process
 * dying there, as in functions/test/inventory/crash.test.ts): no trigger ran at all, the dispatch
 * died inside its transaction, the drainer died after the consumer answered but before recording
 * it, a drainer died holding its stream's lease. After the sweeper, every event committed after
 * the subscription reached the consumer, which processed each once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUTBOX_RETENTION_DAYS } from '@hearth/contracts';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { checkout } from '../../src/inventory/checkout';
import { reserveStock } from '../../src/inventory/reserve';
import { restock } from '../../src/inventory/stock-changes';
import type { Caller } from '../../src/platform/callable';
import type { EventDeps } from '../../src/events/deps';
import { acquireStream } from '../../src/events/streams';
import { createSubscription } from '../../src/events/subscriptions';
import { deliverNewEvent, sweepWebhooks } from '../../src/events/sweep';
import { assertInvariants } from '../inventory/support/invariants';
import { key, SEED_STAFF, seedStore } from '../inventory/support/store';
import { eventDeps, ShiftClock } from './support/harness';
import { Receiver } from './support/receiver';

const sam: Caller = { uid: 'sam', role: 'staff', staff: true, anonymous: false, email: null, name: null };

class Crash extends Error {}
function crashAt(step: string, times = Infinity) {
  return (reached: string) => {
    if (reached === step && times-- > 0) throw new Crash(`crashed at ${step}`);
  };
}

describe('webhooks across crashes', () => {
  let fs: TestFirestore;
  let clock: ShiftClock;
  let deps: EventDeps;
  let receiver: Receiver;
  let subscriptionId: string;

  before(async () => {
    fs = await useEmulator();
  });
  after(async () => {
    await receiver?.stop();
    await fs.stop();
  });
  beforeEach(async () => {
    await receiver?.stop();
    await fs.clear();
    clock = new ShiftClock();
    deps = eventDeps(fs.adminDb, clock);
    await seedStore(deps, [{ sku: 'chair-ash', stock: { 'wh-north': 6 } }]);
    await sweepWebhooks(deps);
    receiver = await new Receiver().start();
    const made = await createSubscription(deps, sam, {
      url: receiver.url,
      topics: ['*'],
      description: '',
      idempotencyKey: key('sub'),
    });
    receiver.secret = made.secret;
    subscriptionId = made.subscription.id;
  });

  /** Some business: holds, a sale, a restock; no trigger runs (the instance died after each commit). */
  async function business() {
    const held = await reserveStock(
      deps,
      { uid: 'kim' },
      { idempotencyKey: key(), lines: [{ sku: 'chair-ash', qty: 2 }], region: 'north', allowSplit: false },
    );
    await checkout(
      deps,
      { uid: 'kim', staff: false },
      { idempotencyKey: key(), reservationId: held.reservationId },
    );
    await restock(deps, SEED_STAFF, {
      idempotencyKey: key(),
      sku: 'chair-ash',
      locationId: 'wh-north',
      qty: 4,
      reason: 'delivery',
    });
    const since = clock.now().getTime() - 60_000;
    const outbox = await fs.adminDb.collection('outbox').get();
    return outbox.docs
      .filter((d) => d.get('at').toMillis() >= since && d.get('correlationId') !== 'seed')
      .map((d) => d.id);
  }

  const owed = async () => {
    const made = (await fs.adminDb.doc(`webhookSubscriptions/${subscriptionId}`).get())
      .get('createdAt')
      .toMillis();
    const all = await fs.adminDb.collection('outbox').get();
    return all.docs
      .filter((d) => d.get('at').toMillis() >= made)
      .map((d) => d.id)
      .sort();
  };

  test('no trigger ran, then the dispatch died inside its transaction: nothing was half-written, and the sweeper delivers every event', async () => {
    await business();
    const ids = await owed();
    assert.ok(ids.length >= 5, `events were committed with their changes (${ids.length})`);
    const dying = { ...deps, checkpoint: crashAt('webhooks:dispatch-before-write') };
    for (const id of ids) await assert.rejects(deliverNewEvent(dying, id), Crash);
    const flags = await Promise.all(
      ids.map(async (id) => (await fs.adminDb.doc(`outbox/${id}`).get()).get('dispatched')),
    );
    assert.deepEqual(new Set(flags), new Set([false]), 'a dispatch that died marked nothing dispatched');
    const expiries = async () =>
      Promise.all(ids.map(async (id) => (await fs.adminDb.doc(`outbox/${id}`).get()).data()!));
    assert.ok(
      (await expiries()).every((e) => e.expireAt === undefined),
      'an event still owed has no expiry: the TTL policy cannot delete it',
    );
    assert.equal((await fs.adminDb.collection('webhookDeliveries').get()).size, 0, 'and created no delivery');
    assert.equal(receiver.arrivals.seen.length, 0);

    const report = await sweepWebhooks(deps);
    assert.equal(report.dispatched, ids.length);
    assert.deepEqual([...receiver.processed].sort(), ids);
    // Dispatched, each is kept OUTBOX_RETENTION_DAYS from when it happened, then the TTL policy on
    // outbox.expireAt (declared for deploy in firestore.indexes.json) deletes it.
    for (const e of await expiries())
      assert.equal(e.expireAt.toMillis(), e.at.toMillis() + OUTBOX_RETENTION_DAYS * 86_400_000);
    const indexes = JSON.parse(
      readFileSync(join(__dirname, '..', '..', '..', 'firestore.indexes.json'), 'utf8'),
    );
    assert.ok(
      indexes.fieldOverrides.some(
        (f: { collectionGroup: string; fieldPath: string; ttl?: boolean }) =>
          f.collectionGroup === 'outbox' && f.fieldPath === 'expireAt' && f.ttl === true,
      ),
      'the TTL policy on outbox.expireAt is declared',
    );
    assert.ok(receiver.arrivals.seen.every((r) => r.verified));
    await assertInvariants(fs.adminDb);
  });

  test('the drainer died after the consumer answered: the delivery is sent again and the consumer suppresses it by id', async () => {
    await business();
    const ids = await owed();
    const dying = { ...deps, checkpoint: crashAt('webhooks:after-attempt', 1) };
    // The drain dies on its first delivery (the trigger's run logs it and ends).
    await deliverNewEvent(dying, ids[0]!);
    assert.equal(receiver.arrivals.seen.length, 1, 'the consumer got it once before the crash');
    const unrecorded = await fs.adminDb
      .collection('webhookDeliveries')
      .where('status', '==', 'pending')
      .get();
    assert.ok(unrecorded.size >= 1, 'the answered delivery is still pending');
    // The lease of the dead drainer runs out; the sweeper takes the stream over.
    clock.offsetMs += 11_000;
    await sweepWebhooks(deps);
    assert.deepEqual([...receiver.processed].sort(), ids);
    const duplicates = receiver.arrivals.seen.filter((r) => r.duplicate);
    assert.equal(duplicates.length, 1, 'exactly the unrecorded delivery came twice');
    assert.equal(receiver.processed.size, ids.length, 'each event processed once');
  });

  test('a stream held by a dead drainer waits for its lease to run out, then is delivered in full', async () => {
    await restock(deps, SEED_STAFF, {
      idempotencyKey: key(),
      sku: 'chair-ash',
      locationId: 'wh-north',
      qty: 1,
      reason: 'a',
    });
    const ids = await owed();
    await acquireStream(deps, { subscriptionId, stream: 'sku:chair-ash' }, 'a-drainer-that-died');
    await sweepWebhooks(deps);
    assert.equal(receiver.arrivals.seen.length, 0, 'nobody delivers a stream another holds');
    clock.offsetMs += 11_000;
    await sweepWebhooks(deps);
    assert.deepEqual([...receiver.processed].sort(), ids);
  });
});
