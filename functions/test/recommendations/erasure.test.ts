/** A retrain must not give a list back to a customer who erased their data while it ran. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Timestamp } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { customerRef, newProfile, recommendationsRef } from '../../src/customers/profile';
import { writeLists } from '../../src/recommendations/publish';

describe('recommendation lists and erasure', () => {
  let fs: TestFirestore;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());

  test('lists are written only for customers whose profile still exists', async () => {
    const db = fs.adminDb;
    await customerRef(db, 'kept').set(
      newProfile(
        {
          uid: 'kept',
          displayName: 'kept',
          email: null,
          region: null,
          consent: { personalisation: true, marketing: false },
          consentSource: 'seed',
          preferences: { styles: [], rooms: [], budgetMinor: null },
        },
        new Date('2026-11-01T00:00:00Z'),
      ),
    );
    const list = {
      version: 'v1',
      generatedAt: Timestamp.fromDate(new Date('2026-11-21T00:00:00Z')),
      items: [{ productId: 'p1', score: 1 }],
    };
    // 'erased' was read as consenting when the run began, then deleted their data.
    const outcome = await writeLists(db, 'a', [
      { uid: 'kept', list },
      { uid: 'erased', list },
    ]);
    assert.deepEqual(outcome, { written: 1, skippedErased: 1 });
    assert.equal((await recommendationsRef(db, 'kept').get()).get('a.version'), 'v1');
    assert.equal((await recommendationsRef(db, 'erased').get()).exists, false);
  });
});
