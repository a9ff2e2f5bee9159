/**
 * The webhook callables tried with bad input and the wrong caller, and the URL check as production
 * runs it (server-side request forgery): a clear error naming the field, and nothing written.
 */
import { OUTBOX_RETENTION_DAYS } from '@hearth/contracts';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import type { CallRequest } from '../../src/platform/callable';
import { eventCallables } from '../../src/events/callables';
import type { EventDeps } from '../../src/events/deps';
import { isPrivateAddress } from '../../src/events/ssrf';
import { key } from '../inventory/support/store';
import { eventDeps, ShiftClock } from './support/harness';
import { Receiver } from './support/receiver';
import { sweepWebhooks } from '../../src/events/sweep';
import { restock } from '../../src/inventory/stock-changes';
import { SEED_STAFF, seedStore } from '../inventory/support/store';

const user = (uid: string, claims: Record<string, unknown> = {}) => ({
  uid,
  token: { uid, ...claims } as never,
  rawToken: 'test',
});
const ivy = user('ivy');
const kim = user('kim', { staff: true });
const forged = user('eve', { staff: 'true' });

/** Production's policy, with a resolver standing in for DNS (public names resolve publicly). */
const resolver = async (host: string) =>
  ({
    'erp.example.com': ['93.184.216.34'],
    'localhost.example.com': ['127.0.0.1'],
    'split.example.com': ['93.184.216.34', '10.0.0.7'],
    'metadata.example.com': ['169.254.169.254'],
    'v6.example.com': ['fd00::1'],
  })[host] ?? [];

describe('webhook callables: bad input, wrong callers, forbidden URLs', () => {
  let fs: TestFirestore;
  let prod: EventDeps;
  let api: ReturnType<typeof eventCallables>;
  before(async () => {
    fs = await useEmulator();
    prod = eventDeps(fs.adminDb, new ShiftClock(), { urls: { allowPrivate: false, resolve: resolver } });
    api = eventCallables(() => prod);
  });
  after(() => fs.stop());

  const count = async (c: string) => (await fs.adminDb.collection(c).get()).size;
  const create = (data: Record<string, unknown>, auth: CallRequest['auth'] = kim) =>
    api.createWebhookSubscription({ data: { idempotencyKey: key(), topics: ['*'], ...data }, auth });

  async function refused(p: Promise<unknown>, code: string, field?: string) {
    await assert.rejects(p, (err: { code: string; details?: { field?: string }; message: string }) => {
      assert.equal(err.code, code, err.message);
      if (field !== undefined) assert.equal(err.details?.field, field, err.message);
      return true;
    });
  }

  test('only signed-in staff may manage webhooks, and a claim that is not exactly true is no claim', async () => {
    const url = 'https://erp.example.com/hooks';
    await refused(
      api.createWebhookSubscription({ data: { url, topics: ['*'], idempotencyKey: key() }, auth: undefined }),
      'unauthenticated',
    );
    await refused(create({ url }, ivy), 'permission-denied');
    await refused(create({ url }, forged), 'permission-denied');
    await refused(
      api.rotateWebhookSecret({ data: { subscriptionId: 'x', idempotencyKey: key() }, auth: ivy }),
      'permission-denied',
    );
    await refused(api.replayWebhookEvents({ data: {}, auth: ivy }), 'permission-denied');
    await refused(
      api.deleteWebhookSubscription({ data: { subscriptionId: 'x' }, auth: ivy }),
      'permission-denied',
    );
    assert.equal(await count('webhookSubscriptions'), 0);
  });

  test('malformed requests are refused on their field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 42 }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: 'ftp://erp.example.com/x' }, 'url'],
      [{ url: `https://erp.example.com/${'a'.repeat(2100)}` }, 'url'],
      [{ url: 'https://erp.example.com/h', topics: [] }, 'topics'],
      [{ url: 'https://erp.example.com/h', topics: ['stock.bogus'] }, 'topics.0'],
      [{ url: 'https://erp.example.com/h', topics: 'stock.changed' }, 'topics'],
      [{ url: 'https://erp.example.com/h', description: 'x'.repeat(201) }, 'description'],
      [{ url: 'https://erp.example.com/h', idempotencyKey: 'short' }, 'idempotencyKey'],
    ];
    for (const [data, field] of cases) await refused(create(data), 'invalid-argument', field);
    const sub = (data: Record<string, unknown>) => ({ data, auth: kim });
    await refused(
      api.setWebhookSubscriptionStatus(sub({ subscriptionId: 'a/b', status: 'active' })),
      'invalid-argument',
      'subscriptionId',
    );
    await refused(
      api.setWebhookSubscriptionStatus(sub({ subscriptionId: 'ok', status: 'deleted' })),
      'invalid-argument',
      'status',
    );
    const range = { subscriptionId: 'nope', idempotencyKey: key() };
    await refused(
      api.replayWebhookEvents(sub({ ...range, from: '2026-12-02T10:00:00Z', to: '2026-12-01T10:00:00Z' })),
      'invalid-argument',
      'to',
    );
    await refused(
      api.replayWebhookEvents(sub({ ...range, from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' })),
      'invalid-argument',
      'to',
    );
    await refused(
      api.replayWebhookEvents(sub({ ...range, from: 'yesterday', to: '2026-03-01T00:00:00Z' })),
      'invalid-argument',
      'from',
    );
    assert.equal(await count('webhookSubscriptions'), 0);
    assert.equal(await count('webhookSecrets'), 0);
  });

  test('a replay reaching back past what the outbox keeps is refused on from, and starts nothing', async () => {
    const made = await create({ url: 'https://erp.example.com/hooks' });
    const now = prod.clock.now().getTime();
    const day = 86_400_000;
    const replay = (daysBack: number) =>
      api.replayWebhookEvents({
        data: {
          subscriptionId: made.subscription.id,
          idempotencyKey: key(),
          from: new Date(now - daysBack * day).toISOString(),
          to: new Date(now - (daysBack - 2) * day).toISOString(),
        },
        auth: kim,
      });
    await refused(replay(OUTBOX_RETENTION_DAYS + 1), 'invalid-argument', 'from');
    assert.equal(await count('webhookReplays'), 0);
    assert.equal((await replay(OUTBOX_RETENTION_DAYS - 1)).events, 0, 'inside the retention: replayed');
    // The other tests count what they leave: this one leaves nothing behind.
    await api.deleteWebhookSubscription({ data: { subscriptionId: made.subscription.id }, auth: kim });
    for (const d of (await fs.adminDb.collection('webhookReplays').get()).docs) await d.ref.delete();
  });

  test('unknown or forged subscription ids are not-found and change nothing', async () => {
    const data = { subscriptionId: 'no-such-subscription' };
    await refused(
      api.setWebhookSubscriptionStatus({ data: { ...data, status: 'paused' }, auth: kim }),
      'not-found',
    );
    await refused(
      api.rotateWebhookSecret({ data: { ...data, idempotencyKey: key() }, auth: kim }),
      'not-found',
    );
    await refused(
      api.replayWebhookEvents({
        data: { ...data, idempotencyKey: key(), from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' },
        auth: kim,
      }),
      'not-found',
    );
    assert.deepEqual(await api.deleteWebhookSubscription({ data, auth: kim }), { deleted: false });
    assert.equal(await count('webhookReplays'), 0);
  });

  test('production refuses loopback, private, link-local and reserved addresses, and plain http', async () => {
    const bad = [
      'http://erp.example.com/hooks',
      'https://127.0.0.1/hooks',
      'https://[::1]/hooks',
      'https://10.1.2.3/hooks',
      'https://172.20.0.1/hooks',
      'https://192.168.1.10/hooks',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/hooks',
      'https://[::ffff:10.0.0.1]/hooks',
      'https://[fe80::1]/hooks',
      'https://0.0.0.0/hooks',
      'https://localhost.example.com/hooks',
      'https://split.example.com/hooks',
      'https://metadata.example.com/hooks',
      'https://v6.example.com/hooks',
      'https://nowhere.example.com/hooks',
      'https://user:pass@erp.example.com/hooks',
    ];
    for (const url of bad) await refused(create({ url }), 'invalid-argument', 'url');
    assert.equal(await count('webhookSubscriptions'), 0);
    const ok = await create({ url: 'https://erp.example.com/hooks' });
    assert.match(ok.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.equal(await count('webhookSubscriptions'), 1);
    const stored = (await fs.adminDb.doc(`webhookSubscriptions/${ok.subscription.id}`).get()).data()!;
    assert.equal(JSON.stringify(stored).includes(ok.secret), false, 'the readable document has no secret');
    for (const a of ['8.8.8.8', '2606:4700:4700::1111']) assert.equal(isPrivateAddress(a), false, a);
    for (const a of ['127.0.0.53', '::1', '::ffff:127.0.0.1', 'fc00::5', 'not-an-ip'])
      assert.equal(isPrivateAddress(a), true, a);
  });

  test('a subscription to loopback made on the local stack is not called from production', async () => {
    await fs.clear();
    const local = eventDeps(fs.adminDb, new ShiftClock());
    await seedStore(local, [{ sku: 'rug-wool', stock: { 'wh-north': 2 } }]);
    await sweepWebhooks(local);
    const receiver = await new Receiver().start();
    try {
      const made = await eventCallables(() => local).createWebhookSubscription({
        data: { url: receiver.url, topics: ['*'], idempotencyKey: key() },
        auth: kim,
      });
      await restock(local, SEED_STAFF, {
        idempotencyKey: key(),
        sku: 'rug-wool',
        locationId: 'wh-north',
        qty: 1,
        reason: 'a',
      });
      await sweepWebhooks({ ...prod, delivery: { ...prod.delivery, maxAttempts: 1 } });
      assert.equal(receiver.arrivals.seen.length, 0, 'no request reached the loopback receiver');
      const d = (
        await fs.adminDb
          .collection('webhookDeliveries')
          .where('subscriptionId', '==', made.subscription.id)
          .get()
      ).docs;
      assert.ok(d.length >= 1);
      for (const doc of d) {
        assert.equal(doc.get('status'), 'dead');
        assert.match(doc.get('log')[0].error, /private, loopback or reserved|must be https/);
      }
    } finally {
      await receiver.stop();
    }
  });
});
