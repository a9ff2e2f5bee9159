/** updateProfile against the emulator and firestore.rules: the customer edits what is theirs to edit. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { newProfile } from '../../functions/src/customers/profile';
import { useEmulator, type TestFirestore } from '../../test/support/emulator';
import { updateProfile } from '../src';

let fs: TestFirestore;
before(async () => {
  fs = await useEmulator({ rulesFile: join(__dirname, '..', '..', 'firestore.rules') });
  const profile = newProfile(
    {
      uid: 'ada',
      displayName: 'Ada',
      email: 'ada@x.test',
      region: null,
      consent: { personalisation: true, marketing: false },
      consentSource: 'signup',
    },
    new Date(),
  );
  await fs.adminDb.doc('customers/ada').set(profile);
});
after(() => fs.stop());

describe('updateProfile', () => {
  it('saves addresses and preferences, as the rules allow', async () => {
    const result = await updateProfile({ db: fs.webDb({ uid: 'ada' }) }, 'ada', {
      region: 'uk-south',
      addresses: [
        { label: 'Home', line1: '1 Analytical Row', city: 'London', postcode: 'N1 1AA', country: 'UK' },
      ],
      preferences: { styles: ['scandi'], rooms: ['living-room'], budgetMinor: { min: 1000, max: 50000 } },
    });
    assert.deepEqual(result, { ok: true, value: undefined });
    const saved = (await fs.adminDb.doc('customers/ada').get()).data()!;
    assert.equal(saved.addresses[0].city, 'London');
    assert.equal(saved.preferences.budgetMinor.max, 50000);
    assert.equal(saved.consent.personalisation, true, 'consent untouched');
  });

  it('refuses a bad budget locally and another customer’s profile at the rules', async () => {
    const bad = await updateProfile({ db: fs.webDb({ uid: 'ada' }) }, 'ada', {
      preferences: { styles: [], rooms: [], budgetMinor: { min: 500, max: 100 } },
    });
    assert.ok(
      !bad.ok && bad.error.code === 'invalid-argument' && bad.error.field === 'preferences.budgetMinor.max',
    );
    const theirs = await updateProfile({ db: fs.webDb({ uid: 'mallory' }) }, 'ada', { displayName: 'Mal' });
    assert.ok(!theirs.ok && theirs.error.code === 'permission-denied', JSON.stringify(theirs));
  });
});
