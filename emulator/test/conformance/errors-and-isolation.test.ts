import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { databaseName, documentName, rawClient, type RawClient } from './raw-client';

const withCode = (code: number, pattern?: RegExp) => (error: any) =>
  error.code === code && (!pattern || pattern.test(error.message));

describe('bad requests are answered with Firestore status codes, and the server keeps serving', () => {
  let fs: TestFirestore;
  let raw: RawClient;
  let database: string;
  before(async () => {
    fs = await useEmulator();
    raw = rawClient(fs.host);
    database = databaseName(fs.projectId);
  });
  after(async () => {
    await raw.close();
    await fs.stop();
  });

  it('a malformed document name is INVALID_ARGUMENT', async () => {
    await assert.rejects(raw.getDocument({ name: `${database}/documents/only-a-collection` }), withCode(3));
    await assert.rejects(raw.getDocument({ name: 'not/a/name' }), withCode(3));
  });

  it('a missing document is NOT_FOUND for GetDocument', async () => {
    await assert.rejects(raw.getDocument({ name: documentName(fs.projectId, 'none/here') }), withCode(5));
  });

  it('reserved ids are INVALID_ARGUMENT', async () => {
    await assert.rejects(fs.adminDb.doc('c/__reserved__').set({ a: 1 }), withCode(3));
  });

  it('a query with an unknown operator is INVALID_ARGUMENT', async () => {
    const stream = raw.runQuery({
      parent: `${database}/documents`,
      structuredQuery: {
        from: [{ collectionId: 'c' }],
        where: {
          fieldFilter: {
            field: { fieldPath: 'a' },
            op: 'OPERATOR_UNSPECIFIED',
            value: { integerValue: '1' },
          },
        },
      },
    });
    await assert.rejects(
      (async () => {
        for await (const _ of stream) void _;
      })(),
      withCode(3),
    );
  });

  it('a commit naming an unknown transaction is INVALID_ARGUMENT; a read-only transaction cannot write', async () => {
    await assert.rejects(raw.commit({ database, transaction: Buffer.from('nope'), writes: [] }), withCode(3));
    const [begun] = await raw.beginTransaction({ database, options: { readOnly: {} } });
    await assert.rejects(
      raw.commit({
        database,
        transaction: begun.transaction,
        writes: [{ update: { name: documentName(fs.projectId, 'c/x'), fields: {} } }],
      }),
      withCode(3),
    );
  });

  it('a document of another database in a request is INVALID_ARGUMENT', async () => {
    const stream = raw.batchGetDocuments({ database, documents: [documentName('someone-else', 'c/x')] });
    await assert.rejects(
      (async () => {
        for await (const _ of stream) void _;
      })(),
      withCode(3),
    );
  });

  it('a malformed bearer token is UNAUTHENTICATED', async () => {
    await assert.rejects(
      raw.getDocument(
        { name: documentName(fs.projectId, 'c/x') },
        { otherArgs: { headers: { authorization: 'Bearer not-a-jwt' } } },
      ),
      withCode(16),
    );
  });

  it('after all that, ordinary requests still work', async () => {
    await fs.adminDb.doc('c/fine').set({ ok: true });
    assert.equal((await fs.adminDb.doc('c/fine').get()).get('ok'), true);
  });
});

describe('isolation between projects, and the REST control endpoints', () => {
  let a: TestFirestore;
  let b: TestFirestore;
  before(async () => {
    a = await useEmulator();
    b = await useEmulator();
  });
  after(async () => {
    await a.stop();
    await b.stop();
  });

  it('documents of one project are invisible to another', async () => {
    await a.adminDb.doc('shared/doc').set({ owner: 'a' });
    assert.equal((await b.adminDb.doc('shared/doc').get()).exists, false);
    assert.equal((await b.adminDb.collection('shared').get()).size, 0);
    assert.deepEqual(await b.adminDb.listCollections(), []);
  });

  it('named databases of one project are isolated from each other', async () => {
    const app = initializeApp({ projectId: a.projectId }, `named-db-${a.projectId}`);
    const second = getFirestore(app, 'second');
    await second.doc('shared/doc').set({ owner: 'second' });
    assert.equal((await second.doc('shared/doc').get()).get('owner'), 'second');
    await a.adminDb.doc('shared/doc').set({ owner: 'a' });
    assert.equal((await second.doc('shared/doc').get()).get('owner'), 'second');
    await second.terminate();
    await deleteApp(app);
  });

  it('clearing one project leaves the other untouched', async () => {
    await a.adminDb.doc('keep/doc').set({ v: 1 });
    await b.adminDb.doc('drop/doc').set({ v: 1 });
    await b.clear();
    assert.equal((await b.adminDb.doc('drop/doc').get()).exists, false);
    assert.equal((await a.adminDb.doc('keep/doc').get()).get('v'), 1);
  });

  it('GET / answers Ok and unknown paths 404', async () => {
    const root = await fetch(`http://${a.host}/`);
    assert.equal(root.status, 200);
    assert.equal(await root.text(), 'Ok');
    assert.equal((await fetch(`http://${a.host}/no/such/endpoint`)).status, 404);
  });
});
