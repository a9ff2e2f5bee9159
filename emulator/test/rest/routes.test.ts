/**
 * Every route of the v1 REST API that firestore.proto's HTTP bindings define, called with plain
 * fetch as curl would: path variables, query parameters bound to request fields, bodies, and the
 * JSON array a server-streaming method answers. Results are checked over gRPC too, where the
 * admin SDK reads what REST wrote.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { firestoreServiceType } from '../../src/protos';
import {
  assertGoogleError,
  database,
  docName,
  documents,
  restCaller,
  within,
  type CallOptions,
  type Reply,
} from './support';

/** The (HTTP method, template) pairs the protos bind, read from the protos themselves. */
function protoBindings(): Array<{ rpc: string; method: string; template: string }> {
  const bindings: Array<{ rpc: string; method: string; template: string }> = [];
  for (const rpc of Object.values(firestoreServiceType().methods)) {
    const options = (rpc.parsedOptions ?? []) as Array<Record<string, any>>;
    const rule = options.find((o) => o['(google.api.http)'])?.['(google.api.http)'];
    if (!rule) continue;
    const extra = rule.additional_bindings;
    for (const binding of [rule, ...(Array.isArray(extra) ? extra : extra ? [extra] : [])]) {
      for (const method of ['get', 'post', 'patch', 'delete', 'put']) {
        if (binding[method])
          bindings.push({ rpc: rpc.name, method: method.toUpperCase(), template: binding[method] });
      }
    }
  }
  return bindings;
}

/** A template as a regular expression over decoded paths, written independently of rest.ts. */
function templatePattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const variable = /^\{[^=}]+(?:=([^}]+))?\}$/.exec(part);
      if (!variable) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return (variable[1] ?? '*')
        .split('/')
        .map((s) => (s === '**' ? '.*' : s === '*' ? '[^/]+' : s))
        .join('/');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

describe('every REST route of firestore.proto, called with fetch', () => {
  let fs: TestFirestore;
  let docs: string;
  let db: string;
  const called: string[] = [];
  let rest: (method: string, path: string, options?: CallOptions) => Promise<Reply>;
  /** `rest`, but failing unless the answer is 200. */
  let ok: (method: string, path: string, options?: CallOptions) => Promise<any>;

  before(async () => {
    fs = await useEmulator();
    docs = documents(fs.projectId);
    db = database(fs.projectId);
    const call = restCaller(fs.host);
    rest = (method, path, options) => {
      called.push(`${method} ${decodeURIComponent(new URL(path, 'http://x').pathname)}`);
      return call(method, path, options);
    };
    ok = async (method, path, options) => {
      const reply = await rest(method, path, options);
      assert.equal(reply.status, 200, `${method} ${path}: ${reply.text}`);
      return reply.body;
    };
  });
  after(() => fs.stop());

  it('CreateDocument with documentId or an automatic id, on the root and under a document', async () => {
    const created = await ok('POST', `/v1/${docs}/rooms?documentId=kitchen`, {
      json: { fields: { area: { integerValue: '12' }, name: { stringValue: 'Kitchen' } } },
    });
    assert.equal(created.name, docName(fs.projectId, 'rooms/kitchen'));
    assert.deepEqual(created.fields, { area: { integerValue: '12' }, name: { stringValue: 'Kitchen' } });
    assert.equal(created.createTime, created.updateTime);
    assert.match(created.createTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

    const auto = await ok('POST', `/v1/${docs}/rooms/kitchen/items?mask.fieldPaths=kind`, {
      json: { fields: { kind: { stringValue: 'stove' }, watts: { integerValue: '2000' } } },
    });
    const prefix = docName(fs.projectId, 'rooms/kitchen/items/');
    assert.ok(auto.name.startsWith(prefix), auto.name);
    assert.match(auto.name.slice(prefix.length), /^[A-Za-z0-9]{20}$/);
    assert.deepEqual(auto.fields, { kind: { stringValue: 'stove' } }, 'the mask applies to the answer');

    const again = await rest('POST', `/v1/${docs}/rooms?documentId=kitchen`, { json: { fields: {} } });
    assertGoogleError(again, 409, 'ALREADY_EXISTS', /already exists/i);
    const stored = await fs.adminDb.doc('rooms/kitchen').get();
    assert.deepEqual(stored.data(), { area: 12, name: 'Kitchen' }, 'the second create changed nothing');
    assert.equal((await fs.adminDb.collection('rooms/kitchen/items').get()).size, 1);
  });

  it('GetDocument, with a mask, and at a readTime', async () => {
    const first = await ok('POST', `/v1/${docs}/shelves?documentId=s1`, {
      json: { fields: { a: { integerValue: '1' }, b: { stringValue: 'x' } } },
    });
    await fs.adminDb.doc('shelves/s1').update({ a: 2 });
    const now = await ok('GET', `/v1/${docs}/shelves/s1`);
    assert.deepEqual(now.fields, { a: { integerValue: '2' }, b: { stringValue: 'x' } });
    const masked = await ok('GET', `/v1/${docs}/shelves/s1?mask.fieldPaths=b`);
    assert.deepEqual(masked.fields, { b: { stringValue: 'x' } });
    const then = await ok('GET', `/v1/${docs}/shelves/s1?readTime=${encodeURIComponent(first.updateTime)}`);
    assert.deepEqual(then.fields, { a: { integerValue: '1' }, b: { stringValue: 'x' } });
    const missing = await rest('GET', `/v1/${docs}/shelves/none`);
    assertGoogleError(missing, 404, 'NOT_FOUND', /shelves\/none/);
  });

  it('UpdateDocument (PATCH) with updateMask.fieldPaths, mask.fieldPaths and currentDocument preconditions', async () => {
    await fs.adminDb.doc('beds/b1').set({ size: 'double', color: 'oak', legs: 4 });
    const patched = await ok(
      'PATCH',
      `/v1/${docs}/beds/b1?updateMask.fieldPaths=size&updateMask.fieldPaths=legs&mask.fieldPaths=size&currentDocument.exists=true`,
      // `color` is not in the mask, so it is left alone; `legs` is in it but absent, so it goes.
      { json: { fields: { size: { stringValue: 'king' }, color: { stringValue: 'ignored' } } } },
    );
    assert.deepEqual(patched.fields, { size: { stringValue: 'king' } });
    assert.deepEqual((await fs.adminDb.doc('beds/b1').get()).data(), { size: 'king', color: 'oak' });

    const notThere = await rest('PATCH', `/v1/${docs}/beds/b2?currentDocument.exists=true`, {
      json: { fields: { size: { stringValue: 'single' } } },
    });
    assertGoogleError(notThere, 404, 'NOT_FOUND', /beds\/b2/);
    const there = await rest('PATCH', `/v1/${docs}/beds/b1?currentDocument.exists=false`, {
      json: { fields: { size: { stringValue: 'single' } } },
    });
    assertGoogleError(there, 409, 'ALREADY_EXISTS', /beds\/b1/);
    const stale = await rest('PATCH', `/v1/${docs}/beds/b1?currentDocument.updateTime=2000-01-01T00:00:00Z`, {
      json: { fields: {} },
    });
    assertGoogleError(stale, 400, 'FAILED_PRECONDITION', /version/);
    assert.deepEqual((await fs.adminDb.doc('beds/b1').get()).data(), { size: 'king', color: 'oak' });

    // Without a mask or precondition a PATCH replaces the document, or creates it.
    const upserted = await ok('PATCH', `/v1/${docs}/beds/b2`, {
      json: { fields: { size: { stringValue: 'single' } } },
    });
    assert.equal(upserted.name, docName(fs.projectId, 'beds/b2'));
    await ok('PATCH', `/v1/${docs}/beds/b1`, { json: { fields: { only: { booleanValue: true } } } });
    assert.deepEqual((await fs.adminDb.doc('beds/b1').get()).data(), { only: true });
  });

  it('DeleteDocument, with currentDocument preconditions', async () => {
    await fs.adminDb.doc('lamps/l1').set({ on: true });
    const missing = await rest('DELETE', `/v1/${docs}/lamps/none?currentDocument.exists=true`);
    assertGoogleError(missing, 404, 'NOT_FOUND', /lamps\/none/);
    const stale = await rest(
      'DELETE',
      `/v1/${docs}/lamps/l1?currentDocument.updateTime=2000-01-01T00:00:00Z`,
    );
    assertGoogleError(stale, 400, 'FAILED_PRECONDITION', /version/);
    assert.equal((await fs.adminDb.doc('lamps/l1').get()).exists, true);
    assert.deepEqual(await ok('DELETE', `/v1/${docs}/lamps/l1?currentDocument.exists=true`), {});
    assert.equal((await fs.adminDb.doc('lamps/l1').get()).exists, false);
    // Deleting what is not there succeeds, as in Firestore.
    assert.deepEqual(await ok('DELETE', `/v1/${docs}/lamps/l1`), {});
  });

  it('ListDocuments pages with pageSize and pageToken, and showMissing lists documents that only have subcollections', async () => {
    await Promise.all(
      ['h1', 'h2', 'h3', 'h4', 'h5'].map((id, i) => fs.adminDb.doc(`homes/${id}`).set({ i })),
    );
    await fs.adminDb.doc('homes/h0/rooms/hall').set({ area: 4 });
    await fs.adminDb.doc('homes/h1/rooms/attic').set({ area: 9 });

    const seen: string[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const page = await ok(
        'GET',
        `/v1/${docs}/homes?pageSize=2${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`,
      );
      pages++;
      assert.ok((page.documents ?? []).length <= 2);
      seen.push(...(page.documents ?? []).map((d: { name: string }) => d.name.split('/').pop()));
      pageToken = page.nextPageToken ?? '';
    } while (pageToken && pages < 10);
    assert.deepEqual(seen, ['h1', 'h2', 'h3', 'h4', 'h5']);
    assert.equal(pages, 3);

    const withMissing = await ok('GET', `/v1/${docs}/homes?showMissing=true&mask.fieldPaths=i`);
    const names = withMissing.documents.map((d: { name: string }) => d.name.split('/').pop());
    assert.deepEqual(names, ['h0', 'h1', 'h2', 'h3', 'h4', 'h5']);
    // A missing document is only a name: no times, no fields.
    const [h0] = withMissing.documents;
    assert.equal(h0.name, docName(fs.projectId, 'homes/h0'));
    assert.equal(h0.createTime, undefined);
    assert.equal(h0.updateTime, undefined);
    assert.deepEqual(h0.fields ?? {}, {});

    // The binding for a collection under a document.
    const rooms = await ok('GET', `/v1/${docs}/homes/h1/rooms`);
    assert.deepEqual(
      rooms.documents.map((d: { name: string }) => d.name),
      [docName(fs.projectId, 'homes/h1/rooms/attic')],
    );
    assert.deepEqual((await ok('GET', `/v1/${docs}/homes/h9/rooms`)).documents ?? [], []);
  });

  it('BatchGetDocuments answers a JSON array of found and missing documents, and can begin a transaction', async () => {
    await fs.adminDb.doc('rugs/r1').set({ wool: true, size: 3 });
    const answers = await ok('POST', `/v1/${db}/documents:batchGet`, {
      json: {
        documents: [docName(fs.projectId, 'rugs/r1'), docName(fs.projectId, 'rugs/none')],
        mask: { fieldPaths: ['size'] },
      },
    });
    assert.ok(Array.isArray(answers));
    const found = answers.find((a: any) => a.found);
    const missing = answers.find((a: any) => a.missing);
    assert.deepEqual(found.found.fields, { size: { integerValue: '3' } });
    assert.equal(missing.missing, docName(fs.projectId, 'rugs/none'));
    assert.equal(answers.length, 2);
    for (const a of answers) assert.match(a.readTime, /Z$/);

    const started = await ok('POST', `/v1/${db}/documents:batchGet`, {
      json: { documents: [docName(fs.projectId, 'rugs/r1')], newTransaction: { readWrite: {} } },
    });
    assert.match(
      started[0].transaction,
      /^[A-Za-z0-9+/]+=*$/,
      'the first answer carries the new transaction',
    );
    assert.ok(started[1].found);
    await ok('POST', `/v1/${db}/documents:rollback`, { json: { transaction: started[0].transaction } });
  });

  it('BeginTransaction, a read in it, Commit; Rollback ends a transaction and frees its locks', async () => {
    await fs.adminDb.doc('sofas/s1').set({ seats: 3 });
    const { transaction } = await ok('POST', `/v1/${db}/documents:beginTransaction`, { json: {} });
    assert.equal(typeof transaction, 'string');
    const read = await ok('GET', `/v1/${docs}/sofas/s1?transaction=${encodeURIComponent(transaction)}`);
    assert.deepEqual(read.fields, { seats: { integerValue: '3' } });
    const committed = await ok('POST', `/v1/${db}/documents:commit`, {
      json: {
        transaction,
        writes: [
          {
            update: { name: docName(fs.projectId, 'sofas/s1'), fields: { seats: { integerValue: '4' } } },
            currentDocument: { updateTime: read.updateTime },
          },
        ],
      },
    });
    assert.equal(committed.writeResults.length, 1);
    assert.equal(committed.writeResults[0].updateTime, committed.commitTime);
    assert.equal((await fs.adminDb.doc('sofas/s1').get()).get('seats'), 4);
    const reused = await rest('POST', `/v1/${db}/documents:commit`, { json: { transaction, writes: [] } });
    assertGoogleError(reused, 400, 'INVALID_ARGUMENT', /already committed/);

    // A read-write transaction locks what it reads; rolling it back lets a plain write through.
    const second = await ok('POST', `/v1/${db}/documents:beginTransaction`, {
      json: { options: { readWrite: {} } },
    });
    await ok('GET', `/v1/${docs}/sofas/s1?transaction=${encodeURIComponent(second.transaction)}`);
    assert.deepEqual(
      await ok('POST', `/v1/${db}/documents:rollback`, { json: { transaction: second.transaction } }),
      {},
    );
    await within(fs.adminDb.doc('sofas/s1').update({ seats: 5 }), 'a write after the rollback');
    const unknown = await rest('POST', `/v1/${db}/documents:rollback`, { json: { transaction: 'bm9wZQ==' } });
    assertGoogleError(unknown, 400, 'INVALID_ARGUMENT', /transaction/i);

    const readOnly = await ok('POST', `/v1/${db}/documents:beginTransaction`, {
      json: { options: { readOnly: {} } },
    });
    const refused = await rest('POST', `/v1/${db}/documents:commit`, {
      json: {
        transaction: readOnly.transaction,
        writes: [{ delete: docName(fs.projectId, 'sofas/s1') }],
      },
    });
    assertGoogleError(refused, 400, 'INVALID_ARGUMENT', /read-only/);
    assert.equal((await fs.adminDb.doc('sofas/s1').get()).get('seats'), 5);
  });

  it('Commit applies updates with transforms, verify and delete atomically, and answers transform results', async () => {
    await fs.adminDb.doc('tills/t1').set({ n: 1, tags: ['a'] });
    await fs.adminDb.doc('tills/gone').set({});
    const name = docName(fs.projectId, 'tills/t1');
    const answer = await ok('POST', `/v1/${db}/documents:commit`, {
      json: {
        writes: [
          { verify: name, currentDocument: { exists: true } },
          {
            update: { name, fields: { label: { stringValue: 'front' } } },
            updateMask: { fieldPaths: ['label'] },
            updateTransforms: [
              { fieldPath: 'n', increment: { integerValue: '41' } },
              { fieldPath: 'at', setToServerValue: 'REQUEST_TIME' },
              {
                fieldPath: 'tags',
                appendMissingElements: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] },
              },
              { fieldPath: 'low', minimum: { doubleValue: -1.5 } },
            ],
          },
          { delete: docName(fs.projectId, 'tills/gone') },
        ],
      },
    });
    assert.equal(answer.writeResults.length, 3);
    const [, update] = answer.writeResults;
    assert.deepEqual(update.transformResults[0], { integerValue: '42' });
    assert.match(update.transformResults[1].timestampValue, /Z$/);
    assert.deepEqual(update.transformResults[3], { doubleValue: -1.5 });
    const stored = await fs.adminDb.doc('tills/t1').get();
    assert.equal(stored.get('n'), 42);
    assert.deepEqual(stored.get('tags'), ['a', 'b']);
    assert.equal(stored.get('label'), 'front');
    assert.equal(stored.get('low'), -1.5);
    assert.equal((await fs.adminDb.doc('tills/gone').get()).exists, false);

    // One failing precondition fails the whole commit.
    const failed = await rest('POST', `/v1/${db}/documents:commit`, {
      json: {
        writes: [
          { update: { name, fields: { n: { integerValue: '0' } } } },
          { verify: docName(fs.projectId, 'tills/none'), currentDocument: { exists: true } },
        ],
      },
    });
    assertGoogleError(failed, 404, 'NOT_FOUND', /tills\/none/);
    assert.equal((await fs.adminDb.doc('tills/t1').get()).get('n'), 42);
  });

  it('RunQuery on the root and on a subcollection parent answers a JSON array of documents', async () => {
    await Promise.all([
      fs.adminDb.doc('flats/f1').set({ floor: 1 }),
      fs.adminDb.doc('flats/f1/chambers/r1').set({ area: 10 }),
      fs.adminDb.doc('flats/f1/chambers/r2').set({ area: 30 }),
      fs.adminDb.doc('flats/f2/chambers/r3').set({ area: 20 }),
    ]);
    const query = (extra: object = {}) => ({
      structuredQuery: {
        from: [{ collectionId: 'chambers', ...extra }],
        where: {
          fieldFilter: {
            field: { fieldPath: 'area' },
            op: 'GREATER_THAN_OR_EQUAL',
            value: { integerValue: '10' },
          },
        },
        orderBy: [{ field: { fieldPath: 'area' }, direction: 'DESCENDING' }],
      },
    });
    const underF1 = await ok('POST', `/v1/${docs}/flats/f1:runQuery`, { json: query() });
    assert.ok(Array.isArray(underF1));
    const namesOf = (answers: any[]) =>
      answers.filter((a) => a.document).map((a) => a.document.name.split('/').slice(-3).join('/'));
    assert.deepEqual(namesOf(underF1), ['f1/chambers/r2', 'f1/chambers/r1']);
    for (const a of underF1) assert.match(a.readTime, /Z$/);

    const everywhere = await ok('POST', `/v1/${docs}:runQuery`, { json: query({ allDescendants: true }) });
    assert.deepEqual(namesOf(everywhere), ['f1/chambers/r2', 'f2/chambers/r3', 'f1/chambers/r1']);
    const rootOnly = await ok('POST', `/v1/${docs}:runQuery`, { json: query() });
    assert.deepEqual(namesOf(rootOnly), [], 'no top-level chambers collection');

    const limited = await ok('POST', `/v1/${docs}:runQuery`, {
      json: { structuredQuery: { ...query({ allDescendants: true }).structuredQuery, limit: 1, offset: 1 } },
    });
    assert.deepEqual(namesOf(limited), ['f2/chambers/r3']);
  });

  it('RunAggregationQuery on the root and on a subcollection parent', async () => {
    await Promise.all([
      fs.adminDb.doc('shops/s1/sales/a').set({ total: 10 }),
      fs.adminDb.doc('shops/s1/sales/b').set({ total: 15.5 }),
      fs.adminDb.doc('shops/s2/sales/c').set({ total: 4 }),
    ]);
    const aggregation = (allDescendants: boolean) => ({
      structuredAggregationQuery: {
        structuredQuery: { from: [{ collectionId: 'sales', allDescendants }] },
        aggregations: [
          { alias: 'n', count: {} },
          { alias: 'sum', sum: { field: { fieldPath: 'total' } } },
          { alias: 'avg', avg: { field: { fieldPath: 'total' } } },
        ],
      },
    });
    const s1 = await ok('POST', `/v1/${docs}/shops/s1:runAggregationQuery`, { json: aggregation(false) });
    assert.equal(s1.length, 1);
    assert.deepEqual(s1[0].result.aggregateFields, {
      n: { integerValue: '2' },
      sum: { doubleValue: 25.5 },
      avg: { doubleValue: 12.75 },
    });
    const all = await ok('POST', `/v1/${docs}:runAggregationQuery`, { json: aggregation(true) });
    assert.deepEqual(all[0].result.aggregateFields.n, { integerValue: '3' });
    assert.match(all[0].readTime, /Z$/);
  });

  it('ListCollectionIds on the root and under a document; under rules only `Bearer owner` may call it', async () => {
    await Promise.all([
      fs.adminDb.doc('malls/m1/floors/f1').set({}),
      fs.adminDb.doc('malls/m1/shops/s1').set({}),
      fs.adminDb.doc('malls/m1/zones/z1').set({}),
    ]);
    const under = await ok('POST', `/v1/${docs}/malls/m1:listCollectionIds`, { json: { pageSize: 2 } });
    assert.deepEqual(under.collectionIds, ['floors', 'shops']);
    const rest2 = await ok('POST', `/v1/${docs}/malls/m1:listCollectionIds`, {
      json: { pageSize: 2, pageToken: under.nextPageToken },
    });
    assert.deepEqual(rest2.collectionIds, ['zones']);
    const root = await ok('POST', `/v1/${docs}:listCollectionIds`, { json: {} });
    assert.ok(root.collectionIds.includes('malls'));

    // Another project, with rules loaded: clients are refused, the owner is not.
    const ruled = `${fs.projectId}-ruled`;
    const loaded = await rest('PUT', `/emulator/v1/projects/${ruled}:securityRules`, {
      json: {
        rules: {
          files: [
            {
              name: 'firestore.rules',
              content:
                "rules_version = '2'; service cloud.firestore { match /databases/{db}/documents { match /{doc=**} { allow read, write: if true; } } }",
            },
          ],
        },
      },
    });
    assert.equal(loaded.status, 200, loaded.text);
    await ok('POST', `/v1/${documents(ruled)}/malls?documentId=m1`, { json: { fields: {} } });
    const refused = await rest('POST', `/v1/${documents(ruled)}:listCollectionIds`, { json: {} });
    assertGoogleError(refused, 403, 'PERMISSION_DENIED', /Admin SDK/);
    const owner = await ok('POST', `/v1/${documents(ruled)}:listCollectionIds`, {
      json: {},
      headers: { Authorization: 'Bearer owner' },
    });
    assert.deepEqual(owner.collectionIds, ['malls']);
  });

  it('BatchWrite applies each write on its own and answers a status for each', async () => {
    await fs.adminDb.doc('crates/taken').set({ v: 0 });
    const answer = await ok('POST', `/v1/${db}/documents:batchWrite`, {
      json: {
        writes: [
          { update: { name: docName(fs.projectId, 'crates/new'), fields: { v: { integerValue: '1' } } } },
          {
            update: { name: docName(fs.projectId, 'crates/taken'), fields: {} },
            currentDocument: { exists: false },
          },
          {
            update: { name: docName(fs.projectId, 'crates/none'), fields: {} },
            currentDocument: { exists: true },
          },
          { delete: docName(fs.projectId, 'crates/taken2') },
        ],
        labels: { job: 'import' },
      },
    });
    assert.equal(answer.writeResults.length, 4);
    assert.match(answer.writeResults[0].updateTime, /Z$/);
    assert.deepEqual(
      answer.status.map((s: { code?: number }) => s.code ?? 0),
      [0, 6, 5, 0],
    );
    assert.match(answer.status[1].message, /crates\/taken/);
    assert.equal((await fs.adminDb.doc('crates/new').get()).get('v'), 1);
    assert.equal((await fs.adminDb.doc('crates/taken').get()).get('v'), 0);
    assert.equal((await fs.adminDb.doc('crates/none').get()).exists, false);
  });

  it('Listen and Write, the bidirectional streams, answer UNIMPLEMENTED and point at WebChannel and gRPC', async () => {
    for (const method of ['listen', 'write']) {
      const reply = await rest('POST', `/v1/${db}/documents:${method}`, { json: {} });
      assertGoogleError(
        reply,
        501,
        'UNIMPLEMENTED',
        /bidirectional stream: use gRPC, or WebChannel at \/google\.firestore\.v1\.Firestore\/(Listen|Write)\/channel/,
      );
    }
    for (const method of ['partitionQuery', 'executePipeline']) {
      const path =
        method === 'partitionQuery' ? `/v1/${docs}:partitionQuery` : `/v1/${db}/documents:executePipeline`;
      assertGoogleError(await rest('POST', path, { json: {} }), 501, 'UNIMPLEMENTED', /does not implement/);
    }
    // The other bindings of PartitionQuery.
    assertGoogleError(
      await rest('POST', `/v1/${docs}/a/b:partitionQuery`, { json: {} }),
      501,
      'UNIMPLEMENTED',
      /does not implement/,
    );
  });

  it('every HTTP binding in firestore.proto was called by this suite', () => {
    const bindings = protoBindings();
    assert.ok(bindings.length >= 17, `${bindings.length} bindings`);
    const missing = bindings.filter(
      ({ method, template }) =>
        !called.some(
          (c) => c.startsWith(`${method} `) && templatePattern(template).test(c.slice(method.length + 1)),
        ),
    );
    assert.deepEqual(missing, [], 'bindings no test called');
  });
});
