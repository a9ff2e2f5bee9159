/**
 * Webhooks end to end on a loopback receiver: the real Firestore emulator, the real domain code, a
 * node:http consumer that checks every signature with the client's verifyWebhook. Signatures,
 * duplicate suppression by id, per-SKU order under concurrent buyers, retries after 500s and
 * timeouts, dead-lettering, replay, pause and resume.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { WebhookDeliveryDoc, WebhookPayload } from '@hearth/contracts';
import { verifyWebhook } from '@hearth/client';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { within } from '../../../test/support/within';
import { checkout } from '../../src/inventory/checkout';
import { expireReservations } from '../../src/inventory/release';
import { reserveStock } from '../../src/inventory/reserve';
import { adjustStock, restock } from '../../src/inventory/stock-changes';
import type { Caller } from '../../src/platform/callable';
import { defaultSettings } from '../../src/platform/settings';
import type { EventDeps } from '../../src/events/deps';
import { replayWebhookEvents } from '../../src/events/replay';
import { createSubscription, rotateSecret, setSubscriptionStatus } from '../../src/events/subscriptions';
import { sweepWebhooks } from '../../src/events/sweep';
import { assertInvariants } from '../inventory/support/invariants';
import { key, SEED_STAFF, seedStore } from '../inventory/support/store';
import { eventDeps, ShiftClock, startTrigger } from './support/harness';
import { Receiver } from './support/receiver';

const sam: Caller = { uid: 'sam', role: 'staff', staff: true, anonymous: false, email: null, name: null };
const shopper = (i: number) => ({ uid: `buyer-${i}`, staff: false });

describe('webhooks', () => {
  let fs: TestFirestore;
  let clock: ShiftClock;
  let deps: EventDeps;
  let receiver: Receiver;
  let trigger: ReturnType<typeof startTrigger> | null = null;

  before(async () => {
    fs = await useEmulator();
  });
  after(async () => {
    trigger?.stop();
    await trigger?.idle();
    await receiver?.stop();
    await fs.stop();
  });
  beforeEach(async () => {
    trigger?.stop();
    trigger = null;
    await receiver?.stop();
    await fs.clear();
    clock = new ShiftClock();
    deps = eventDeps(fs.adminDb, clock);
    await seedStore(deps, [
      { sku: 'sofa-oak', stock: { 'wh-north': 3, 'wh-south': 2 } },
      { sku: 'lamp-brass', stock: { 'wh-south': 40 } },
    ]);
    // The seed's own events predate every subscription: dispatched to nobody.
    await sweepWebhooks(deps);
    receiver = await new Receiver().start();
  });

  async function subscribe(topics: Parameters<typeof createSubscription>[2]['topics'] = ['*']) {
    const made = await createSubscription(deps, sam, {
      url: receiver.url,
      topics,
      description: 'test',
      idempotencyKey: key('sub'),
    });
    receiver.secret = made.secret;
    return made;
  }

  const deliveriesOf = async (subscriptionId: string) =>
    (
      await fs.adminDb.collection('webhookDeliveries').where('subscriptionId', '==', subscriptionId).get()
    ).docs.map((d) => d.data() as WebhookDeliveryDoc);

  test('stock, reservation and order events arrive signed, with their ids, times, correlation and figures', async () => {
    const { subscription, secret } = await subscribe();
    trigger = startTrigger(deps);
    const held = await reserveStock(deps, shopper(1), {
      idempotencyKey: key(),
      lines: [{ sku: 'sofa-oak', qty: 2 }],
      region: 'south',
      allowSplit: false,
    });
    await checkout(deps, shopper(1), { idempotencyKey: key(), reservationId: held.reservationId });
    const placed = await receiver.arrivals.until((r) => r.event.type === 'order.placed', 'order.placed');
    const created = await receiver.arrivals.until(
      (r) => r.event.type === 'reservation.created',
      'reservation.created',
    );
    const out = await receiver.arrivals.until((r) => r.event.type === 'stock.out', 'stock.out at wh-south');
    for (const r of [placed, created, out]) {
      assert.ok(r.verified, `${r.event.type} verifies under the subscription's secret`);
      assert.match(r.event.id, /^[A-Za-z0-9]{20}$/);
      assert.ok(Date.parse(r.event.createdAt) > 0);
    }
    assert.equal(placed.event.correlationId, held.reservationId);
    assert.equal(created.event.correlationId, held.reservationId);
    assert.deepEqual((placed.event.data as { lines: unknown }).lines, [
      { sku: 'sofa-oak', qty: 2, unitPriceMinor: 12_500 },
    ]);
    // The hold took the last 2 at wh-south: the event carries the figures of that commit.
    const data = out.event.data as { locationId: string; after: Record<string, number> };
    assert.equal(out.event.sku, 'sofa-oak');
    assert.equal(data.locationId, 'wh-south');
    assert.equal(out.event.correlationId, held.reservationId);
    assert.deepEqual([data.after.onHand, data.after.reserved, data.after.available], [2, 2, 0]);

    // The signature is over this body and this timestamp, under this secret only.
    assert.equal((await verifyWebhook(secret, placed.raw, placed.signature)).ok, true);
    assert.deepEqual(await verifyWebhook('whsec_wrong', placed.raw, placed.signature), {
      ok: false,
      reason: 'bad_signature',
    });
    const tampered = placed.raw.replace('"totalMinor":25000', '"totalMinor":1');
    assert.notEqual(tampered, placed.raw);
    assert.equal((await verifyWebhook(secret, tampered, placed.signature)).ok, false);
    const later = new Date(Date.now() + 301_000);
    assert.deepEqual(await verifyWebhook(secret, placed.raw, placed.signature, { now: later }), {
      ok: false,
      reason: 'timestamp_out_of_tolerance',
    });
    assert.equal((await verifyWebhook(secret, placed.raw, 'v1=abc')).ok, false);
    await trigger.idle();
    const log = await deliveriesOf(subscription.id);
    assert.ok(log.length >= 4 && log.every((d) => d.status === 'delivered' && d.log[0]!.statusCode === 200));
    assert.deepEqual(trigger.failures, []);
  });

  test('one SKU under concurrent buyers and restocks: its events arrive in commit order, none missing', async () => {
    await subscribe(['stock.changed']);
    trigger = startTrigger(deps);
    const buys = Array.from({ length: 24 }, (_, i) =>
      reserveStock(deps, shopper(i), {
        idempotencyKey: key(),
        lines: [{ sku: 'lamp-brass', qty: 1 }],
        region: 'south',
        allowSplit: false,
      }),
    );
    const restocks = Array.from({ length: 4 }, () =>
      restock(deps, SEED_STAFF, {
        idempotencyKey: key(),
        sku: 'lamp-brass',
        locationId: 'wh-south',
        qty: 5,
        reason: 'delivery',
      }),
    );
    await Promise.all([...buys, ...restocks]);
    await assertInvariants(fs.adminDb);
    const outbox = await fs.adminDb
      .collection('outbox')
      .where('type', '==', 'stock.changed')
      .where('sku', '==', 'lamp-brass')
      .get();
    // Seed's one plus at least one per commit (group commit folds buyers into fewer).
    const expected = outbox.size - 1;
    await receiver.arrivals.until(
      () => receiver.events.filter((e) => e.sku === 'lamp-brass').length >= expected,
      `${expected} lamp-brass stock.changed events`,
      20_000,
    );
    await trigger.idle();
    const seen = receiver.events.filter((e) => e.sku === 'lamp-brass');
    assert.equal(seen.length, expected);
    // In order: each event starts from the figures the one before it left.
    type Figures = { onHand: number; reserved: number };
    for (let i = 1; i < seen.length; i++) {
      const prev = (seen[i - 1]!.data as { after: Figures }).after;
      const cur = (seen[i]!.data as { before: Figures }).before;
      assert.deepEqual(cur, prev, `event ${i} follows event ${i - 1}`);
    }
    const last = (seen.at(-1)!.data as { after: Figures }).after;
    const inv = (await fs.adminDb.doc('inventory/lamp-brass').get()).data()!;
    assert.deepEqual(last, {
      ...last,
      onHand: inv.locations['wh-south'].onHand,
      reserved: inv.locations['wh-south'].reserved,
    });
    assert.equal(inv.locations['wh-south'].reserved, 24);
  });

  test('500s and a timeout are retried with backoff, in order; the log keeps every attempt', async () => {
    const { subscription } = await subscribe(['stock.changed']);
    const firstId: string[] = [];
    receiver.answer = (event, nth) => {
      if (firstId.length === 0) firstId.push(event.id);
      if (event.id !== firstId[0]) return 200;
      return nth === 1 || nth === 2 ? 500 : nth === 3 ? 'hang' : 200;
    };
    trigger = startTrigger(deps);
    await restock(deps, SEED_STAFF, {
      idempotencyKey: key(),
      sku: 'sofa-oak',
      locationId: 'wh-north',
      qty: 1,
      reason: 'a',
    });
    await restock(deps, SEED_STAFF, {
      idempotencyKey: key(),
      sku: 'sofa-oak',
      locationId: 'wh-north',
      qty: 2,
      reason: 'b',
    });
    await receiver.arrivals.until(() => receiver.events.length === 2, 'both events delivered', 15_000);
    await trigger.idle();
    const [a, b] = receiver.events as [WebhookPayload, WebhookPayload];
    assert.equal(a.id, firstId[0], 'the retried event was still delivered first');
    assert.equal(
      (b.data as { before: { onHand: number } }).before.onHand,
      (a.data as { after: { onHand: number } }).after.onHand,
    );
    const first = (await deliveriesOf(subscription.id)).find((d) => d.eventId === a.id)!;
    assert.equal(first.status, 'delivered');
    assert.deepEqual(
      first.log.map((l) => l.statusCode),
      [500, 500, null, 200],
    );
    assert.match(first.log[2]!.error!, /no answer within 400 ms/);
    assert.ok(first.log[2]!.latencyMs >= 390, 'the timeout took the timeout');
    // Backoff: each retry waited at least half its exponential step (40, 80, 160 ms).
    const gaps = first.log.slice(1).map((l, i) => l.at.toMillis() - first.log[i]!.at.toMillis());
    assert.ok(gaps[0]! >= 20 && gaps[1]! >= 40, `gaps ${gaps.join(', ')}`);
  });

  test('a delivery that always fails is dead-lettered after its attempts, the stream moves on, and a replay sends the range again', async () => {
    const { subscription } = await subscribe(['stock.changed']);
    const from = clock.now().toISOString();
    let poison: string | null = null;
    receiver.answer = (event) => {
      poison ??= event.id;
      return event.id === poison ? 500 : 200;
    };
    trigger = startTrigger(deps);
    await restock(deps, SEED_STAFF, {
      idempotencyKey: key(),
      sku: 'sofa-oak',
      locationId: 'wh-north',
      qty: 1,
      reason: 'a',
    });
    await restock(deps, SEED_STAFF, {
      idempotencyKey: key(),
      sku: 'sofa-oak',
      locationId: 'wh-north',
      qty: 1,
      reason: 'b',
    });
    await receiver.arrivals.until(
      () => receiver.events.length === 1,
      'the second event, after the first died',
      15_000,
    );
    await trigger.idle();
    const dead = (await deliveriesOf(subscription.id)).find((d) => d.eventId === poison)!;
    assert.equal(dead.status, 'dead');
    assert.equal(dead.attempts, 4);
    assert.equal(receiver.arrivals.seen.filter((r) => r.event.id === poison).length, 4);

    // The consumer is fixed; a replay of the range sends both again, in order.
    receiver.answer = () => 200;
    const to = new Date(clock.now().getTime() + 1000).toISOString();
    const replay = await replayWebhookEvents(deps, sam, {
      subscriptionId: subscription.id,
      from,
      to,
      idempotencyKey: key(),
    });
    assert.equal(replay.events, 2);
    await within(replay.drained, 'the replay drained');
    const again = receiver.arrivals.seen.filter((r) => r.answered === 200);
    assert.deepEqual(
      again.map((r) => [r.event.id, r.duplicate]),
      [
        [again[0]!.event.id, false],
        [poison, false],
        [again[0]!.event.id, true],
      ],
    );
    // The consumer processed each event once: the replayed duplicate was recognised by its id.
    assert.equal(receiver.processed.size, 2);
  });

  test('paused subscriptions hold their deliveries until resumed; rotation signs with both secrets for a while', async () => {
    const { subscription, secret: oldSecret } = await subscribe(['stock.changed']);
    await setSubscriptionStatus(deps, { subscriptionId: subscription.id, status: 'paused' });
    trigger = startTrigger(deps);
    await adjustStock(deps, SEED_STAFF, {
      idempotencyKey: key(),
      sku: 'sofa-oak',
      locationId: 'wh-north',
      delta: -1,
      reason: 'damaged',
      note: '',
    });
    await trigger.idle();
    assert.equal(receiver.arrivals.seen.length, 0, 'nothing is sent while paused');
    const rotated = await rotateSecret(deps, sam, { subscriptionId: subscription.id, idempotencyKey: key() });
    assert.notEqual(rotated.secret, oldSecret);
    await setSubscriptionStatus(deps, { subscriptionId: subscription.id, status: 'active' });
    await sweepWebhooks(deps);
    const got = await receiver.arrivals.until(() => true, 'the held delivery after resume');
    // Signed with the new secret and (during the grace period) the old one.
    assert.equal((await verifyWebhook(oldSecret, got.raw, got.signature)).ok, true);
    assert.equal((await verifyWebhook(rotated.secret, got.raw, got.signature)).ok, true);
  });

  test('reservation.expired goes out when the expiry job returns a hold', async () => {
    await subscribe(['reservation.expired']);
    trigger = startTrigger(deps);
    const held = await reserveStock(deps, shopper(9), {
      idempotencyKey: key(),
      lines: [{ sku: 'sofa-oak', qty: 1 }],
      region: 'north',
      allowSplit: false,
    });
    clock.offsetMs = defaultSettings.holdMs + 1000;
    await expireReservations(deps);
    const got = await receiver.arrivals.until(
      (r) => r.event.type === 'reservation.expired',
      'reservation.expired',
    );
    assert.equal(got.event.correlationId, held.reservationId);
    assert.equal(receiver.arrivals.seen.length, 1, 'only the topic subscribed to');
  });
});
