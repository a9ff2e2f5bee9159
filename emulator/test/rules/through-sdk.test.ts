/**
 * Rules semantics that depend on what the web SDK actually sends: update masks and transforms
 * folded into `request.resource`, `diff()` over the merged document, the get()/exists() budget per
 * request and per batch, and list queries that try to reach documents the rule does not allow.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  and,
  collection,
  collectionGroup,
  deleteDoc,
  deleteField,
  doc,
  documentId,
  FieldPath,
  getCountFromServer,
  getDoc,
  getDocs,
  increment,
  onSnapshot,
  or,
  query,
  runTransaction,
  setDoc,
  updateDoc,
  where,
  writeBatch,
  type Firestore,
  type Query,
} from 'firebase/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { databaseName, rawClient } from '../conformance/raw-client';
import { within } from '../../../test/support/within';

const reads = (n: number, joiner: string, from = 0) =>
  Array.from({ length: n }, (_, i) => `exists(/databases/$(db)/documents/x/d${from + i})`).join(joiner);

const RULES = `rules_version = '2';
service cloud.firestore {
  match /databases/{db}/documents {
    match /merged/{id} {
      allow read: if true;
      allow update: if request.resource.data.keep == 'kept'
        && request.resource.data.m.y == 'y'
        && request.resource.data.diff(resource.data).affectedKeys().hasOnly(['a', 'm', 'gone']);
    }
    match /ten/{id} {
      allow read, write: if ${reads(10, ' && ')};
    }
    match /eleven/{id} {
      allow read, write: if ${reads(11, ' && ')};
    }
    match /tenOthers/{id} {
      allow write: if ${reads(10, ' && ', 10)};
    }
    match /oneMore/{id} {
      allow write: if ${reads(1, ' && ', 20)};
    }
    match /own/{id} {
      allow read: if resource.data.owner == request.auth.uid;
    }
    match /deleting/{id} {
      allow update: if !('gone' in request.resource.data) && request.resource.data.keep == 'kept';
    }
    match /counted/{id} {
      allow update: if request.resource.data.n == resource.data.n + 1;
    }
  }
}`;

describe('rules through the web SDK', () => {
  let fs: TestFirestore;
  let alice: Firestore;
  before(async () => {
    fs = await useEmulator();
    const loaded = await fetch(`http://${fs.host}/emulator/v1/projects/${fs.projectId}:securityRules`, {
      method: 'PUT',
      body: JSON.stringify({ rules: { files: [{ name: 'firestore.rules', content: RULES }] } }),
    });
    assert.equal(loaded.status, 200, await loaded.text());
    alice = fs.webDb({ uid: 'alice' });
    const batch = fs.adminDb.batch();
    for (let i = 0; i < 21; i++) batch.set(fs.adminDb.doc(`x/d${i}`), {});
    batch.set(fs.adminDb.doc('ten/t'), {});
    batch.set(fs.adminDb.doc('eleven/e'), {});
    batch.set(fs.adminDb.doc('own/a'), { owner: 'alice' });
    batch.set(fs.adminDb.doc('own/b'), { owner: 'bob' });
    await batch.commit();
  });
  after(() => fs.stop());

  const allowed = (request: () => Promise<unknown>) => assert.doesNotReject(request());
  const denied = (request: () => Promise<unknown>) =>
    assert.rejects(request(), (e: { code?: string }) => e.code === 'permission-denied');

  it("rules loaded for one project do not apply to another's requests", async () => {
    const other = await useEmulator();
    try {
      await other.adminDb.doc('own/b').set({ owner: 'bob' });
      await allowed(() => getDoc(doc(other.webDb({ uid: 'alice' }), 'own/b')));
      await denied(() => getDoc(doc(alice, 'own/b')));
    } finally {
      await other.stop();
    }
  });

  it('only the Admin SDK lists collection ids: no rule can allow it to a client', async () => {
    assert.ok((await fs.adminDb.listCollections()).some((c) => c.id === 'own'));
    const raw = rawClient(fs.host);
    const token = ['{"alg":"none"}', '{"sub":"alice"}'].map((p) => Buffer.from(p).toString('base64url'));
    try {
      await assert.rejects(
        raw.listCollectionIds(
          { parent: `${databaseName(fs.projectId)}/documents` },
          { autoPaginate: false, otherArgs: { headers: { authorization: `Bearer ${token.join('.')}.` } } },
        ),
        (e: { code?: number }) => e.code === 7,
      );
    } finally {
      await raw.close();
    }
  });

  describe('request.resource is the document after the write', () => {
    const ref = () => doc(alice, 'merged/1');
    before(() => fs.adminDb.doc('merged/1').set({ keep: 'kept', a: 0, m: { x: 1, y: 'y' }, gone: 1 }));

    it('an update of one field keeps the others', () => allowed(() => updateDoc(ref(), { a: 1 })));
    it('a dotted update keeps the sibling fields of the map', () =>
      allowed(() => updateDoc(ref(), { 'm.x': 2 })));
    it('replacing the map drops its other fields', () => denied(() => updateDoc(ref(), { m: { x: 3 } })));
    // These two each have a rule that only one outcome passes: the field must be gone, the count
    // must be the stored one plus one; each is checked with a write the rule refuses as well.
    it('a deleted field is absent', async () => {
      await fs.adminDb.doc('deleting/1').set({ keep: 'kept', gone: 1 });
      await denied(() => updateDoc(doc(alice, 'deleting/1'), { other: 1 })); // gone is still there
      await allowed(() => updateDoc(doc(alice, 'deleting/1'), { gone: deleteField() }));
      assert.deepEqual((await fs.adminDb.doc('deleting/1').get()).data(), { keep: 'kept' });
    });
    it('a transform result is part of it', async () => {
      await fs.adminDb.doc('counted/1').set({ n: 5 });
      await denied(() => updateDoc(doc(alice, 'counted/1'), { n: increment(2) }));
      await denied(() => updateDoc(doc(alice, 'counted/1'), { n: increment(0) }));
      await allowed(() => updateDoc(doc(alice, 'counted/1'), { n: increment(1) }));
      await allowed(() => updateDoc(doc(alice, 'counted/1'), { n: increment(1) }));
      assert.equal((await fs.adminDb.doc('counted/1').get()).get('n'), 7);
    });
    it('set with merge keeps the other fields', () =>
      allowed(() => setDoc(ref(), { a: 5 }, { merge: true })));
    it('set without merge replaces the document', () => denied(() => setDoc(ref(), { a: 5 })));
    it('an update that changes nothing affects no key', () => allowed(() => updateDoc(ref(), { a: 5 })));
    it('a field named with a dot is its own key', () =>
      denied(() => updateDoc(ref(), new FieldPath('a.b'), 1)));
    it('a changed field outside the allowed keys is refused', () =>
      denied(() => updateDoc(ref(), { keep: 'kept', other: 1 })));
  });

  describe('a caller the rules refuse learns nothing from which error a write gets', () => {
    it('writing exactly what a document holds is refused like any other write', () =>
      denied(() => setDoc(doc(alice, 'own/b'), { owner: 'bob' })));
    it('deleting a document that does not exist is refused', () =>
      denied(() => deleteDoc(doc(alice, 'own/none'))));
    it('updating a document that does not exist is refused, not NOT_FOUND', () =>
      denied(() => updateDoc(doc(alice, 'own/none'), { owner: 'alice' })));
    it('a transaction may verify a document the caller may read', () =>
      allowed(() =>
        runTransaction(alice, async (tx) => {
          await tx.get(doc(alice, 'own/a'));
          tx.update(doc(alice, 'merged/1'), { a: 7 });
        }),
      ));
  });

  it('a read the rules refuse inside a transaction takes no lock, so writers are not held up', async () => {
    const raw = rawClient(fs.host); // no credentials: an anonymous client
    const database = databaseName(fs.projectId);
    try {
      const [begun] = await raw.beginTransaction({ database });
      await assert.rejects(
        raw.getDocument({ name: `${database}/documents/own/b`, transaction: begun.transaction }),
        (e: { code?: number }) => e.code === 7,
      );
      const query = raw.runQuery({
        parent: `${database}/documents`,
        transaction: begun.transaction,
        structuredQuery: { from: [{ collectionId: 'own' }] },
      });
      await assert.rejects(
        (async () => {
          for await (const _ of query) void _;
        })(),
        (e: { code?: number }) => e.code === 7,
      );
      // Had either read locked own/b, this write would wait for the transaction to expire (60 s).
      const write = fs.adminDb.doc('own/b').update({ touched: true });
      let timer: NodeJS.Timeout | undefined;
      const held = new Promise<string>((resolve) => (timer = setTimeout(resolve, 2000, 'held')));
      const outcome = await Promise.race([write.then(() => 'written'), held]);
      clearTimeout(timer);
      assert.equal(outcome, 'written');
    } finally {
      await raw.close();
    }
  });

  describe('a document listener is judged again when its document changes', () => {
    const nextEvent = (path: string, change: () => Promise<unknown>) =>
      within(
        new Promise<string>((resolve) => {
          let first = true;
          const unsubscribe = onSnapshot(
            doc(alice, path),
            { includeMetadataChanges: true },
            (s) => {
              if (s.metadata.fromCache) return;
              if (first) {
                first = false;
                void change();
                return;
              }
              unsubscribe();
              resolve(`snapshot ${JSON.stringify(s.data())}`);
            },
            (e: { code?: string }) => resolve(`error ${e.code}`),
          );
        }),
        `the snapshot or error after a change of ${path}`,
      );

    it('it keeps seeing changes it may read', async () => {
      await fs.adminDb.doc('own/kept').set({ owner: 'alice', v: 1 });
      assert.equal(
        await nextEvent('own/kept', () => fs.adminDb.doc('own/kept').update({ v: 2 })),
        'snapshot {"owner":"alice","v":2}',
      );
    });
    it('it is refused once the document is given to someone else', async () => {
      await fs.adminDb.doc('own/given').set({ owner: 'alice' });
      assert.equal(
        await nextEvent('own/given', () => fs.adminDb.doc('own/given').update({ owner: 'bob' })),
        'error permission-denied',
      );
    });
    it('it is refused when the document it was allowed by is deleted', async () => {
      await fs.adminDb.doc('own/deleted').set({ owner: 'alice' });
      assert.equal(
        await nextEvent('own/deleted', () => fs.adminDb.doc('own/deleted').delete()),
        'error permission-denied',
      );
    });
  });

  describe('get() and exists() budget', () => {
    it('a single read may use 10 documents', () => allowed(() => getDoc(doc(alice, 'ten/t'))));
    it('a single read may not use 11', () => denied(() => getDoc(doc(alice, 'eleven/e'))));
    it('a single write may not use 11', () => denied(() => setDoc(doc(alice, 'eleven/w'), {})));
    it('a batch may read 20 documents in all, 10 for each written document', () => {
      const batch = writeBatch(alice);
      batch.set(doc(alice, 'ten/b1'), {});
      batch.set(doc(alice, 'tenOthers/b2'), {});
      return allowed(() => batch.commit());
    });
    it('a batch may not read 21 documents in all, even with at most 10 for each', async () => {
      await allowed(() => setDoc(doc(alice, 'oneMore/alone'), {})); // its one read is fine alone
      const batch = writeBatch(alice);
      batch.set(doc(alice, 'ten/b5'), {});
      batch.set(doc(alice, 'tenOthers/b6'), {});
      batch.set(doc(alice, 'oneMore/b7'), {});
      await denied(() => batch.commit());
    });
    it('a batch may not read 11 for one of its documents', () => {
      const batch = writeBatch(alice);
      batch.set(doc(alice, 'ten/b3'), {});
      batch.set(doc(alice, 'eleven/b4'), {});
      return denied(() => batch.commit());
    });
  });

  describe('list queries that try to widen access are refused as a whole', () => {
    const own = () => collection(alice, 'own');
    const listen = (q: Query) =>
      within(
        new Promise((resolve, reject) => {
          const unsubscribe = onSnapshot(
            q,
            { includeMetadataChanges: true },
            (s) => {
              if (s.metadata.fromCache) return;
              unsubscribe();
              resolve(s);
            },
            reject,
          );
        }),
        'a server snapshot or an error of the listened query',
      );

    it('pinned to the caller: allowed', () =>
      allowed(() => getDocs(query(own(), where('owner', '==', 'alice')))));
    it('pinned to the caller with more filters: allowed', () =>
      allowed(() =>
        getDocs(
          query(own(), and(where('owner', '==', 'alice'), or(where('x', '==', 1), where('y', '==', 1)))),
        ),
      ));
    it('pinned to the caller, counted: allowed', () =>
      allowed(() => getCountFromServer(query(own(), where('owner', '==', 'alice')))));
    it('pinned to the caller, listened to: allowed', () =>
      allowed(() => listen(query(own(), where('owner', '==', 'alice')))));
    it('no filter', () => denied(() => getDocs(own())));
    it('no filter, counted', () => denied(() => getCountFromServer(own())));
    it('no filter, listened to', () => denied(() => listen(own())));
    it('IN with another owner', () =>
      denied(() => getDocs(query(own(), where('owner', 'in', ['alice', 'bob'])))));
    it('OR with another owner', () =>
      denied(() => getDocs(query(own(), or(where('owner', '==', 'alice'), where('owner', '==', 'bob'))))));
    it('a range around the caller', () => denied(() => getDocs(query(own(), where('owner', '>=', 'alice')))));
    it('!= someone else', () => denied(() => getDocs(query(own(), where('owner', '!=', 'bob')))));
    it('a document id filter does not prove the owner', () =>
      denied(() => getDocs(query(own(), where(documentId(), '==', 'a')))));
    it('a collection group (no rule covers other parents)', () =>
      denied(() => getDocs(query(collectionGroup(alice, 'own'), where('owner', '==', 'alice')))));
  });
});
