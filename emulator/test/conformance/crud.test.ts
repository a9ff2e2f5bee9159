import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FieldPath, FieldValue, Timestamp } from 'firebase-admin/firestore';
import { deleteDoc, doc, increment, runTransaction, setDoc, updateDoc, writeBatch } from 'firebase/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { databaseName, documentName, rawClient } from './raw-client';

const code = (n: number) => (error: unknown) => (error as { code?: number }).code === n;

describe('documents: create, read, update, delete', () => {
  let fs: TestFirestore;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());

  it('sets, reads back every value type, and deletes', async () => {
    const ref = fs.adminDb.doc('crud/types');
    const value = {
      n: null,
      b: true,
      i: 42,
      d: 1.5,
      s: 'text',
      t: Timestamp.fromMillis(1_700_000_000_123),
      bytes: Buffer.from([1, 2, 3]),
      ref: fs.adminDb.doc('crud/other'),
      geo: new (await import('firebase-admin/firestore')).GeoPoint(51.5, -0.1),
      arr: [1, 'two', [3]].flat(),
      map: { nested: { deep: 'yes' } },
    };
    const written = await ref.set(value);
    const snap = await ref.get();
    assert.equal(snap.exists, true);
    assert.deepEqual(snap.get('map'), { nested: { deep: 'yes' } });
    assert.equal(snap.get('t').toMillis(), 1_700_000_000_123);
    assert.deepEqual([...snap.get('bytes')], [1, 2, 3]);
    assert.equal(snap.get('ref').path, 'crud/other');
    assert.equal(snap.get('geo').latitude, 51.5);
    assert.ok(snap.updateTime!.isEqual(written.writeTime));
    assert.ok(snap.createTime!.isEqual(written.writeTime));
    await ref.delete();
    assert.equal((await ref.get()).exists, false);
  });

  it('create fails with ALREADY_EXISTS when the document exists, update with NOT_FOUND when it does not', async () => {
    const ref = fs.adminDb.doc('crud/once');
    await ref.create({ a: 1 });
    await assert.rejects(ref.create({ a: 2 }), code(6));
    await assert.rejects(fs.adminDb.doc('crud/missing').update({ a: 1 }), code(5));
    assert.equal((await ref.get()).get('a'), 1);
  });

  it('update touches only the named fields (update mask), including nested and escaped field paths', async () => {
    const ref = fs.adminDb.doc('crud/mask');
    await ref.set({ a: { b: 1, c: 2 }, 'dotted.name': 1, other: 'keep', 'we`ird': 0 });
    await ref.update('a.b', 10, new FieldPath('dotted.name'), 5, new FieldPath('we`ird'), 7);
    const data = (await ref.get()).data();
    assert.deepEqual(data, { a: { b: 10, c: 2 }, 'dotted.name': 5, other: 'keep', 'we`ird': 7 });
    await ref.update({ a: FieldValue.delete() });
    assert.deepEqual(Object.keys((await ref.get()).data()!).sort(), ['dotted.name', 'other', 'we`ird']);
  });

  it('set with merge keeps other fields; mergeFields limits what is written', async () => {
    const ref = fs.adminDb.doc('crud/merge');
    await ref.set({ a: 1, b: { x: 1, y: 2 } });
    await ref.set({ b: { x: 5 } }, { merge: true });
    assert.deepEqual((await ref.get()).data(), { a: 1, b: { x: 5, y: 2 } });
    await ref.set({ a: 9, b: { x: 0, y: 0 } }, { mergeFields: ['b.y'] });
    assert.deepEqual((await ref.get()).data(), { a: 1, b: { x: 5, y: 0 } });
  });

  it('mergeFields may name a field more than once and overlap (the broader path wins)', async () => {
    // The web SDK suite's case; the web SDK sends the mask as owner, owner.name.
    const initial = { desc: 'Description', owner: { name: 'Jonny', email: 'abc@xyz.com' } };
    const ref = fs.adminDb.doc('crud/overlap');
    await ref.set(initial);
    await setDoc(
      doc(fs.webDb(), 'crud/overlap'),
      { desc: 'NewDescription', owner: { name: 'Sebastian', email: 'new@xyz.com' } },
      { mergeFields: ['owner.name', 'owner', 'owner'] },
    );
    assert.deepEqual((await ref.get()).data(), {
      desc: 'Description',
      owner: { name: 'Sebastian', email: 'new@xyz.com' },
    });
    // The admin SDK sends repeated paths as they are (owner, owner).
    await ref.set({ desc: 'Other', owner: { name: 'Ann' } }, { mergeFields: ['owner', 'owner'] });
    assert.deepEqual((await ref.get()).data(), { desc: 'Description', owner: { name: 'Ann' } });
    // A broader path replaces the whole map even when a narrower one names a field the data lacks.
    const raw = rawClient(fs.host);
    try {
      await raw.commit({
        database: databaseName(fs.projectId),
        writes: [
          {
            update: { name: documentName(fs.projectId, 'crud/overlap'), fields: {} },
            updateMask: { fieldPaths: ['owner.name', 'owner'] },
          },
        ],
      });
    } finally {
      await raw.close();
    }
    assert.deepEqual((await ref.get()).data(), { desc: 'Description' });
  });

  it('honours update-time and existence preconditions', async () => {
    const ref = fs.adminDb.doc('crud/precondition');
    const first = await ref.set({ v: 1 });
    await ref.update({ v: 2 }, { lastUpdateTime: first.writeTime });
    await assert.rejects(ref.update({ v: 3 }, { lastUpdateTime: first.writeTime }), code(9));
    await assert.rejects(ref.delete({ lastUpdateTime: first.writeTime }), code(9));
    assert.equal((await ref.get()).get('v'), 2);
    await ref.delete({ exists: true });
    await assert.rejects(ref.delete({ exists: true }), code(5));
  });

  it('a write that changes nothing keeps the update time', async () => {
    const ref = fs.adminDb.doc('crud/noop');
    await ref.set({ v: 1 });
    const before = (await ref.get()).updateTime!;
    await ref.set({ v: 1 });
    assert.ok((await ref.get()).updateTime!.isEqual(before));
  });

  it('getAll returns documents in order, missing ones as not existing, and applies a field mask', async () => {
    await fs.adminDb.doc('crud/g1').set({ a: 1, b: 2 });
    const [one, missing] = await fs.adminDb.getAll(fs.adminDb.doc('crud/g1'), fs.adminDb.doc('crud/none'), {
      fieldMask: ['a'],
    });
    assert.deepEqual(one!.data(), { a: 1 });
    assert.equal(missing!.exists, false);
  });

  it('lists documents including missing parents of subcollections, and collection ids', async () => {
    const db = fs.adminDb;
    await db.doc('tree/present').set({ x: 1 });
    await db.doc('tree/ghost/sub/child').set({ x: 1 });
    const ids = (await db.collection('tree').listDocuments()).map((r) => r.id).sort();
    assert.deepEqual(ids, ['ghost', 'present']);
    const subs = (await db.doc('tree/ghost').listCollections()).map((c) => c.id);
    assert.deepEqual(subs, ['sub']);
    const roots = (await db.listCollections()).map((c) => c.id);
    assert.ok(roots.includes('tree') && roots.includes('crud'));
  });

  it('lists documents and collection ids a page at a time', async () => {
    await Promise.all(['e', 'a', 'd', 'b', 'c'].map((id) => fs.adminDb.doc(`paged/${id}`).set({ id })));
    await Promise.all(['x1', 'x2', 'x3'].map((id) => fs.adminDb.doc(`paged/a/${id}/doc`).set({ id })));
    const raw = rawClient(fs.host);
    const parent = `${databaseName(fs.projectId)}/documents`;
    const [docs] = await raw.listDocuments(
      { parent, collectionId: 'paged', pageSize: 2 },
      { autoPaginate: true },
    );
    assert.deepEqual(
      docs.map((d) => d.name!.split('/').pop()),
      ['a', 'b', 'c', 'd', 'e'],
    );
    const [firstPage, , response] = await raw.listDocuments(
      { parent, collectionId: 'paged', pageSize: 2 },
      { autoPaginate: false },
    );
    assert.equal(firstPage.length, 2);
    assert.ok(response?.nextPageToken);
    const [ids] = await raw.listCollectionIds(
      { parent: `${parent}/paged/a`, pageSize: 2 },
      { autoPaginate: true },
    );
    assert.deepEqual(ids, ['x1', 'x2', 'x3']);
    await raw.close();
  });

  it('accepts a document of exactly 1 MiB and rejects one byte more with INVALID_ARGUMENT', async () => {
    // Storage size: name ("edge" and "at" segments: 5 + 3 + 16), field "s" (2), the string (+1), 32.
    const fill = 1_048_576 - (5 + 3 + 16) - 2 - 1 - 32;
    await fs.adminDb.doc('edge/at').set({ s: 'x'.repeat(fill) });
    await assert.rejects(
      fs.adminDb.doc('edge/at').set({ s: 'x'.repeat(fill + 1) }),
      (e: any) => e.code === 3 && /1048577 bytes/.test(e.message),
    );
    assert.equal((await fs.adminDb.doc('edge/at').get()).get('s').length, fill);
  });

  it('commits 500 writes atomically and rejects 501 with INVALID_ARGUMENT', async () => {
    const ok = fs.adminDb.batch();
    for (let i = 0; i < 500; i++) ok.set(fs.adminDb.doc(`batch500/${i}`), { i });
    await ok.commit();
    assert.equal((await fs.adminDb.collection('batch500').count().get()).data().count, 500);
    const tooMany = fs.adminDb.batch();
    for (let i = 0; i < 501; i++) tooMany.set(fs.adminDb.doc(`batch501/${i}`), { i });
    await assert.rejects(tooMany.commit(), code(3));
    assert.equal((await fs.adminDb.collection('batch501').count().get()).data().count, 0);
  });

  it('a batch with one failing precondition writes nothing', async () => {
    const batch = fs.adminDb.batch();
    batch.set(fs.adminDb.doc('atomic/a'), { v: 1 });
    batch.update(fs.adminDb.doc('atomic/missing'), { v: 1 });
    await assert.rejects(batch.commit(), code(5));
    assert.equal((await fs.adminDb.doc('atomic/a').get()).exists, false);
  });

  it('an update of a document deleted earlier in the same commit is INVALID_ARGUMENT', async () => {
    // The web SDK's transaction table: delete then update fails with invalid-argument whether the
    // document existed or not; update then update of a missing one stays not-found.
    const web = fs.webDb();
    const existing = fs.adminDb.doc('deleted/existing');
    await existing.set({ foo: 'bar0' });
    const deleteThenUpdate = (path: string) =>
      runTransaction(web, async (tx) => {
        tx.delete(doc(web, path));
        tx.update(doc(web, path), { foo: 'bar2' });
      });
    const invalidArgument = (e: any) => e.code === 'invalid-argument';
    await assert.rejects(deleteThenUpdate('deleted/existing'), invalidArgument);
    await assert.rejects(deleteThenUpdate('deleted/never'), invalidArgument);
    await assert.rejects(
      runTransaction(web, async (tx) => {
        tx.update(doc(web, 'deleted/never'), { foo: 'bar1' });
        tx.update(doc(web, 'deleted/never'), { foo: 'bar2' });
      }),
      (e: any) => e.code === 'not-found',
    );
    await assert.rejects(
      fs.adminDb.batch().delete(existing).update(existing, { foo: 'x' }).commit(),
      code(3),
    );
    assert.deepEqual((await existing.get()).data(), { foo: 'bar0' });
    await runTransaction(web, async (tx) => {
      tx.delete(doc(web, 'deleted/existing'));
      tx.set(doc(web, 'deleted/existing'), { foo: 'bar2' });
      tx.update(doc(web, 'deleted/existing'), { baz: 1 });
    });
    assert.deepEqual((await existing.get()).data(), { foo: 'bar2', baz: 1 });
  });

  it('BulkWriter (BatchWrite) reports each write on its own', async () => {
    const writer = fs.adminDb.bulkWriter();
    writer.onWriteError(() => false);
    const good = writer.set(fs.adminDb.doc('bulk/ok'), { v: 1 });
    const bad = writer.update(fs.adminDb.doc('bulk/missing'), { v: 1 });
    await writer.close();
    await good;
    await assert.rejects(bad, code(5));
    assert.equal((await fs.adminDb.doc('bulk/ok').get()).get('v'), 1);
  });

  it('web SDK writes (through the Write stream) land, batched and single', async () => {
    const web = fs.webDb();
    await setDoc(doc(web, 'webw/a'), { n: 1, tags: ['x'] });
    await updateDoc(doc(web, 'webw/a'), { n: increment(2), 'nested.field': true });
    const batch = writeBatch(web);
    batch.set(doc(web, 'webw/b'), { n: 10 });
    batch.delete(doc(web, 'webw/gone'));
    await batch.commit();
    await setDoc(doc(web, 'webw/gone'), { n: 0 });
    await deleteDoc(doc(web, 'webw/gone'));
    assert.deepEqual((await fs.adminDb.doc('webw/a').get()).data(), {
      n: 3,
      tags: ['x'],
      nested: { field: true },
    });
    assert.equal((await fs.adminDb.doc('webw/b').get()).get('n'), 10);
    assert.equal((await fs.adminDb.doc('webw/gone').get()).exists, false);
    await assert.rejects(updateDoc(doc(web, 'webw/missing'), { n: 1 }), (e: any) => e.code === 'not-found');
  });

  it('CreateDocument, UpdateDocument and DeleteDocument (v1 client) with masks and preconditions', async () => {
    const raw = rawClient(fs.host);
    const root = `${databaseName(fs.projectId)}/documents`;
    const name = `${root}/single/d1`;
    const int = (n: number) => ({ integerValue: String(n) });
    const keys = (d: { fields?: object | null }) => Object.keys(d.fields ?? {}).sort();
    try {
      const [created] = await raw.createDocument({
        parent: root,
        collectionId: 'single',
        documentId: 'd1',
        document: { fields: { a: int(1), b: int(2) } },
      });
      assert.equal(created.name, name);
      assert.ok(created.createTime && created.updateTime);
      await assert.rejects(
        raw.createDocument({ parent: root, collectionId: 'single', documentId: 'd1', document: {} }),
        code(6),
      );
      await assert.rejects(
        raw.createDocument({ parent: root, collectionId: 'single', document: { name: `${root}/single/x` } }),
        code(3),
      );
      const [auto] = await raw.createDocument({ parent: `${name}`, collectionId: 'sub', document: {} });
      assert.ok(auto.name!.startsWith(`${name}/sub/`));
      assert.match(auto.name!.split('/').pop()!, /^[A-Za-z0-9]{20}$/);

      const [masked] = await raw.updateDocument({
        document: { name, fields: { a: int(5), c: int(3) } },
        updateMask: { fieldPaths: ['a'] },
        mask: { fieldPaths: ['a'] },
      });
      assert.deepEqual(keys(masked), ['a']);
      const [stored] = await raw.getDocument({ name });
      assert.deepEqual(keys(stored), ['a', 'b']);
      assert.equal(stored.fields!.a!.integerValue, '5');

      const [replaced] = await raw.updateDocument({ document: { name, fields: { z: int(1) } } });
      assert.deepEqual(keys(replaced), ['z']);
      await assert.rejects(
        raw.updateDocument({
          document: { name, fields: {} },
          currentDocument: { updateTime: stored.updateTime },
        }),
        code(9),
      );
      await assert.rejects(
        raw.updateDocument({
          document: { name: `${root}/single/none`, fields: {} },
          currentDocument: { exists: true },
        }),
        code(5),
      );
      const [upserted] = await raw.updateDocument({ document: { name: `${root}/single/new`, fields: {} } });
      assert.ok(upserted.createTime);

      await raw.deleteDocument({ name });
      await assert.rejects(raw.getDocument({ name }), code(5));
      await raw.deleteDocument({ name });
      await assert.rejects(raw.deleteDocument({ name, currentDocument: { exists: true } }), code(5));
      await assert.rejects(raw.deleteDocument({ name: `${root}/single` }), code(3));
    } finally {
      await raw.close();
    }
  });

  it('recursiveDelete removes a document with its subcollections', async () => {
    await fs.adminDb.doc('rd/a').set({ x: 1 });
    await fs.adminDb.doc('rd/a/sub/b').set({ x: 1 });
    await fs.adminDb.recursiveDelete(fs.adminDb.doc('rd/a'));
    assert.equal((await fs.adminDb.doc('rd/a/sub/b').get()).exists, false);
    assert.equal((await fs.adminDb.doc('rd/a').get()).exists, false);
  });
});
