/**
 * The browser leg of the conformance suite, documents and queries: the web SDK's browser build in
 * Chromium writes through WebChannel and reads through WebChannel (getDoc, getDocs are Listen
 * targets) and REST (aggregations), on every transport it can use, and what it sees matches what
 * the admin SDK sees over gRPC.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FieldValue, GeoPoint, Timestamp } from 'firebase-admin/firestore';
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
  describe(`browser documents and queries (${transport.name})`, () => {
    let web: PageDb;
    const root = `t-${transport.name}`;
    before(async () => {
      web = await openPageDb(browser, fs, { settings: transport.settings });
    });
    after(async () => {
      assert.deepEqual(web.page.errors, [], 'no uncaught errors on the page');
      await web.close();
    });

    it('writes every value type that the admin SDK reads back exactly', async () => {
      await web.run(async (root) => {
        const f = window.sdk.firestore;
        const db = window.t.db;
        await f.setDoc(f.doc(db, `${root}/types`), {
          text: 'héllo, 世界 🛋️',
          int: 42,
          negative: -7,
          double: 1.5,
          nan: NaN,
          inf: -Infinity,
          yes: true,
          nothing: null,
          when: f.Timestamp.fromMillis(1_700_000_000_123),
          where: new f.GeoPoint(51.5, -0.12),
          bytes: f.Bytes.fromUint8Array(new Uint8Array([0, 1, 254, 255])),
          ref: f.doc(db, 'other/doc'),
          list: [1, 'two', [3].length, { four: 4 }],
          map: { nested: { deep: 'value' }, 'dotted.key': 1 },
          vector: f.vector([0.5, -1, 2]),
          stamp: f.serverTimestamp(),
        });
      }, root);
      const data = (await fs.adminDb.doc(`${root}/types`).get()).data()!;
      assert.equal(data.text, 'héllo, 世界 🛋️');
      assert.equal(data.int, 42);
      assert.equal(data.negative, -7);
      assert.equal(data.double, 1.5);
      assert.ok(Number.isNaN(data.nan));
      assert.equal(data.inf, -Infinity);
      assert.equal(data.yes, true);
      assert.equal(data.nothing, null);
      assert.equal((data.when as Timestamp).toMillis(), 1_700_000_000_123);
      assert.ok((data.where as GeoPoint).isEqual(new GeoPoint(51.5, -0.12)));
      assert.deepEqual([...(data.bytes as Buffer)], [0, 1, 254, 255]);
      assert.equal(data.ref.path, 'other/doc');
      assert.deepEqual(data.list, [1, 'two', 1, { four: 4 }]);
      assert.deepEqual(data.map, { nested: { deep: 'value' }, 'dotted.key': 1 });
      assert.deepEqual(data.vector.toArray(), [0.5, -1, 2]);
      assert.ok(data.stamp instanceof Timestamp);
    });

    it('reads from the server what the admin SDK wrote, and says a missing document does not exist', async () => {
      await fs.adminDb.doc(`${root}/admin`).set({
        big: 2 ** 53 - 1,
        when: Timestamp.fromMillis(86_400_000),
        list: FieldValue.arrayUnion('a', 'b'),
        name: 'Fauteuil « Émile »',
      });
      const seen = await web.run(async (root) => {
        const f = window.sdk.firestore;
        const snap = await f.getDocFromServer(f.doc(window.t.db, `${root}/admin`));
        const missing = await f.getDocFromServer(f.doc(window.t.db, `${root}/missing`));
        const data = snap.data()!;
        return {
          exists: snap.exists(),
          fromCache: snap.metadata.fromCache,
          big: data.big,
          when: data.when.toMillis(),
          list: data.list,
          name: data.name,
          missing: missing.exists(),
          missingFromCache: missing.metadata.fromCache,
        };
      }, root);
      assert.deepEqual(seen, {
        exists: true,
        fromCache: false,
        big: 2 ** 53 - 1,
        when: 86_400_000,
        list: ['a', 'b'],
        name: 'Fauteuil « Émile »',
        missing: false,
        missingFromCache: false,
      });
    });

    it('updates with field paths, transforms and deletes, and refuses an update of a missing document', async () => {
      await fs.adminDb.doc(`${root}/upd`).set({ a: { b: 1, c: 2 }, n: 10, tags: ['x'] });
      const error = await web.run(async (root) => {
        const f = window.sdk.firestore;
        const ref = f.doc(window.t.db, `${root}/upd`);
        await f.updateDoc(ref, {
          'a.b': f.deleteField(),
          'a.d': 'new',
          n: f.increment(5),
          tags: f.arrayUnion('y'),
        });
        await f.updateDoc(ref, new f.FieldPath('odd.key'), 1);
        try {
          await f.updateDoc(f.doc(window.t.db, `${root}/nope`), { x: 1 });
          return 'updated a missing document';
        } catch (e) {
          return (e as { code: string }).code;
        }
      }, root);
      assert.equal(error, 'not-found');
      assert.deepEqual((await fs.adminDb.doc(`${root}/upd`).get()).data(), {
        a: { c: 2, d: 'new' },
        n: 15,
        tags: ['x', 'y'],
        'odd.key': 1,
      });
      assert.equal((await fs.adminDb.doc(`${root}/nope`).get()).exists, false);
      await web.run(
        (root) => window.sdk.firestore.deleteDoc(window.sdk.firestore.doc(window.t.db, `${root}/upd`)),
        root,
      );
      assert.equal((await fs.adminDb.doc(`${root}/upd`).get()).exists, false);
    });

    it('commits a write batch atomically: a failing precondition leaves nothing written', async () => {
      const outcome = await web.run(async (root) => {
        const f = window.sdk.firestore;
        const db = window.t.db;
        const ok = f.writeBatch(db);
        ok.set(f.doc(db, `${root}/b1`), { v: 1 });
        ok.set(f.doc(db, `${root}/b2`), { v: 2 });
        await ok.commit();
        const bad = f.writeBatch(db);
        bad.set(f.doc(db, `${root}/b3`), { v: 3 });
        bad.update(f.doc(db, `${root}/absent`), { v: 4 });
        try {
          await bad.commit();
          return 'committed';
        } catch (e) {
          return (e as { code: string }).code;
        }
      }, root);
      assert.equal(outcome, 'not-found');
      const names = (await fs.adminDb.collection(root).where('v', '>', 0).get()).docs.map((d) => d.id);
      assert.deepEqual(names.sort(), ['b1', 'b2']);
    });

    it('queries with filters, ordering, cursors and limits as the admin SDK answers them', async () => {
      const col = fs.adminDb.collection(`${root}-products`);
      const batch = fs.adminDb.batch();
      const rooms = ['living', 'bedroom', 'kitchen'];
      for (let i = 0; i < 12; i++) {
        batch.set(col.doc(`p${String(i).padStart(2, '0')}`), {
          price: (i * 37) % 100,
          room: rooms[i % 3],
          tags: i % 2 ? ['oak'] : ['pine', 'sale'],
        });
      }
      await batch.commit();
      const admin = async (q: FirebaseFirestore.Query) => (await q.get()).docs.map((d) => d.id);
      const expected = {
        range: await admin(col.where('price', '>=', 20).where('price', '<', 80).orderBy('price')),
        inRooms: await admin(
          col.where('room', 'in', ['living', 'kitchen']).orderBy('price', 'desc').limit(3),
        ),
        contains: await admin(col.where('tags', 'array-contains-any', ['sale']).orderBy('price')),
        page2: await admin(col.orderBy('price').startAfter(30).limit(3)),
        last: await admin(col.orderBy('price').limitToLast(2)),
        before: await admin(col.orderBy('price').endBefore(50)),
      };
      const got = await web.run(async (name) => {
        const f = window.sdk.firestore;
        const col = f.collection(window.t.db, name);
        const ids = async (q: any) => {
          const snap = await f.getDocsFromServer(q);
          return snap.docs.map((d: any) => d.id);
        };
        return {
          range: await ids(
            f.query(col, f.where('price', '>=', 20), f.where('price', '<', 80), f.orderBy('price')),
          ),
          inRooms: await ids(
            f.query(
              col,
              f.where('room', 'in', ['living', 'kitchen']),
              f.orderBy('price', 'desc'),
              f.limit(3),
            ),
          ),
          contains: await ids(
            f.query(col, f.where('tags', 'array-contains-any', ['sale']), f.orderBy('price')),
          ),
          page2: await ids(f.query(col, f.orderBy('price'), f.startAfter(30), f.limit(3))),
          last: await ids(f.query(col, f.orderBy('price'), f.limitToLast(2))),
          before: await ids(f.query(col, f.orderBy('price'), f.endBefore(50))),
        };
      }, `${root}-products`);
      assert.deepEqual(got, expected);
      assert.ok(expected.range.length > 0 && expected.page2.length === 3);
    });

    it('runs or() filters and collection group queries', async () => {
      const group = `items-${transport.name}`;
      await fs.adminDb.doc(`${root}-shop/a/${group}/1`).set({ kind: 'lamp', qty: 1 });
      await fs.adminDb.doc(`${root}-shop/b/${group}/2`).set({ kind: 'rug', qty: 5 });
      await fs.adminDb.doc(`${root}-shop/b/${group}/3`).set({ kind: 'sofa', qty: 9 });
      await fs.adminDb.doc(`${root}-shop/b/other/4`).set({ kind: 'lamp', qty: 1 });
      const got = await web.run(
        async ({ group, root }) => {
          const f = window.sdk.firestore;
          const db = window.t.db;
          const all = await f.getDocsFromServer(
            f.query(f.collectionGroup(db, group), f.where('kind', 'in', ['lamp', 'rug', 'sofa'])),
          );
          const either = await f.getDocsFromServer(
            f.query(
              f.collection(db, `${root}-shop/b/${group}`),
              f.or(f.where('kind', '==', 'rug'), f.where('qty', '>', 8)),
            ),
          );
          return {
            all: all.docs.map((d) => d.ref.path).sort(),
            either: either.docs.map((d) => d.id).sort(),
          };
        },
        { group, root },
      );
      assert.deepEqual(got.all, [
        `${root}-shop/a/${group}/1`,
        `${root}-shop/b/${group}/2`,
        `${root}-shop/b/${group}/3`,
      ]);
      assert.deepEqual(got.either, ['2', '3']);
    });

    it('aggregates over REST: count, sum and average, on a filtered query', async () => {
      const name = `${root}-agg`;
      await Promise.all([3, 5, 10, 12].map((v, i) => fs.adminDb.doc(`${name}/d${i}`).set({ v, big: v > 4 })));
      const got = await web.run(async (name) => {
        const f = window.sdk.firestore;
        const col = f.collection(window.t.db, name);
        const count = await f.getCountFromServer(col);
        const agg = await f.getAggregateFromServer(f.query(col, f.where('big', '==', true)), {
          n: f.count(),
          total: f.sum('v'),
          mean: f.average('v'),
        });
        return { count: count.data().count, ...agg.data() };
      }, name);
      assert.deepEqual(got, { count: 4, n: 3, total: 27, mean: 9 });
    });
  });
}
