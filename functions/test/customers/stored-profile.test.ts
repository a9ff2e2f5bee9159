/**
 * A stored profile the schema rejects (written before the rules were tightened: a blank address
 * label, a budget past 2^53): ensureProfile answers failed-precondition naming each field and who
 * can repair it, setConsent still works (withdrawing consent must never be blocked), and the
 * customer's own update of the field under firestore.rules repairs it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { doc, serverTimestamp, updateDoc } from 'firebase/firestore';
import { customerCallables } from '../../src/customers/callables';
import type { CustomerDeps } from '../../src/customers/deps';
import { newProfile } from '../../src/customers/profile';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';

let fs: TestFirestore;
let deps: CustomerDeps;
const api = customerCallables(() => deps);
const as = (uid: string, data: unknown = {}) => ({
  data,
  auth: { uid, token: { email: `${uid}@x.test`, name: uid } } as never,
});
const profile = () =>
  newProfile(
    {
      uid: 'ada',
      displayName: 'Ada',
      email: 'ada@x.test',
      region: 'uk-south',
      consent: { personalisation: true, marketing: false },
      consentSource: 'signup',
    },
    new Date(Date.UTC(2026, 0, 1)),
  );
const address = { label: 'Home', line1: '1 High St', city: 'Leeds', postcode: 'LS1 1AA', country: 'UK' };

interface Refusal {
  code: string;
  message: string;
  details: { reason: string; fields: { field: string; message: string; repair: string }[] };
}
async function refusal(p: Promise<unknown>): Promise<Refusal> {
  try {
    await p;
  } catch (err) {
    return err as Refusal;
  }
  assert.fail('expected an error');
}

before(async () => {
  fs = await useEmulator();
  const rules = readFileSync(join(__dirname, '..', '..', '..', 'firestore.rules'), 'utf8');
  const loaded = await fetch(`http://${fs.host}/emulator/v1/projects/${fs.projectId}:securityRules`, {
    method: 'PUT',
    body: JSON.stringify({ rules: { files: [{ name: 'firestore.rules', content: rules }] } }),
  });
  assert.equal(loaded.status, 200, await loaded.text());
});
after(() => fs.stop());
beforeEach(async () => {
  await fs.clear();
  const accounts = { getUser: () => Promise.reject(new Error('unused')), deleteUser: async () => {} };
  deps = { db: fs.adminDb, clock: { now: () => new Date(Date.UTC(2026, 5, 1)) }, auth: accounts as never };
});

describe('a stored profile the schema rejects', () => {
  it('ensureProfile names each bad field and how to repair it, not internal', async () => {
    await fs.adminDb.doc('customers/ada').set({
      ...profile(),
      addresses: [address, { ...address, label: '   ' }],
      preferences: { styles: ['scandi'], rooms: [], budgetMinor: { min: 0, max: 2n ** 60n } },
    });
    const err = await refusal(api.ensureProfile(as('ada')));
    assert.equal(err.code, 'failed-precondition');
    assert.equal(err.details.reason, 'invalid-profile');
    assert.deepEqual(
      err.details.fields.map((f) => [f.field, f.repair]),
      [
        ['addresses.1.label', 'customer'],
        ['preferences.budgetMinor.max', 'customer'],
      ],
    );
    assert.match(err.message, /addresses\.1\.label \(must not be blank\)/);
    assert.match(err.message, /save .* again with valid values \(an update of customers\/ada/);
  });

  it('says when only the store can repair a field', async () => {
    await fs.adminDb.doc('customers/ada').set({ ...profile(), consent: { personalisation: 'yes' } });
    const err = await refusal(api.ensureProfile(as('ada')));
    assert.equal(err.code, 'failed-precondition');
    assert.ok(err.details.fields.length > 0);
    assert.ok(err.details.fields.every((f) => f.repair === 'store' && f.field.startsWith('consent')));
    assert.match(err.message, /can only be repaired by the store: contact support/);
    assert.doesNotMatch(err.message, /save /);
  });

  it('setConsent still records a withdrawal, and leaves the rest as it was', async () => {
    await fs.adminDb.doc('customers/ada').set({ ...profile(), addresses: [{ ...address, label: ' ' }] });
    assert.deepEqual(await api.setConsent(as('ada', { personalisation: false })), {
      consent: { personalisation: false, marketing: false },
      changed: ['personalisation'],
    });
    const stored = (await fs.adminDb.doc('customers/ada').get()).data()!;
    assert.equal(stored.consent.personalisation, false);
    assert.equal(stored.consentHistory.at(-1).granted, false);
    assert.equal(stored.addresses[0].label, ' ');
  });

  it("setConsent on a broken consent history is failed-precondition for the store's repair", async () => {
    await fs.adminDb.doc('customers/ada').set({ ...profile(), consentHistory: 'lost' });
    const err = await refusal(api.setConsent(as('ada', { marketing: true })));
    assert.equal(err.code, 'failed-precondition');
    assert.deepEqual(err.details.fields, [
      { field: 'consentHistory', message: err.details.fields[0]!.message, repair: 'store' },
    ]);
  });

  it("the customer's own update of the field, under firestore.rules, repairs it", async () => {
    await fs.adminDb.doc('customers/ada').set({ ...profile(), addresses: [{ ...address, label: '\u3000' }] });
    await refusal(api.ensureProfile(as('ada')));
    const web = fs.webDb({ uid: 'ada' });
    // The rules refuse writing it blank again, and allow the valid value.
    await assert.rejects(
      updateDoc(doc(web, 'customers/ada'), {
        addresses: [{ ...address, label: ' ' }],
        updatedAt: serverTimestamp(),
      }),
      (e: { code?: string }) => e.code === 'permission-denied',
    );
    await updateDoc(doc(web, 'customers/ada'), { addresses: [address], updatedAt: serverTimestamp() });
    assert.deepEqual(await api.ensureProfile(as('ada')), {
      created: false,
      consent: { personalisation: true, marketing: false },
    });
  });
});
