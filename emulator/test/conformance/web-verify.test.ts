import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { doc, getDoc, runTransaction, setDoc } from 'firebase/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';

// The web SDK proves what a transaction read but did not write with `verify` writes, a Write
// field the server SDK's protos do not have. These cases fail if the emulator drops it.
describe('web transactions that read one document and write another', () => {
  let fs: TestFirestore;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());

  it('commit, carrying what they read', async () => {
    const web = fs.webDb();
    await setDoc(doc(web, 'source/x'), { n: 7 });
    await runTransaction(web, async (tx) => {
      const source = await tx.get(doc(web, 'source/x'));
      tx.set(doc(web, 'target/y'), { copied: source.get('n') });
    });
    assert.deepEqual((await getDoc(doc(web, 'target/y'))).data(), { copied: 7 });
  });

  it('retry when a document they only read changed before commit, and see the new value', async () => {
    const web = fs.webDb();
    await setDoc(doc(web, 'source/z'), { n: 1 });
    let attempts = 0;
    await runTransaction(web, async (tx) => {
      attempts++;
      const source = await tx.get(doc(web, 'source/z'));
      // A write from elsewhere lands between this transaction's read and its commit, once.
      if (attempts === 1) await fs.adminDb.doc('source/z').set({ n: 2 });
      tx.set(doc(web, 'target/z'), { copied: source.get('n') });
    });
    assert.equal(attempts, 2);
    assert.deepEqual((await getDoc(doc(web, 'target/z'))).data(), { copied: 2 });
  });
});
