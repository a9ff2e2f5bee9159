import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { databaseName, documentName, rawClient, type RawClient } from './raw-client';

const withCode = (code: number, pattern?: RegExp) => (error: any) =>
  error.code === code && (!pattern || pattern.test(error.message));

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) void _;
}

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

  it('each kind of malformed request gets its status and a message that names the problem', async () => {
    const doc = (path: string, fields: object = {}) => ({
      update: { name: documentName(fs.projectId, path), fields },
    });
    const commit = (...writes: object[]) =>
      raw.commit({ database, writes } as Parameters<RawClient['commit']>[0]);
    const query = (structuredQuery: object) =>
      drain(raw.runQuery({ parent: `${database}/documents`, structuredQuery }));
    const from = [{ collectionId: 'c' }];
    const deep = (levels: number): object =>
      levels === 0 ? { integerValue: '1' } : { mapValue: { fields: { a: deep(levels - 1) } } };
    const cases: Array<[string, () => Promise<unknown>, number, RegExp]> = [
      ['empty segment', () => raw.getDocument({ name: `${database}/documents/c//d` }), 3, /empty segment/],
      ['".." as an id', () => raw.getDocument({ name: `${database}/documents/c/..` }), 3, /"\.\."/],
      [
        'a database id with a capital and a "!"',
        () => raw.getDocument({ name: `projects/${fs.projectId}/databases/BAD!/documents/c/d` }),
        3,
        /database id/,
      ],
      [
        'no project',
        () => raw.getDocument({ name: 'projects//databases/(default)/documents/c/d' }),
        3,
        /database name/,
      ],
      [
        'write to another project',
        () => commit({ update: { name: documentName('elsewhere', 'c/d'), fields: {} } }),
        3,
        /does not belong/,
      ],
      ['write with no operation', () => commit({}), 3, /must set one of/],
      ['value with no type', () => commit(doc('c/d', { x: {} })), 3, /has no type/],
      ['empty field name', () => commit(doc('c/d', { '': { integerValue: '1' } })), 3, /cannot be empty/],
      ['reserved field name', () => commit(doc('c/d', { __x__: { integerValue: '1' } })), 3, /reserved/],
      [
        'field name over 1500 bytes',
        () => commit(doc('c/d', { ['x'.repeat(1501)]: { nullValue: 'NULL_VALUE' } })),
        3,
        /1500 bytes/,
      ],
      ['nesting over 20 levels', () => commit(doc('c/d', { a: deep(21) })), 3, /nested more than 20/],
      [
        'array in an array',
        () => commit(doc('c/d', { a: { arrayValue: { values: [{ arrayValue: {} }] } } })),
        3,
        /Arrays cannot directly contain arrays/,
      ],
      [
        'timestamp after 9999',
        () => commit(doc('c/d', { t: { timestampValue: { seconds: 253402300800 } } })),
        3,
        /9999/,
      ],
      [
        'latitude 91',
        () => commit(doc('c/d', { g: { geoPointValue: { latitude: 91, longitude: 0 } } })),
        3,
        /latitude/,
      ],
      [
        'reference that is no document name',
        () => commit(doc('c/d', { r: { referenceValue: 'users/alice' } })),
        3,
        /Invalid reference/,
      ],
      [
        'reference to a collection',
        () => commit(doc('c/d', { r: { referenceValue: `${database}/documents/users` } })),
        3,
        /Invalid reference/,
      ],
      [
        'update mask with an empty segment',
        () => commit({ ...doc('c/d'), updateMask: { fieldPaths: ['a..b'] } }),
        3,
        /a\.\.b/,
      ],
      [
        'update mask with an open backtick',
        () => commit({ ...doc('c/d'), updateMask: { fieldPaths: ['`a'] } }),
        3,
        /backtick/,
      ],
      [
        'increment of a string',
        () =>
          commit({ ...doc('c/d'), updateTransforms: [{ fieldPath: 'n', increment: { stringValue: '1' } }] }),
        3,
        /integer or a double/,
      ],
      [
        '501 writes in BatchWrite',
        () =>
          raw.batchWrite({
            database,
            writes: Array.from({ length: 501 }, (_, i) => doc(`c/d${i}`)),
          } as Parameters<RawClient['batchWrite']>[0]),
        3,
        /at most 500/,
      ],
      ['a query without a collection', () => query({}), 3, /exactly one collection/],
      [
        'a collection id with a slash',
        () => query({ from: [{ collectionId: 'a/b' }] }),
        3,
        /must not contain "\/"/,
      ],
      ['a negative limit', () => query({ from, limit: { value: -1 } }), 3, /non-negative/],
      [
        'a cursor longer than the order',
        () => query({ from, startAt: { values: [{ integerValue: '1' }, { integerValue: '2' }] } }),
        3,
        /Too many cursor values/,
      ],
      [
        'a __name__ cursor that is not a reference',
        () =>
          query({
            from,
            orderBy: [{ field: { fieldPath: '__name__' } }],
            startAt: { values: [{ integerValue: '1' }] },
          }),
        3,
        /document reference/,
      ],
      [
        'IN with 31 values',
        () =>
          query({
            from,
            where: {
              fieldFilter: {
                field: { fieldPath: 'a' },
                op: 'IN',
                value: {
                  arrayValue: { values: Array.from({ length: 31 }, (_, i) => ({ integerValue: String(i) })) },
                },
              },
            },
          }),
        3,
        /at most 30/,
      ],
      [
        'IN without a list',
        () =>
          query({
            from,
            where: { fieldFilter: { field: { fieldPath: 'a' }, op: 'IN', value: { integerValue: '1' } } },
          }),
        3,
        /non-empty array/,
      ],
      [
        'a read time an hour old',
        () =>
          query({ from }).then(() =>
            drain(
              raw.runQuery({
                parent: `${database}/documents`,
                readTime: { seconds: Math.floor(Date.now() / 1000) - 3600 },
                structuredQuery: { from },
              }),
            ),
          ),
        9,
        /snapshot version is too old/,
      ],
      [
        'six aggregations',
        () =>
          drain(
            raw.runAggregationQuery({
              parent: `${database}/documents`,
              structuredAggregationQuery: {
                structuredQuery: { from },
                aggregations: Array.from({ length: 6 }, (_, i) => ({ alias: `a${i}`, count: {} })),
              },
            }),
          ),
        3,
        /maximum number of aggregations \(5\)/,
      ],
      [
        'a read in an unknown transaction',
        () => raw.getDocument({ name: documentName(fs.projectId, 'c/d'), transaction: Buffer.from('nope') }),
        3,
        /not known/,
      ],
      [
        'a page token of another collection',
        () =>
          raw.listDocuments(
            {
              parent: `${database}/documents`,
              collectionId: 'c',
              pageToken: `${database}/documents/other/x`,
            },
            { autoPaginate: false },
          ),
        3,
        /page token/,
      ],
      [
        'a negative page size',
        () =>
          raw.listCollectionIds({ parent: `${database}/documents`, pageSize: -1 }, { autoPaginate: false }),
        3,
        /page size/,
      ],
      [
        'a rollback without a transaction',
        () => raw.rollback({ database, transaction: Buffer.alloc(0) }),
        3,
        /needs a transaction/,
      ],
    ];
    for (const [label, request, code, message] of cases) {
      await assert.rejects(request(), (e: any) => {
        assert.equal(e.code, code, `${label}: ${e.message}`);
        // Messages are this emulator's own; another emulator need only agree on the code.
        if (fs.inProcess) assert.match(e.message, message, label);
        return true;
      });
    }
  });

  it('a transaction cannot be used after it was committed or rolled back', async () => {
    const [committed] = await raw.beginTransaction({ database });
    await raw.commit({ database, transaction: committed.transaction, writes: [] });
    await assert.rejects(
      raw.commit({ database, transaction: committed.transaction, writes: [] }),
      withCode(3, fs.inProcess ? /already committed/ : undefined),
    );
    const [rolledBack] = await raw.beginTransaction({ database });
    await raw.rollback({ database, transaction: rolledBack.transaction });
    await assert.rejects(
      raw.getDocument({ name: documentName(fs.projectId, 'c/d'), transaction: rolledBack.transaction }),
      withCode(3, fs.inProcess ? /rolled back/ : undefined),
    );
    const [other] = await raw.beginTransaction({ database: databaseName(`${fs.projectId}-other`) });
    await assert.rejects(
      raw.commit({ database, transaction: other.transaction, writes: [] }),
      withCode(3, fs.inProcess ? /belongs to/ : undefined),
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
