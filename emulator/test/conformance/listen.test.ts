import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deleteApp, initializeApp } from 'firebase/app';
import {
  Firestore,
  type DocumentSnapshot,
  type QuerySnapshot,
  type Timestamp,
} from 'firebase-admin/firestore';
import {
  collection,
  connectFirestoreEmulator,
  disableNetwork,
  doc,
  enableNetwork,
  getFirestore,
  onSnapshot,
  query,
  terminate,
  where,
  type QuerySnapshot as WebQuerySnapshot,
} from 'firebase/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { SnapshotQueue } from './snapshots';
import { tcpProxy } from './tcp-proxy';

const ids = (s: QuerySnapshot | WebQuerySnapshot) => s.docs.map((d) => d.id);

describe('Listen', () => {
  let fs: TestFirestore;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());

  it('an admin query listener sees every committed change, in order', async () => {
    const db = fs.adminDb;
    const q = new SnapshotQueue<QuerySnapshot>();
    const unsubscribe = db.collection('feed').where('visible', '==', true).onSnapshot(q.push, q.fail);
    assert.deepEqual(ids(await q.next()), []);

    const steps: Array<[() => Promise<unknown>, string[], string]> = [
      [() => db.doc('feed/a').set({ visible: true, v: 1 }), ['a'], 'added a'],
      [() => db.doc('feed/b').set({ visible: true, v: 1 }), ['a', 'b'], 'added b'],
      [() => db.doc('feed/hidden').set({ visible: false }), [], 'no change'],
      [() => db.doc('feed/a').update({ v: 2 }), ['a', 'b'], 'modified a'],
      [() => db.doc('feed/b').update({ visible: false }), ['a'], 'removed b'],
      [() => db.doc('feed/a').delete(), [], 'removed a'],
    ];
    const seen: string[] = [];
    for (const [write, expected, label] of steps) {
      await write();
      if (label === 'no change') continue;
      const snap = await q.next();
      assert.deepEqual(ids(snap), expected, label);
      seen.push(
        snap
          .docChanges()
          .map((c) => `${c.type}:${c.doc.id}`)
          .join(','),
      );
    }
    assert.deepEqual(seen, ['added:a', 'added:b', 'modified:a', 'removed:b', 'removed:a']);
    unsubscribe();
  });

  it('under many concurrent commits, admin and web query listeners see each commit whole, in commit order', async () => {
    // Commit i is a batch of two documents, k{i % 10} (in the query when i % 3 != 0) and
    // k{(i + 5) % 10} (in it when i is even), both stamped seq i: documents enter, change and leave
    // the query at random, two at a time. A snapshot that showed one half of a batch would show a
    // state that follows no commit, which the checks below refuse.
    const N = 120;
    const writesOf = (seq: number) => [
      { id: `k${seq % 10}`, on: seq % 3 !== 0 },
      { id: `k${(seq + 5) % 10}`, on: seq % 2 === 0 },
    ];
    const state = (docs: Map<string, { seq: number; on: boolean }>) =>
      [...docs]
        .filter(([, d]) => d.on)
        .map(([id, d]) => `${id}=${d.seq}`)
        .sort()
        .join(',');
    const shown = (s: QuerySnapshot | WebQuerySnapshot) =>
      s.docs
        .map((d) => `${d.id}=${d.get('seq')}`)
        .sort()
        .join(',');
    const adminSeen: Array<{ readTime: Timestamp; shown: string }> = [];
    const webSeen: string[] = [];
    const q = new SnapshotQueue<QuerySnapshot>();
    const unsubscribe = fs.adminDb
      .collection('churn')
      .where('on', '==', true)
      .onSnapshot((s) => {
        adminSeen.push({ readTime: s.readTime, shown: shown(s) });
        q.push(s);
      }, q.fail);
    const wq = new SnapshotQueue<WebQuerySnapshot>();
    const webUnsubscribe = onSnapshot(
      query(collection(fs.webDb(), 'churn'), where('on', '==', true)),
      (s) => {
        if (s.metadata.fromCache) return;
        webSeen.push(shown(s));
        wq.push(s);
      },
      wq.fail,
    );
    await q.next();
    await wq.next();
    const commits = await Promise.all(
      Array.from({ length: N }, (_, seq) => {
        const batch = fs.adminDb.batch();
        for (const { id, on } of writesOf(seq)) batch.set(fs.adminDb.doc(`churn/${id}`), { on, seq });
        return batch.commit().then((r) => ({ seq, at: r[0]!.writeTime }));
      }),
    );
    commits.sort((a, b) => a.at.valueOf().localeCompare(b.at.valueOf()));
    // The query's contents after each commit, in commit order.
    const docs = new Map<string, { seq: number; on: boolean }>();
    const states = [''];
    for (const { seq } of commits) {
      for (const { id, on } of writesOf(seq)) docs.set(id, { seq, on });
      states.push(state(docs));
    }
    const finalState = states[states.length - 1]!;
    await q.until((s) => shown(s) === finalState);
    await wq.until((s) => shown(s) === finalState);
    unsubscribe();
    webUnsubscribe();

    for (const seen of adminSeen) {
      const committed = commits.filter((c) => c.at.valueOf() <= seen.readTime.valueOf()).length;
      assert.equal(
        seen.shown,
        states[committed],
        `admin snapshot at ${seen.readTime.toDate().toISOString()}`,
      );
    }
    for (let i = 1; i < adminSeen.length; i++)
      assert.ok(adminSeen[i]!.readTime.valueOf() > adminSeen[i - 1]!.readTime.valueOf());
    let at = 0;
    for (const seen of webSeen) {
      const found = states.indexOf(seen, at);
      assert.ok(found >= 0, `web snapshot ${seen} is not a state at or after commit ${at}`);
      at = found;
    }
  });

  it('a document listener sees creation, updates and deletion', async () => {
    const q = new SnapshotQueue<DocumentSnapshot>();
    const ref = fs.adminDb.doc('watched/one');
    const unsubscribe = ref.onSnapshot(q.push, q.fail);
    assert.equal((await q.next()).exists, false);
    await ref.set({ v: 1 });
    assert.equal((await q.next()).get('v'), 1);
    await ref.update({ v: 2 });
    assert.equal((await q.next()).get('v'), 2);
    await ref.delete();
    assert.equal((await q.next()).exists, false);
    unsubscribe();
  });

  it('a limit query refills when a document leaves it', async () => {
    const db = fs.adminDb;
    await Promise.all([1, 2, 3, 4].map((rank) => db.doc(`ranked/r${rank}`).set({ rank })));
    const q = new SnapshotQueue<QuerySnapshot>();
    const unsubscribe = db.collection('ranked').orderBy('rank').limit(2).onSnapshot(q.push, q.fail);
    assert.deepEqual(ids(await q.next()), ['r1', 'r2']);
    await db.doc('ranked/r1').delete();
    assert.deepEqual(ids(await q.next()), ['r2', 'r3']);
    await db.doc('ranked/r0').set({ rank: 0 });
    assert.deepEqual(ids(await q.next()), ['r0', 'r2']);
    await db.doc('ranked/r2').update({ rank: 10 });
    assert.deepEqual(ids(await q.next()), ['r0', 'r3']);
    unsubscribe();
  });

  it('a collection group listener sees documents of that id at any depth', async () => {
    const q = new SnapshotQueue<QuerySnapshot>();
    const unsubscribe = fs.adminDb.collectionGroup('reviews').onSnapshot(q.push, q.fail);
    assert.deepEqual(ids(await q.next()), []);
    await fs.adminDb.doc('products/p1/reviews/x').set({ stars: 5 });
    assert.deepEqual(ids(await q.next()), ['x']);
    await fs.adminDb.doc('reviews/top').set({ stars: 4 });
    assert.deepEqual(ids(await q.next()).sort(), ['top', 'x']);
    unsubscribe();
  });

  it('the web SDK raises snapshots from the server, many listeners sharing one stream', async () => {
    const web = fs.webDb();
    const queues = Array.from({ length: 30 }, (_, i) => {
      const q = new SnapshotQueue<WebQuerySnapshot>();
      const unsubscribe = onSnapshot(
        query(collection(web, 'multi'), where('group', '==', i % 3)),
        (s) => {
          if (!s.metadata.fromCache) q.push(s);
        },
        q.fail,
      );
      return { q, unsubscribe, group: i % 3 };
    });
    for (const { q } of queues) assert.deepEqual(ids(await q.next()), []);
    await fs.adminDb.doc('multi/m1').set({ group: 1 });
    for (const { q, group } of queues) {
      if (group === 1) assert.deepEqual(ids(await q.next()), ['m1']);
    }
    // Removing targets leaves the others working.
    for (const { unsubscribe, group } of queues) if (group !== 2) unsubscribe();
    await fs.adminDb.doc('multi/m2').set({ group: 2 });
    for (const { q, group, unsubscribe } of queues) {
      if (group === 2) {
        assert.deepEqual(ids(await q.next()), ['m2']);
        unsubscribe();
      }
    }
  });

  it('the web SDK resumes a listener after going offline and catches up on what changed', async () => {
    const web = fs.webDb();
    const db = fs.adminDb;
    await db.doc('resume/keep').set({ v: 1 });
    await db.doc('resume/gone').set({ v: 1 });
    const q = new SnapshotQueue<WebQuerySnapshot>();
    const unsubscribe = onSnapshot(collection(web, 'resume'), (s) => {
      if (!s.metadata.fromCache) q.push(s);
    });
    assert.deepEqual(ids(await q.next()).sort(), ['gone', 'keep']);
    await disableNetwork(web);
    await db.doc('resume/keep').update({ v: 2 });
    await db.doc('resume/gone').delete();
    await db.doc('resume/new').set({ v: 1 });
    await enableNetwork(web);
    const snap = await q.until((s) => ids(s).includes('new') && !ids(s).includes('gone'));
    assert.deepEqual(ids(snap).sort(), ['keep', 'new']);
    assert.equal(snap.docs.find((d) => d.id === 'keep')!.get('v'), 2);
    unsubscribe();
  });

  it('admin and web listeners resume after their connection is cut, and catch up on what changed', async () => {
    const proxy = await tcpProxy(fs.host);
    // The admin SDK reads FIRESTORE_EMULATOR_HOST when a client is constructed.
    const direct = process.env.FIRESTORE_EMULATOR_HOST;
    process.env.FIRESTORE_EMULATOR_HOST = proxy.host;
    const admin = new Firestore({ projectId: fs.projectId });
    process.env.FIRESTORE_EMULATOR_HOST = direct;
    const webApp = initializeApp({ projectId: fs.projectId, apiKey: 'k' }, `cut-${fs.projectId}`);
    const web = getFirestore(webApp);
    const [proxyHost, proxyPort] = proxy.host.split(':');
    connectFirestoreEmulator(web, proxyHost!, Number(proxyPort));
    try {
      const db = fs.adminDb;
      await db.doc('cut/keep').set({ v: 1 });
      await db.doc('cut/gone').set({ v: 1 });
      const q = new SnapshotQueue<QuerySnapshot>();
      const unsubscribe = admin.collection('cut').onSnapshot(q.push, q.fail);
      const wq = new SnapshotQueue<WebQuerySnapshot>();
      const webUnsubscribe = onSnapshot(collection(web, 'cut'), (s) => {
        if (!s.metadata.fromCache) wq.push(s);
      });
      assert.deepEqual(ids(await q.next()), ['gone', 'keep']);
      assert.deepEqual(ids(await wq.next()), ['gone', 'keep']);
      const connectionsBefore = proxy.accepted;
      assert.ok(connectionsBefore >= 2, 'both SDKs connect through the proxy');
      proxy.cutAll();
      await db.doc('cut/keep').update({ v: 2 });
      await db.doc('cut/gone').delete();
      await db.doc('cut/new').set({ v: 1 });
      const caughtUp = (s: QuerySnapshot | WebQuerySnapshot) =>
        ids(s).join() === 'keep,new' && s.docs[0]!.get('v') === 2;
      await q.until(caughtUp, 10_000);
      await wq.until(caughtUp, 10_000);
      assert.ok(proxy.accepted >= connectionsBefore + 2, 'both SDKs reconnected');
      unsubscribe();
      webUnsubscribe();
    } finally {
      await terminate(web);
      await deleteApp(webApp);
      await admin.terminate();
      await proxy.close();
    }
  });

  it('a web document listener reports a missing document, then its creation', async () => {
    const web = fs.webDb();
    const q = new SnapshotQueue<boolean>();
    const unsubscribe = onSnapshot(doc(web, 'webdoc/x'), (s) => {
      if (!s.metadata.fromCache) q.push(s.exists());
    });
    assert.equal(await q.next(), false);
    await fs.adminDb.doc('webdoc/x').set({ v: 1 });
    assert.equal(await q.next(), true);
    unsubscribe();
  });

  it('clearing the data through the REST endpoint removes documents from listeners', async () => {
    const q = new SnapshotQueue<QuerySnapshot>();
    await fs.adminDb.doc('cleared/a').set({ v: 1 });
    const unsubscribe = fs.adminDb.collection('cleared').onSnapshot(q.push, q.fail);
    assert.deepEqual(ids(await q.next()), ['a']);
    await fs.clear();
    assert.deepEqual(ids(await q.next()), []);
    unsubscribe();
  });
});
