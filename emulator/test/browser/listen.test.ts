/**
 * The browser leg of the conformance suite, Listen: `onSnapshot` in Chromium over WebChannel, on
 * each transport, sees the sequence production gives (initial results, adds, modifies, removes,
 * limit refill, local writes confirmed), across SDKs in both directions, and resumes after its
 * connection is cut.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, type TestBrowser } from '../../../test/support/browser';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { SnapshotQueue } from '../conformance/snapshots';
import { tcpProxy } from '../conformance/tcp-proxy';
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

/** The next server snapshot (cache-only and metadata-only snapshots skipped) of `window.t[name]`. */
const nextFromServer = (web: PageDb, name: string) =>
  web.run(
    (name) =>
      window.t[name].until(
        (s: { fromCache: boolean; hasPendingWrites: boolean }) => !s.fromCache && !s.hasPendingWrites,
      ),
    name,
  );

for (const transport of TRANSPORTS) {
  describe(`browser Listen (${transport.name})`, () => {
    let web: PageDb;
    const root = `l-${transport.name}`;
    before(async () => {
      web = await openPageDb(browser, fs, { settings: transport.settings });
    });
    after(async () => {
      assert.deepEqual(web.page.errors, []);
      await web.close();
    });

    it('a query listener sees initial results, then adds, modifies and removes in order', async () => {
      const col = `${root}-feed`;
      await fs.adminDb.doc(`${col}/first`).set({ visible: true, v: 0 });
      await web.run((col) => {
        const f = window.sdk.firestore;
        const q = window.kit.queue();
        window.t.feed = q;
        window.t.stopFeed = f.onSnapshot(
          f.query(f.collection(window.t.db, col), f.where('visible', '==', true)),
          { includeMetadataChanges: true },
          q.push,
          q.fail,
        );
      }, col);
      const initial = await nextFromServer(web, 'feed');
      assert.deepEqual(initial.ids, ['first']);
      const steps: Array<[() => Promise<unknown>, string[], string[]]> = [
        [() => fs.adminDb.doc(`${col}/a`).set({ visible: true, v: 1 }), ['a', 'first'], ['added:a']],
        [() => fs.adminDb.doc(`${col}/a`).update({ v: 2 }), ['a', 'first'], ['modified:a']],
        [() => fs.adminDb.doc(`${col}/first`).update({ visible: false }), ['a'], ['removed:first']],
        [() => fs.adminDb.doc(`${col}/a`).delete(), [], ['removed:a']],
      ];
      for (const [write, ids, changes] of steps) {
        await write();
        const snap = await nextFromServer(web, 'feed');
        assert.deepEqual({ ids: snap.ids, changes: snap.changes }, { ids, changes });
      }
      await web.run(() => window.t.stopFeed());
    });

    it('a limit query refills from the server when a result leaves it', async () => {
      const col = `${root}-top`;
      await Promise.all([10, 20, 30, 40].map((price) => fs.adminDb.doc(`${col}/p${price}`).set({ price })));
      await web.run((col) => {
        const f = window.sdk.firestore;
        const q = window.kit.queue();
        window.t.top = q;
        window.t.stopTop = f.onSnapshot(
          f.query(f.collection(window.t.db, col), f.orderBy('price'), f.limit(2)),
          { includeMetadataChanges: true },
          q.push,
          q.fail,
        );
      }, col);
      assert.deepEqual((await nextFromServer(web, 'top')).ids, ['p10', 'p20']);
      await fs.adminDb.doc(`${col}/p10`).delete();
      const refilled = await nextFromServer(web, 'top');
      assert.deepEqual(refilled.ids, ['p20', 'p30']);
      assert.deepEqual(refilled.changes.sort(), ['added:p30', 'removed:p10']);
      await fs.adminDb.doc(`${col}/p05`).set({ price: 5 });
      assert.deepEqual((await nextFromServer(web, 'top')).ids, ['p05', 'p20']);
      await web.run(() => window.t.stopTop());
    });

    it("a page's own write shows as pending, then confirmed, and reaches an admin listener over gRPC", async () => {
      const path = `${root}-own/doc`;
      const admin = new SnapshotQueue<FirebaseFirestore.DocumentSnapshot>();
      const stopAdmin = fs.adminDb.doc(path).onSnapshot(admin.push, admin.fail);
      assert.equal((await admin.next()).exists, false);
      const states = await web.run(async (path) => {
        const f = window.sdk.firestore;
        const q = window.kit.queue();
        const ref = f.doc(window.t.db, path);
        const stop = f.onSnapshot(ref, { includeMetadataChanges: true }, q.push, q.fail);
        await q.until((s) => !s.fromCache);
        await f.setDoc(ref, { by: 'page', n: 1 });
        const pending = await q.until((s) => s.ids.length === 1);
        const confirmed = pending.hasPendingWrites ? await q.until((s) => !s.hasPendingWrites) : pending;
        stop();
        return {
          pending: pending.hasPendingWrites,
          confirmed: confirmed.hasPendingWrites,
          data: confirmed.data,
        };
      }, path);
      assert.deepEqual(states, { pending: true, confirmed: false, data: [{ by: 'page', n: 1 }] });
      assert.deepEqual((await admin.next()).data(), { by: 'page', n: 1 });
      stopAdmin();
    });

    it('a hundred listeners on one page each see one commit', async () => {
      const col = `${root}-many`;
      await web.run((col) => {
        const f = window.sdk.firestore;
        window.t.many = Array.from({ length: 100 }, (_, i) => {
          const q = window.kit.queue();
          const stop = f.onSnapshot(f.doc(window.t.db, `${col}/d${i % 10}`), q.push, q.fail);
          return { q, stop };
        });
        return Promise.all(window.t.many.map((l: any) => l.q.until((s: any) => !s.fromCache)));
      }, col);
      await Promise.all(Array.from({ length: 10 }, (_, i) => fs.adminDb.doc(`${col}/d${i}`).set({ i })));
      const seen = await web.run(async () => {
        const values = await Promise.all(
          window.t.many.map((l: any) =>
            l.q.until((s: any) => s.ids.length === 1).then((s: any) => s.data[0].i),
          ),
        );
        window.t.many.forEach((l: any) => l.stop());
        return values;
      });
      assert.deepEqual(
        seen,
        Array.from({ length: 100 }, (_, i) => i % 10),
      );
    });
  });
}

describe('browser Listen across a dropped connection', () => {
  /** Listens to `col` on a page behind a relay the test can cut, recording Listen channel POSTs. */
  const listenBehindRelay = async (col: string) => {
    const proxy = await tcpProxy(fs.host);
    const web = await openPageDb(browser, fs, { via: proxy.host });
    const listenPosts: string[] = [];
    web.page.page.on('request', (request) => {
      if (request.url().includes('/Listen/channel') && request.method() === 'POST') {
        listenPosts.push(decodeURIComponent(request.postData() ?? ''));
      }
    });
    await fs.adminDb.doc(`${col}/a`).set({ n: 1 });
    await web.run((col) => {
      const f = window.sdk.firestore;
      const q = window.kit.queue();
      window.t.feed = q;
      f.onSnapshot(f.collection(window.t.db, col), { includeMetadataChanges: true }, q.push, q.fail);
    }, col);
    assert.deepEqual((await nextFromServer(web, 'feed')).ids, ['a']);
    return { proxy, web, listenPosts };
  };
  const receivedWhileCut = (web: PageDb) =>
    web.run(
      () => window.t.feed.until((s: any) => !s.fromCache && s.ids.length === 2 && s.data[0].n === 3),
      undefined,
      30_000,
    );

  it('a cut back channel is reopened and nothing committed meanwhile is lost', async () => {
    const { proxy, web } = await listenBehindRelay('cut-feed');
    try {
      proxy.cutAll();
      await fs.adminDb.doc('cut-feed/b').set({ n: 2 });
      await fs.adminDb.doc('cut-feed/a').update({ n: 3 });
      assert.deepEqual((await receivedWhileCut(web)).ids, ['a', 'b']);
    } finally {
      await web.close();
      await proxy.close();
    }
  });

  it('after going offline, a new session resumes the target by token and gets what it missed', async () => {
    const { proxy, web, listenPosts } = await listenBehindRelay('offline-feed');
    try {
      await web.page.context.setOffline(true);
      proxy.cutAll();
      // The SDK tells its listeners it is offline once its channel has failed for good.
      await web.run(() => window.t.feed.until((s: any) => s.fromCache), undefined, 60_000);
      await fs.adminDb.doc('offline-feed/b').set({ n: 2 });
      await fs.adminDb.doc('offline-feed/a').update({ n: 3 });
      const before = listenPosts.length;
      await web.page.context.setOffline(false);
      assert.deepEqual((await receivedWhileCut(web)).ids, ['a', 'b']);
      const resumed = listenPosts.slice(before).some((body) => body.includes('"resumeToken"'));
      assert.ok(
        resumed,
        `a Listen handshake after going online carried a resume token:\n${listenPosts.slice(before).join('\n')}`,
      );
    } finally {
      await web.close();
      await proxy.close();
    }
  });
});
