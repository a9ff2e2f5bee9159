/**
 * The jobs count only trusted events: a customer who wrote 100 purchases of 10,000 units of an
 * unsold product (as the rules allowed before issue 13), or floods views, does not move
 * serving/popular; the store's own purchases, returns and seeded history still count.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { MAX_APP_EVENTS_PER_HOUR } from '@hearth/contracts';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { customerRef, eventsOf } from '../../src/customers/profile';
import { refreshPopular } from '../../src/recommendations/popular';
import { forEachEventPage } from '../../src/recommendations/read-interactions';

const day = 86_400_000;
const now = Date.UTC(2026, 10, 21, 12);
const clock = { now: () => new Date(now) };
/** An id as the SDKs' add() makes: 20 letters and digits. */
const autoId = (n: number) => `a${String(n).padStart(19, '0')}`;

let fs: TestFirestore;
let db: Firestore;
before(async () => {
  fs = await useEmulator();
  db = fs.adminDb;
});
after(() => fs.stop());
beforeEach(() => fs.clear());

async function write(docs: [uid: string, id: string, data: Record<string, unknown>][]): Promise<void> {
  for (let i = 0; i < docs.length; i += 400) {
    const batch = db.batch();
    for (const [uid, id, data] of docs.slice(i, i + 400)) batch.set(eventsOf(db, uid).doc(id), data);
    await batch.commit();
  }
}

async function setUp(uids: string[]): Promise<void> {
  const batch = db.batch();
  for (const uid of uids)
    batch.set(customerRef(db, uid), { uid, consent: { personalisation: true, marketing: false } });
  for (const id of ['sold', 'unsold', 'viewed', 'seeded'])
    batch.set(db.doc(`products/${id}`), { name: id, styleTags: ['scandi'], room: 'living', active: true });
  await batch.commit();
}

const event = (kind: string, productId: string, quantity = 1, at = now - day) => ({
  kind,
  productId,
  sku: null,
  quantity,
  at: Timestamp.fromMillis(at),
});

async function read() {
  const out = { events: [] as { userId: string; itemId: string; kind: string }[], untrusted: 0, invalid: 0 };
  await forEachEventPage(db, 300, (page) => {
    out.events.push(...page.events);
    out.untrusted += page.untrusted;
    out.invalid += page.invalid;
  });
  return out;
}

describe('events the jobs trust', () => {
  test('forged purchases do not put an unsold product into serving/popular', async () => {
    await setUp(['honest', 'mallory']);
    await write([
      ['honest', 'order-o1-0', event('purchase', 'sold', 1)],
      ['honest', 'seed-seeded-purchase', event('purchase', 'seeded', 1)],
      ...Array.from(
        { length: 100 },
        (_, n) => ['mallory', autoId(n), event('purchase', 'unsold', 10_000)] as const,
      ),
      ['mallory', 'my-own-id', event('purchase', 'unsold', 10_000)],
    ] as [string, string, Record<string, unknown>][]);
    const popular = await refreshPopular({ db, clock });
    assert.deepEqual([...popular.overall].sort(), ['seeded', 'sold']);
    assert.deepEqual([...popular.byStyle.scandi!].sort(), ['seeded', 'sold']);
    const { untrusted } = await read();
    assert.equal(untrusted, 101);
  });

  test("store events count under the store's ids only; app events within their size and auto ids", async () => {
    await setUp(['ann']);
    await write([
      ['ann', 'order-o2-1', event('purchase', 'sold', 3)],
      ['ann', 'return-l-7', event('return', 'sold', 1)],
      ['ann', 'seed-85123A-cancel', event('cancel', 'sold', 1)],
      ['ann', autoId(1), event('view', 'viewed')],
      ['ann', '3-17', event('wishlist', 'viewed')], // a slot of the event quota
      ['ann', autoId(2), event('cartAdd', 'viewed', 20)],
      ['ann', autoId(3), event('cartAdd', 'viewed', 21)], // past MAX_APP_EVENT_UNITS
      ['ann', 'order-o3-0x', event('view', 'viewed')], // an app kind under a store id
      ['ann', autoId(4), event('return', 'sold', 1)], // a store kind under an app id
    ]);
    const { events, untrusted } = await read();
    assert.deepEqual(events.map((e) => `${e.kind}:${e.itemId}`).sort(), [
      'cancel:sold',
      'cartAdd:viewed',
      'purchase:sold',
      'return:sold',
      'view:viewed',
      'wishlist:viewed',
    ]);
    assert.equal(untrusted, 3);
  });

  test(`at most ${MAX_APP_EVENTS_PER_HOUR} app events per customer and hour count`, async () => {
    await setUp(['flood', 'calm']);
    const hour = Math.floor((now - day) / 3_600_000) * 3_600_000;
    const burst = MAX_APP_EVENTS_PER_HOUR + 40;
    await write([
      // One hour's burst, and the next hour's few: each hour has its own allowance.
      ...Array.from({ length: burst }, (_, n) => ['flood', autoId(n), event('view', 'viewed', 1, hour + n)]),
      ...Array.from({ length: 5 }, (_, n) => [
        'flood',
        autoId(burst + n),
        event('view', 'viewed', 1, hour + 3_600_000 + n),
      ]),
      // Another customer's events in the same hour have their own allowance.
      ...Array.from({ length: 3 }, (_, n) => ['calm', autoId(n), event('view', 'viewed', 1, hour + n)]),
    ] as [string, string, Record<string, unknown>][]);
    const { events, untrusted } = await read();
    assert.equal(events.filter((e) => e.userId === 'flood').length, MAX_APP_EVENTS_PER_HOUR + 5);
    assert.equal(events.filter((e) => e.userId === 'calm').length, 3);
    assert.equal(untrusted, 40);
  });
});
