import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredDocument } from '../../src/model/types';
import { VersionedStore } from '../../src/server/store';

const ROOT = 'projects/p/databases/(default)/documents';
const doc = (path: string, v: number, time: number): StoredDocument => ({
  name: `${ROOT}/${path}`,
  fields: { v: { integerValue: String(v) } },
  createTime: time,
  updateTime: time,
});
const write = (store: VersionedStore, time: number, entries: Array<[string, StoredDocument | null]>) =>
  store.apply(new Map(entries.map(([path, d]) => [`${ROOT}/${path}`, d])), time);

describe('versioned store', () => {
  it('reads any version inside the retention window, and the latest by default', () => {
    const store = new VersionedStore(1_000_000);
    write(store, 100, [['c/a', doc('c/a', 1, 100)]]);
    write(store, 200, [['c/a', doc('c/a', 2, 200)]]);
    write(store, 300, [['c/a', null]]);
    assert.equal(store.get(`${ROOT}/c/a`, 50), null);
    assert.equal(store.get(`${ROOT}/c/a`, 150)!.fields.v!.integerValue, '1');
    assert.equal(store.get(`${ROOT}/c/a`, 250)!.fields.v!.integerValue, '2');
    assert.equal(store.get(`${ROOT}/c/a`), null);
  });

  it('reports what each commit changed, and nothing for deleting what does not exist', () => {
    const store = new VersionedStore(1_000_000);
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
    const store = new VersionedStore(1_000_000);
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
    const store = new VersionedStore(100);
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
    const store = new VersionedStore(100);
    write(store, 1000, [['c/a', doc('c/a', 1, 1000)]]);
    write(store, 1010, [['c/a', null]]);
    store.sweep(2000);
    assert.equal(store.documentCount, 0);
    assert.deepEqual([...store.collectionsBelow(ROOT)], []);
  });
});
