import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredDocument } from '../../src/model/types';
import { retainedBytes, VersionedStore } from '../../src/server/store';

const ROOT = 'projects/p/databases/(default)/documents';
const doc = (path: string, v: number, time: number): StoredDocument => ({
  name: `${ROOT}/${path}`,
  fields: { v: { integerValue: String(v) } },
  createTime: time,
  updateTime: time,
});
const settings = (retentionMicros: number, maxRetainedBytes = 2 ** 30) => ({
  retentionMicros,
  maxRetainedBytes,
});
const write = (store: VersionedStore, time: number, entries: Array<[string, StoredDocument | null]>) =>
  store.apply(new Map(entries.map(([path, d]) => [`${ROOT}/${path}`, d])), time);

describe('versioned store', () => {
  it('reads any version inside the retention window, and the latest by default', () => {
    const store = new VersionedStore(settings(1_000_000));
    write(store, 100, [['c/a', doc('c/a', 1, 100)]]);
    write(store, 200, [['c/a', doc('c/a', 2, 200)]]);
    write(store, 300, [['c/a', null]]);
    assert.equal(store.get(`${ROOT}/c/a`, 50), null);
    assert.equal(store.get(`${ROOT}/c/a`, 150)!.fields.v!.integerValue, '1');
    assert.equal(store.get(`${ROOT}/c/a`, 250)!.fields.v!.integerValue, '2');
    assert.equal(store.get(`${ROOT}/c/a`), null);
  });

  it('reports what each commit changed, and nothing for deleting what does not exist', () => {
    const store = new VersionedStore(settings(1_000_000));
    const changes = write(store, 100, [
      ['c/a', doc('c/a', 1, 100)],
      ['c/none', null],
    ]);
    assert.deepEqual(
      changes.map((c) => [c.name.split('/').pop(), c.before, c.after?.fields.v?.integerValue]),
      [['a', null, '1']],
    );
  });

  it('lists a collection and a collection group as of a time', () => {
    const store = new VersionedStore(settings(1_000_000));
    write(store, 100, [
      ['c/a', doc('c/a', 1, 100)],
      ['c/a/sub/x', doc('c/a/sub/x', 1, 100)],
    ]);
    write(store, 200, [['other/b/sub/y', doc('other/b/sub/y', 1, 200)]]);
    const ids = (docs: Iterable<StoredDocument>) => [...docs].map((d) => d.name.split('/').pop()).sort();
    assert.deepEqual(ids(store.collection(`${ROOT}/c`)), ['a']);
    const group = (at?: number) =>
      [...store.groupCollections('sub', ROOT)].flatMap((c) => [...store.collection(c, at)]);
    assert.deepEqual(ids(group()), ['x', 'y']);
    assert.deepEqual(ids(group(150)), ['x']);
  });

  it('forgets versions older than the retention, keeping the one a read at the horizon needs', () => {
    const store = new VersionedStore(settings(100));
    write(store, 1000, [['c/a', doc('c/a', 1, 1000)]]);
    write(store, 1050, [['c/a', doc('c/a', 2, 1050)]]);
    write(store, 1300, [['c/a', doc('c/a', 3, 1300)]]);
    // Horizon 1200: the version of 1050 is still what a read at 1200 sees; the one of 1000 is gone.
    assert.equal(store.get(`${ROOT}/c/a`, 1200)!.fields.v!.integerValue, '2');
    assert.equal(store.get(`${ROOT}/c/a`, 1010), null);
    assert.equal(store.canReadAt(1150, 1300), false);
    assert.throws(
      () => store.checkReadTime(1150, 1300),
      (e: any) => e.code === 9,
    );
  });

  it('drops a deleted document entirely once its deletion is older than the retention', () => {
    const store = new VersionedStore(settings(100));
    write(store, 1000, [['c/a', doc('c/a', 1, 1000)]]);
    write(store, 1010, [['c/a', null]]);
    store.sweep(2000);
    assert.equal(store.documentCount, 0);
    assert.deepEqual([...store.collectionsBelow(ROOT)], []);
  });

  it('reads every version at its time from a long history (binary search agrees with a scan)', () => {
    const store = new VersionedStore(settings(1_000_000));
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = 1000 + i * 3;
      times.push(t);
      write(store, t, [['c/hot', i % 97 === 96 ? null : doc('c/hot', i, t)]]);
    }
    for (let at = 990; at < 1000 + 2000 * 3 + 5; at += 7) {
      const i = times.filter((t) => t <= at).length - 1;
      const expected = i < 0 || i % 97 === 96 ? null : String(i);
      assert.equal(store.get(`${ROOT}/c/hot`, at)?.fields.v?.integerValue ?? null, expected, `at ${at}`);
    }
  });

  it('prunes as it writes: a hot document keeps only the versions inside the window', () => {
    const store = new VersionedStore(settings(100));
    for (let t = 1000; t < 21_000; t += 1) write(store, t, [['c/hot', doc('c/hot', t, t)]]);
    // Versions replaced within the last 100 microseconds, and not one more.
    assert.ok(store.retained.versions <= 101, `retained ${store.retained.versions}`);
    assert.equal(store.get(`${ROOT}/c/hot`, 20_950)!.fields.v!.integerValue, '20950');
    assert.equal(store.canReadAt(20_899, 20_999), true);
    assert.equal(store.canReadAt(20_898, 20_999), false);
  });

  it('keeps superseded versions within the byte budget, oldest first, and refuses reads before them', () => {
    const one = retainedBytes(`${ROOT}/c/a`, doc('c/a', 1, 1));
    const store = new VersionedStore(settings(1_000_000, one * 10));
    for (let t = 1; t <= 100; t++) write(store, t, [['c/a', doc('c/a', t, t)]]);
    assert.ok(store.retained.bytes <= one * 10, `retained ${store.retained.bytes} bytes`);
    assert.equal(store.retained.versions, 10);
    // The current version and the ten it replaced last (90 to 99) are kept; a read before 90 could
    // miss one, so it fails as expired although it is inside the time window.
    assert.equal(store.get(`${ROOT}/c/a`, 90)!.fields.v!.integerValue, '90');
    assert.equal(store.canReadAt(90, 100), true);
    assert.equal(store.canReadAt(89, 100), false);
    assert.throws(
      () => store.checkReadTime(50, 100),
      (e: any) => e.code === 9 && /snapshot version is too old/.test(e.message),
    );
  });

  it('drops a tombstone with the versions before it, and keeps a document re-created after it', () => {
    const store = new VersionedStore(settings(100));
    write(store, 1000, [['c/a', doc('c/a', 1, 1000)]]);
    write(store, 1010, [['c/a', null]]);
    write(store, 1020, [['c/a', doc('c/a', 2, 1020)]]);
    store.sweep(5000);
    assert.equal(store.documentCount, 1);
    assert.equal(store.get(`${ROOT}/c/a`)!.fields.v!.integerValue, '2');
    assert.equal(store.retained.versions, 0);
    assert.deepEqual(
      [...store.collection(`${ROOT}/c`)].map((d) => d.fields.v!.integerValue),
      ['2'],
    );
  });
});
