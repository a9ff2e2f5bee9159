/**
 * Customer profiles, consent, export and erasure against the emulator. Sign-in accounts are a small
 * in-memory stand-in for the Auth emulator (only getUser/deleteUser are used); Firestore is real.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Timestamp } from 'firebase-admin/firestore';
import type { UserRecord } from 'firebase-admin/auth';
import { ExportMyDataResponse } from '@hearth/contracts';
import { customerCallables } from '../../src/customers/callables';
import type { CustomerDeps } from '../../src/customers/deps';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';

class Accounts {
  readonly users = new Map<string, { email: string }>();
  failNextDelete = false;
  async getUser(uid: string): Promise<UserRecord> {
    const u = this.users.get(uid);
    if (!u) throw Object.assign(new Error('no user'), { code: 'auth/user-not-found' });
    return {
      uid,
      email: u.email,
      displayName: uid,
      metadata: { creationTime: 'Sat, 21 Nov 2026 09:00:00 GMT' },
    } as UserRecord;
  }
  async deleteUser(uid: string): Promise<void> {
    if (this.failNextDelete) {
      this.failNextDelete = false;
      throw Object.assign(new Error('auth is down'), { code: 'auth/internal-error' });
    }
    if (!this.users.delete(uid)) throw Object.assign(new Error('no user'), { code: 'auth/user-not-found' });
  }
}

let fs: TestFirestore;
let accounts: Accounts;
let deps: CustomerDeps;
let now = Date.parse('2026-11-21T09:00:00Z');
const api = customerCallables(() => deps);
const as = (uid: string, data: unknown = {}) => ({
  data,
  auth: { uid, token: { email: `${uid}@x.test`, name: uid } } as never,
});

before(async () => {
  fs = await useEmulator();
});
after(() => fs.stop());
beforeEach(async () => {
  await fs.clear();
  accounts = new Accounts();
  deps = { db: fs.adminDb, clock: { now: () => new Date(now) }, auth: accounts };
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'no error';
}

describe('profiles and consent', () => {
  it('ensureProfile creates the profile once, with the sign-up choices in its history', async () => {
    const first = await api.ensureProfile(
      as('ada', { consent: { personalisation: true }, region: 'uk-south' }),
    );
    assert.deepEqual(first, { created: true, consent: { personalisation: true, marketing: false } });
    const again = await api.ensureProfile(as('ada', { consent: { marketing: true } }));
    assert.deepEqual(again, { created: false, consent: { personalisation: true, marketing: false } });
    const profile = (await fs.adminDb.doc('customers/ada').get()).data()!;
    assert.equal(profile.email, 'ada@x.test');
    assert.equal(profile.region, 'uk-south');
    assert.deepEqual(
      profile.consentHistory.map((c: { purpose: string; granted: boolean; source: string }) => [
        c.purpose,
        c.granted,
        c.source,
      ]),
      [
        ['personalisation', true, 'signup'],
        ['marketing', false, 'signup'],
      ],
    );
  });

  it('setConsent changes flags and records each change, and only changes', async () => {
    await api.ensureProfile(as('ben'));
    now += 1000;
    assert.deepEqual(await api.setConsent(as('ben', { marketing: true, personalisation: false })), {
      consent: { personalisation: false, marketing: true },
      changed: ['marketing'],
    });
    assert.deepEqual((await api.setConsent(as('ben', { marketing: true }))).changed, []);
    const history = (await fs.adminDb.doc('customers/ben').get()).data()!.consentHistory;
    assert.equal(history.length, 3);
    assert.deepEqual([history[2].purpose, history[2].granted, history[2].source], ['marketing', true, 'app']);
    assert.equal(history[2].at.toMillis(), now);
  });

  it('answers bad calls with the right code and changes nothing', async () => {
    assert.equal(await codeOf(api.ensureProfile({ data: {}, auth: undefined } as never)), 'unauthenticated');
    assert.equal(await codeOf(api.setConsent(as('cleo', {}))), 'invalid-argument');
    assert.equal(await codeOf(api.setConsent(as('cleo', { marketing: 'yes' }))), 'invalid-argument');
    assert.equal(await codeOf(api.setConsent(as('cleo', { marketing: true }))), 'failed-precondition');
    assert.equal(await codeOf(api.deleteMyData(as('cleo', {}))), 'invalid-argument');
    assert.equal(await codeOf(api.deleteMyData(as('cleo', { confirm: 'yes' }))), 'invalid-argument');
    assert.equal((await fs.adminDb.collection('customers').get()).size, 0);
  });
});

/** A customer with something in every place the store keeps personal data, and a neighbour. */
async function customerWithHistory(uid: string, events = 3): Promise<void> {
  const db = fs.adminDb;
  accounts.users.set(uid, { email: `${uid}@x.test` });
  await api.ensureProfile(as(uid, { consent: { personalisation: true } }));
  const at = Timestamp.fromMillis(now);
  const writer = db.bulkWriter();
  for (let i = 0; i < events; i++) {
    void writer.set(db.doc(`customers/${uid}/events/e${i}`), {
      kind: 'view',
      productId: `p${i}`,
      sku: null,
      quantity: 1,
      at,
    });
  }
  await writer.close();
  await db.doc(`orders/o-${uid}`).set({
    customerId: uid,
    reservationId: `r-${uid}`,
    totalMinor: 1299,
    currency: 'GBP',
    lines: [],
    createdAt: at,
  });
  await db
    .doc(`reservations/r-${uid}`)
    .set({ customerId: uid, status: 'checked_out', lines: [], createdAt: at, expiresAt: at });
  await db
    .doc(`recommendations/${uid}`)
    .set({ items: [{ productId: 'p1', score: 0.9 }], modelVersion: 'v1', generatedAt: at });
  await db.doc(`customers/${uid}/exposures/x1`).set({
    experimentId: 'x1',
    slot: 'b',
    version: 'v2',
    firstAt: at,
    lastAt: at,
    answers: 1,
    impressions: 3,
    served: ['p1', 'p2', 'p3'],
  });
  await db
    .doc(`ledger/l-${uid}`)
    .set({ kind: 'sale', sku: 'S1', qty: 1, actor: { uid, role: 'customer' }, at });
  await db.doc(`idempotency/reserveStock:${uid}:k1`).set({ scope: 'reserveStock', uid, result: {} });
}

describe('exportMyData and deleteMyData', () => {
  it("exports everything about the caller and nothing about anyone else's", async () => {
    await customerWithHistory('ada');
    await customerWithHistory('ben');
    const exported = await api.exportMyData(as('ada'));
    const parsed = ExportMyDataResponse.parse(JSON.parse(JSON.stringify(exported)));
    assert.equal(parsed.uid, 'ada');
    assert.equal(parsed.account?.email, 'ada@x.test');
    assert.equal(parsed.profile?.path, 'customers/ada');
    assert.equal(parsed.profile?.data.createdAt, new Date(now).toISOString());
    assert.equal(parsed.events.length, 3);
    assert.deepEqual(
      parsed.orders.map((o) => o.path),
      ['orders/o-ada'],
    );
    assert.deepEqual(
      parsed.reservations.map((r) => r.path),
      ['reservations/r-ada'],
    );
    assert.equal(parsed.recommendations?.path, 'recommendations/ada');
    assert.deepEqual(
      parsed.exposures.map((x) => [x.path, x.data.version]),
      [['customers/ada/exposures/x1', 'v2']],
    );
  });

  it('erases what is theirs, anonymises what the accounts keep, and an export then finds nothing', async () => {
    await customerWithHistory('ada', 650); // more than one page of events
    await customerWithHistory('ben');
    const result = await api.deleteMyData(as('ada', { confirm: 'DELETE' }));
    assert.deepEqual(result, {
      deleted: { profile: true, events: 650, recommendations: true, account: true },
      anonymised: { orders: 1, reservations: 1, ledgerEntries: 1 },
    });
    const left = await api.exportMyData(as('ada'));
    assert.deepEqual(
      { ...left, exportedAt: '' },
      {
        format: 'hearth-export/1',
        uid: 'ada',
        exportedAt: '',
        account: null,
        profile: null,
        events: [],
        orders: [],
        reservations: [],
        recommendations: null,
        exposures: [],
      },
    );
    const order = (await fs.adminDb.doc('orders/o-ada').get()).data()!;
    assert.match(order.customerId, /^erased-/);
    assert.equal(order.totalMinor, 1299, 'the accounting facts stay');
    const ledger = (await fs.adminDb.doc('ledger/l-ada').get()).data()!;
    assert.equal(ledger.actor.uid, order.customerId, 'one pseudonym across the records of one erasure');
    assert.equal(ledger.qty, 1);
    assert.equal((await fs.adminDb.doc('idempotency/reserveStock:ada:k1').get()).exists, false);
    const ben = await api.exportMyData(as('ben'));
    assert.equal(ben.events.length, 3, "the neighbour's data is untouched");
    assert.equal(ben.orders.length, 1);
  });

  it('is safe to retry after a failure part-way, and a second erasure does nothing', async () => {
    await customerWithHistory('cleo');
    accounts.failNextDelete = true;
    assert.equal(await codeOf(api.deleteMyData(as('cleo', { confirm: 'DELETE' }))), 'internal');
    const retried = await api.deleteMyData(as('cleo', { confirm: 'DELETE' }));
    assert.deepEqual(retried, {
      deleted: { profile: false, events: 0, recommendations: false, account: true },
      anonymised: { orders: 0, reservations: 0, ledgerEntries: 0 },
    });
    const again = await api.deleteMyData(as('cleo', { confirm: 'DELETE' }));
    assert.equal(again.deleted.account, false);
    const left = await api.exportMyData(as('cleo'));
    assert.equal(left.profile, null);
    assert.equal(left.orders.length + left.events.length + left.reservations.length, 0);
  });
});

describe("staff acting on a customer's request: exportCustomerData and eraseCustomer", () => {
  const withClaims = (uid: string, claims: Record<string, boolean>, data: unknown) => ({
    data,
    auth: { uid, token: { email: `${uid}@x.test`, ...claims } } as never,
  });

  it('gives staff the same copy the customer would get, and refuses it to a customer', async () => {
    await customerWithHistory('ada');
    const byStaff = await api.exportCustomerData(withClaims('sam', { staff: true }, { uid: 'ada' }));
    const own = await api.exportMyData(as('ada'));
    assert.deepEqual({ ...byStaff, exportedAt: '' }, { ...own, exportedAt: '' });
    assert.equal(await codeOf(api.exportCustomerData(as('ben', { uid: 'ada' }))), 'permission-denied');
    assert.equal(
      await codeOf(api.exportCustomerData(withClaims('sam', { staff: true }, {}))),
      'invalid-argument',
    );
  });

  it('erases only for an admin who confirms, as deleteMyData does', async () => {
    await customerWithHistory('ada');
    await customerWithHistory('ben');
    const staff = withClaims('sam', { staff: true }, { uid: 'ada', confirm: 'DELETE' });
    assert.equal(await codeOf(api.eraseCustomer(staff)), 'permission-denied');
    const unconfirmed = withClaims('alex', { admin: true }, { uid: 'ada', confirm: 'yes' });
    assert.equal(await codeOf(api.eraseCustomer(unconfirmed)), 'invalid-argument');
    assert.equal((await fs.adminDb.doc('customers/ada').get()).exists, true, 'nothing erased yet');
    const result = await api.eraseCustomer(
      withClaims('alex', { admin: true }, { uid: 'ada', confirm: 'DELETE' }),
    );
    assert.equal(result.deleted.profile, true);
    assert.equal(result.deleted.account, true);
    assert.equal((await fs.adminDb.doc('customers/ada').get()).exists, false);
    assert.equal((await api.exportMyData(as('ben'))).orders.length, 1, "the neighbour's data is untouched");
  });
});
