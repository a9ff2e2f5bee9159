/**
 * The browser leg of the conformance suite, transactions and security rules: the web SDK's
 * optimistic transactions (REST batchGet, then a commit with preconditions) in Chromium, racing
 * the admin SDK's locking transactions over gRPC; and firestore.rules deciding the same way for a
 * signed-in page whichever transport its request takes (WebChannel Listen and Write, REST reads
 * and commits).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, type TestBrowser } from '../../../test/support/browser';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { openPageDb, TRANSPORTS, type PageDb } from './page-db';

let browser: TestBrowser;
let fs: TestFirestore;
before(async () => {
  fs = await useEmulator();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await fs?.stop();
});

for (const transport of TRANSPORTS) {
  describe(`browser transactions (${transport.name})`, () => {
    let web: PageDb;
    const root = `tx-${transport.name}`;
    before(async () => {
      web = await openPageDb(browser, fs, { settings: transport.settings });
    });
    after(() => web.close());

    it('twenty page transactions racing twenty admin transactions on one counter lose no increment', async () => {
      const path = `${root}/counter`;
      await fs.adminDb.doc(path).set({ n: 0 });
      const pageRuns = web.run(
        (path) => {
          const f = window.sdk.firestore;
          const ref = f.doc(window.t.db, path);
          return Promise.all(
            Array.from({ length: 20 }, () =>
              f.runTransaction(
                window.t.db,
                async (tx) => {
                  const snap = await tx.get(ref);
                  tx.update(ref, { n: snap.data()!.n + 1 });
                },
                { maxAttempts: 50 },
              ),
            ),
          );
        },
        path,
        60_000,
      );
      const adminRuns = Promise.all(
        Array.from({ length: 20 }, () =>
          fs.adminDb.runTransaction(async (tx) => {
            const snap = await tx.get(fs.adminDb.doc(path));
            tx.update(fs.adminDb.doc(path), { n: snap.data()!.n + 1 });
          }),
        ),
      );
      await Promise.all([pageRuns, adminRuns]);
      assert.equal((await fs.adminDb.doc(path).get()).data()!.n, 40);
    });

    it('creates a document it read as missing, and a transaction that throws writes nothing', async () => {
      const outcome = await web.run(async (root) => {
        const f = window.sdk.firestore;
        const db = window.t.db;
        const created = await f.runTransaction(db, async (tx) => {
          const snap = await tx.get(f.doc(db, `${root}/fresh`));
          if (snap.exists()) return 'existed';
          tx.set(f.doc(db, `${root}/fresh`), { made: true });
          return 'created';
        });
        let thrown = '';
        try {
          await f.runTransaction(db, async (tx) => {
            tx.set(f.doc(db, `${root}/never`), { made: true });
            throw new Error('changed my mind');
          });
        } catch (e) {
          thrown = (e as Error).message;
        }
        return { created, thrown };
      }, root);
      assert.deepEqual(outcome, { created: 'created', thrown: 'changed my mind' });
      assert.deepEqual((await fs.adminDb.doc(`${root}/fresh`).get()).data(), { made: true });
      assert.equal((await fs.adminDb.doc(`${root}/never`).get()).exists, false);
    });

    it('retries when a document it read changes before its commit, and commits on fresh data', async () => {
      const path = `${root}/contested`;
      await fs.adminDb.doc(path).set({ v: 'original', seen: [] });
      await web.run((path) => {
        const f = window.sdk.firestore;
        const ref = f.doc(window.t.db, path);
        window.t.attempts = [] as string[];
        window.t.tx = f.runTransaction(window.t.db, async (tx) => {
          const snap = await tx.get(ref);
          window.t.attempts.push(snap.data()!.v);
          // The first attempt waits for the test to change the document under it.
          if (window.t.attempts.length === 1) {
            await new Promise<void>((resolve) => (window.t.release = resolve));
          }
          tx.update(ref, { seen: window.t.attempts });
        });
      }, path);
      await web.run(
        () =>
          new Promise<void>((resolve) => {
            const check = () => (window.t.release ? resolve() : setTimeout(check, 5));
            check();
          }),
        undefined,
        10_000,
      );
      await fs.adminDb.doc(path).update({ v: 'changed' });
      const attempts = await web.run(async () => {
        window.t.release();
        await window.t.tx;
        return window.t.attempts;
      });
      assert.deepEqual(attempts, ['original', 'changed']);
      assert.deepEqual((await fs.adminDb.doc(path).get()).data(), {
        v: 'changed',
        seen: ['original', 'changed'],
      });
    });
  });
}

const RULES = `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    match /private/{uid} {
      allow read, write: if request.auth != null && request.auth.uid == uid;
    }
    match /catalog/{id} {
      allow read: if resource.data.visible == true;
      allow write: if false;
    }
  }
}`;

describe('browser security rules', () => {
  let alice: PageDb;
  let anonymous: PageDb;
  before(async () => {
    const response = await fetch(`http://${fs.host}/emulator/v1/projects/${fs.projectId}:securityRules`, {
      method: 'PUT',
      body: JSON.stringify({ rules: { files: [{ name: 'firestore.rules', content: RULES }] } }),
    });
    assert.equal(response.status, 200, await response.text());
    await fs.adminDb.doc('private/bob').set({ secret: 'bob' });
    await fs.adminDb.doc('catalog/shown').set({ visible: true, name: 'Lamp' });
    await fs.adminDb.doc('catalog/hidden').set({ visible: false, name: 'Prototype' });
    alice = await openPageDb(browser, fs, { auth: { uid: 'alice', email: 'alice@example.com' } });
    anonymous = await openPageDb(browser, fs);
  });
  after(async () => {
    await alice?.close();
    await anonymous?.close();
  });

  /** The error code each attempt ended with, or 'ok'. */
  const attempt = (web: PageDb, name: string) =>
    web.run(async (name) => {
      const f = window.sdk.firestore;
      const db = window.t.db;
      const attempts: Record<string, () => Promise<unknown>> = {
        readOwn: () => f.getDocFromServer(f.doc(db, 'private/alice')),
        writeOwn: () => f.setDoc(f.doc(db, 'private/alice'), { secret: 'alice' }),
        readOther: () => f.getDocFromServer(f.doc(db, 'private/bob')),
        writeOther: () => f.setDoc(f.doc(db, 'private/bob'), { secret: 'forged' }),
        listenOther: () =>
          new Promise((resolve, reject) => {
            const stop = f.onSnapshot(
              f.doc(db, 'private/bob'),
              (s) => !s.metadata.fromCache && resolve(stop()),
              reject,
            );
          }),
        transactionOther: () => f.runTransaction(db, (tx) => tx.get(f.doc(db, 'private/bob'))),
        countOther: () => f.getCountFromServer(f.collection(db, 'private')),
        queryVisible: () =>
          f.getDocsFromServer(f.query(f.collection(db, 'catalog'), f.where('visible', '==', true))),
        queryAll: () => f.getDocsFromServer(f.collection(db, 'catalog')),
        readHidden: () => f.getDocFromServer(f.doc(db, 'catalog/hidden')),
        writeCatalog: () => f.setDoc(f.doc(db, 'catalog/shown'), { visible: true, name: 'Forged' }),
      };
      try {
        await attempts[name]!();
        return 'ok';
      } catch (e) {
        return (e as { code?: string }).code ?? String(e);
      }
    }, name);

  const cases: Array<[string, string, string]> = [
    ['alice', 'readOwn', 'ok'],
    ['alice', 'writeOwn', 'ok'],
    ['alice', 'readOther', 'permission-denied'],
    ['alice', 'writeOther', 'permission-denied'],
    ['alice', 'listenOther', 'permission-denied'],
    ['alice', 'transactionOther', 'permission-denied'],
    ['alice', 'countOther', 'permission-denied'],
    ['alice', 'queryVisible', 'ok'],
    ['alice', 'queryAll', 'permission-denied'],
    ['alice', 'readHidden', 'permission-denied'],
    ['alice', 'writeCatalog', 'permission-denied'],
    ['anonymous', 'readOwn', 'permission-denied'],
    ['anonymous', 'writeOwn', 'permission-denied'],
    ['anonymous', 'queryVisible', 'ok'],
  ];
  for (const [who, name, expected] of cases) {
    it(`${who}: ${name} is ${expected}`, async () => {
      assert.equal(await attempt(who === 'alice' ? alice : anonymous, name), expected);
    });
  }

  it('nothing a denied request tried to write was written', async () => {
    assert.deepEqual((await fs.adminDb.doc('private/bob').get()).data(), { secret: 'bob' });
    assert.deepEqual((await fs.adminDb.doc('catalog/shown').get()).data(), { visible: true, name: 'Lamp' });
    assert.deepEqual((await fs.adminDb.doc('private/alice').get()).data(), { secret: 'alice' });
  });
});
