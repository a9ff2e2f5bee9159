/**
 * firebase-admin's Firestore with `preferRest: true` (google-gax's REST transport: proto3 JSON over
 * HTTP/1.1, `$alt=json;enum-encoding=int`, JSON arrays for streamed responses) doing what apps do,
 * with every answer checked against what the same call gets over gRPC. A relay in front of the
 * emulator records the traffic, so the suite can show none of it was HTTP/2.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AggregateField,
  FieldValue,
  Filter,
  Timestamp,
  type DocumentSnapshot,
  type Firestore,
  type Query,
} from 'firebase-admin/firestore';
import { Timestamp as CloudTimestamp } from '@google-cloud/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { SnapshotQueue } from '../conformance/snapshots';
import { restAdmin, restCloudFirestore, within, type RestAdmin, type RestCloudFirestore } from './support';

/** The status code and server message of a failed SDK call, whichever transport carried it. */
async function failure(call: () => Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call();
  } catch (error) {
    const e = error as { code: number; details?: unknown; message: string };
    // grpc-js puts the server's message in `details` ("5 NOT_FOUND: ..." in `message`); google-gax's
    // REST transport puts it in `message`.
    return { code: e.code, message: typeof e.details === 'string' && e.details ? e.details : e.message };
  }
  throw new Error('expected the call to fail');
}

const ids = (snap: { docs: Array<{ id: string }> }) => snap.docs.map((d) => d.id);

describe('firebase-admin with preferRest: true', () => {
  let fs: TestFirestore;
  let rest: RestAdmin;
  let db: Firestore;
  /** The same project over gRPC, to compare with. */
  let grpcDb: Firestore;
  before(async () => {
    fs = await useEmulator();
    rest = await restAdmin(fs.host, fs.projectId);
    db = rest.db;
    grpcDb = fs.adminDb;
  });
  after(async () => {
    await rest.stop();
    await fs.stop();
  });

  it('set, get, update and delete, with serverTimestamp, increment, arrayUnion and arrayRemove', async () => {
    const ref = db.doc('carts/c1');
    const before = Timestamp.now();
    const result = await ref.set({
      owner: 'ada',
      items: ['chair'],
      count: 1,
      at: FieldValue.serverTimestamp(),
      nested: { price: 12.5, tags: ['oak'] },
    });
    const snap = await ref.get();
    assert.equal(snap.exists, true);
    assert.deepEqual(snap.get('items'), ['chair']);
    assert.equal(snap.get('nested.price'), 12.5);
    const at = snap.get('at') as Timestamp;
    assert.ok(at instanceof Timestamp);
    assert.ok(at.toMillis() >= before.toMillis() - 1000, 'the server timestamp is the commit time');
    assert.ok(snap.updateTime!.isEqual(result.writeTime));

    await ref.update({
      count: FieldValue.increment(2),
      items: FieldValue.arrayUnion('table', 'chair'),
      'nested.tags': FieldValue.arrayRemove('oak'),
      owner: FieldValue.delete(),
    });
    const updated = await ref.get();
    assert.deepEqual(updated.data(), {
      items: ['chair', 'table'],
      count: 3,
      at,
      nested: { price: 12.5, tags: [] },
    });
    // The gRPC path reads exactly what REST wrote.
    assert.deepEqual((await grpcDb.doc('carts/c1').get()).data(), updated.data());

    await ref.set({ extra: true }, { merge: true });
    assert.equal((await ref.get()).get('extra'), true);
    await ref.delete();
    assert.equal((await ref.get()).exists, false);
    assert.equal((await grpcDb.doc('carts/c1').get()).exists, false);
  });

  it('a failed precondition gets the gRPC message; NOT_FOUND its code (google-gax 4 maps codes from HTTP statuses)', async () => {
    await grpcDb.doc('pre/there').set({ n: 1 });
    const stale = Timestamp.fromMillis(1000);
    // firebase-admin's google-gax 4 takes the code from the HTTP status alone (google-gax 5 reads
    // the body's "status"; see the @google-cloud/firestore 8 suite below): 404 is NOT_FOUND, but
    // FAILED_PRECONDITION's 400 reads as INVALID_ARGUMENT, and ALREADY_EXISTS's 409 as ABORTED,
    // which the SDK retries until its deadline, so a create over an existing document is left out.
    const cases: Array<[string, (d: Firestore) => Promise<unknown>, number, number]> = [
      ['update of a missing document', (d) => d.doc('pre/missing').update({ n: 2 }), 5, 5],
      ['delete that needs the document to exist', (d) => d.doc('pre/missing').delete({ exists: true }), 5, 5],
      [
        'update with a stale lastUpdateTime',
        (d) => d.doc('pre/there').update({ n: 2 }, { lastUpdateTime: stale }),
        9,
        3,
      ],
      [
        'delete with a stale lastUpdateTime',
        (d) => d.doc('pre/there').delete({ lastUpdateTime: stale }),
        9,
        3,
      ],
    ];
    for (const [what, call, grpcCode, restCode] of cases) {
      const overGrpc = await failure(() => call(grpcDb));
      const overRest = await failure(() => call(db));
      assert.equal(overGrpc.code, grpcCode, `${what} over gRPC: ${overGrpc.message}`);
      assert.equal(overRest.code, restCode, `${what} over REST: ${overRest.message}`);
      assert.equal(overRest.message, overGrpc.message, what);
    }
    assert.deepEqual((await db.doc('pre/there').get()).data(), { n: 1 }, 'nothing was written');
    assert.equal((await db.doc('pre/missing').get()).exists, false);
    // A matching precondition passes.
    const { updateTime } = await db.doc('pre/there').get();
    await db.doc('pre/there').update({ n: 3 }, { lastUpdateTime: updateTime! });
    assert.equal((await grpcDb.doc('pre/there').get()).get('n'), 3);
  });

  it('queries with filters, orderBy, cursors, limit and limitToLast match the gRPC results', async () => {
    const products = [
      { id: 'p1', kind: 'chair', price: 40, tags: ['oak'], stock: 3 },
      { id: 'p2', kind: 'table', price: 250, tags: ['oak', 'large'], stock: 0 },
      { id: 'p3', kind: 'chair', price: 55, tags: ['pine'], stock: 7 },
      { id: 'p4', kind: 'lamp', price: 20, tags: [], stock: 12 },
      { id: 'p5', kind: 'chair', price: 40, tags: ['walnut'], stock: 1 },
      { id: 'p6', kind: 'sofa', price: 900, tags: ['large'], stock: 2 },
    ];
    const batch = grpcDb.batch();
    for (const { id, ...data } of products) batch.set(grpcDb.doc(`products/${id}`), data);
    await batch.commit();

    const queries: Array<[string, (d: Firestore) => Query, string[]]> = [
      ['==', (d) => d.collection('products').where('kind', '==', 'chair'), ['p1', 'p3', 'p5']],
      [
        'range with orderBy',
        (d) => d.collection('products').where('price', '>=', 40).orderBy('price', 'desc'),
        // Ties go by document name, in the direction of the last orderBy.
        ['p6', 'p2', 'p3', 'p5', 'p1'],
      ],
      ['in', (d) => d.collection('products').where('kind', 'in', ['lamp', 'sofa']), ['p4', 'p6']],
      ['not-in', (d) => d.collection('products').where('kind', 'not-in', ['chair', 'table']), ['p4', 'p6']],
      [
        'array-contains',
        (d) => d.collection('products').where('tags', 'array-contains', 'oak'),
        ['p1', 'p2'],
      ],
      [
        'array-contains-any',
        (d) => d.collection('products').where('tags', 'array-contains-any', ['pine', 'large']),
        ['p2', 'p3', 'p6'],
      ],
      [
        'or of ands',
        (d) =>
          d
            .collection('products')
            .where(
              Filter.or(
                Filter.and(Filter.where('kind', '==', 'chair'), Filter.where('stock', '>', 2)),
                Filter.where('price', '>', 500),
              ),
            ),
        ['p1', 'p3', 'p6'],
      ],
      [
        'orderBy two fields, startAfter, limit',
        (d) => d.collection('products').orderBy('price').orderBy('stock').startAfter(40, 1).limit(2),
        ['p1', 'p3'],
      ],
      [
        'startAt and endBefore',
        (d) => d.collection('products').orderBy('price').startAt(40).endBefore(250),
        ['p1', 'p5', 'p3'],
      ],
      ['limitToLast', (d) => d.collection('products').orderBy('price').limitToLast(2), ['p2', 'p6']],
      ['select', (d) => d.collection('products').where('stock', '==', 0).select('kind'), ['p2']],
      ['offset', (d) => d.collection('products').orderBy('price').offset(4), ['p2', 'p6']],
    ];
    for (const [what, query, expected] of queries) {
      const [overRest, overGrpc] = await Promise.all([query(db).get(), query(grpcDb).get()]);
      assert.deepEqual(ids(overRest), expected, what);
      assert.deepEqual(
        overRest.docs.map((d) => d.data()),
        overGrpc.docs.map((d) => d.data()),
        what,
      );
    }
    const selected = await db.collection('products').where('stock', '==', 0).select('kind').get();
    assert.deepEqual(selected.docs[0]!.data(), { kind: 'table' });
    // A cursor from a document snapshot.
    const p3 = await db.doc('products/p3').get();
    assert.deepEqual(ids(await db.collection('products').orderBy('price').startAfter(p3).get()), [
      'p2',
      'p6',
    ]);
  });

  it('collection group queries reach every collection of that id, at any depth', async () => {
    await Promise.all([
      grpcDb.doc('rooms/r1/items/a').set({ room: 'r1', w: 3 }),
      grpcDb.doc('rooms/r2/items/b').set({ room: 'r2', w: 5 }),
      grpcDb.doc('houses/h1/rooms/r3/items/c').set({ room: 'r3', w: 8 }),
      grpcDb.doc('items/top').set({ room: 'none', w: 1 }),
      grpcDb.doc('rooms/r1/other/x').set({ room: 'r1', w: 100 }),
    ]);
    const heavy = await db.collectionGroup('items').where('w', '>=', 3).orderBy('w').get();
    assert.deepEqual(ids(heavy), ['a', 'b', 'c']);
    assert.deepEqual(
      heavy.docs.map((d) => d.ref.path),
      ['rooms/r1/items/a', 'rooms/r2/items/b', 'houses/h1/rooms/r3/items/c'],
    );
    assert.equal((await db.collectionGroup('items').get()).size, 4);
    // A query under one document (RunQuery on a subcollection parent).
    assert.deepEqual(ids(await db.collection('rooms/r1/items').get()), ['a']);
  });

  it('count, sum and average aggregations match the gRPC results', async () => {
    const orders = [12, 30, 7.5, 50.5];
    await Promise.all(orders.map((total, i) => grpcDb.doc(`orders/o${i}`).set({ total, paid: i % 2 === 0 })));
    await grpcDb.doc('orders/no-total').set({ paid: true });
    const aggregate = (d: Firestore) =>
      d
        .collection('orders')
        .aggregate({
          count: AggregateField.count(),
          sum: AggregateField.sum('total'),
          avg: AggregateField.average('total'),
        })
        .get();
    const [overRest, overGrpc] = await Promise.all([aggregate(db), aggregate(grpcDb)]);
    // With sum or avg asked for, only documents holding `total` are aggregated (count included).
    assert.deepEqual(overRest.data(), { count: 4, sum: 100, avg: 25 });
    assert.deepEqual(overRest.data(), overGrpc.data());
    const paid = await db.collection('orders').where('paid', '==', true).count().get();
    assert.equal(paid.data().count, 3);
    const empty = await db
      .collection('nothing-here')
      .aggregate({ n: AggregateField.count(), s: AggregateField.sum('x'), a: AggregateField.average('x') })
      .get();
    assert.deepEqual(empty.data(), { n: 0, s: 0, a: null });
  });

  it('20 concurrent contended transactional increments end at exactly +20', async () => {
    const ref = db.doc('counters/hot');
    await ref.set({ n: 0 });
    let attempts = 0;
    await within(
      Promise.all(
        Array.from({ length: 20 }, () =>
          db.runTransaction(async (tx) => {
            attempts++;
            const snap = await tx.get(ref);
            tx.update(ref, { n: (snap.get('n') as number) + 1 });
          }),
        ),
      ),
      'the increments',
      30_000,
    );
    assert.equal((await ref.get()).get('n'), 20);
    assert.equal((await grpcDb.doc('counters/hot').get()).get('n'), 20);
    assert.ok(attempts >= 20);
  });

  it('a transaction reads with queries and getAll, writes atomically, and rolls back when it throws', async () => {
    await grpcDb.doc('stock/s1').set({ left: 2 });
    await grpcDb.doc('stock/s2').set({ left: 0 });
    const moved = await db.runTransaction(async (tx) => {
      const inStock = await tx.get(db.collection('stock').where('left', '>', 0));
      const [s1, s2] = await tx.getAll(db.doc('stock/s1'), db.doc('stock/s2'));
      tx.update(s1!.ref, { left: (s1!.get('left') as number) - 1 });
      tx.update(s2!.ref, { left: (s2!.get('left') as number) + 1 });
      return inStock.size;
    });
    assert.equal(moved, 1);
    const after = await db.getAll(db.doc('stock/s1'), db.doc('stock/s2'));
    assert.deepEqual(
      after.map((s) => s.get('left')),
      [1, 1],
    );

    await assert.rejects(
      db.runTransaction(async (tx) => {
        await tx.get(db.doc('stock/s1'));
        tx.set(db.doc('stock/s1'), { left: 99 });
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.equal((await db.doc('stock/s1').get()).get('left'), 1);
    // Rolled back: the lock is gone, so a plain write goes through at once.
    await within(grpcDb.doc('stock/s1').update({ left: 5 }), 'a write after the rollback');

    const readOnly = await db.runTransaction((tx) => tx.get(db.doc('stock/s1')), { readOnly: true });
    assert.equal(readOnly.get('left'), 5);
  });

  it('a batch is atomic: one failed precondition leaves every document as it was', async () => {
    await grpcDb.doc('batch/a').set({ v: 1 });
    const failing = db.batch();
    failing.set(db.doc('batch/b'), { v: 2 });
    failing.update(db.doc('batch/a'), { v: FieldValue.increment(1) });
    failing.update(db.doc('batch/missing'), { v: 3 });
    const overRest = await failure(() => failing.commit());
    assert.equal(overRest.code, 5);
    assert.match(overRest.message, /batch\/missing/);
    assert.equal((await db.doc('batch/b').get()).exists, false);
    assert.equal((await db.doc('batch/a').get()).get('v'), 1);

    const ok = db.batch();
    ok.set(db.doc('batch/b'), { v: 2 });
    ok.update(db.doc('batch/a'), { v: FieldValue.increment(1) });
    ok.delete(db.doc('batch/gone'));
    const results = await ok.commit();
    assert.equal(results.length, 3);
    assert.ok(results[0]!.writeTime.isEqual(results[1]!.writeTime), 'one commit time');
    assert.equal((await grpcDb.doc('batch/a').get()).get('v'), 2);
  });

  it('BulkWriter (batchWrite) applies writes one by one and reports each failure with its code', async () => {
    await grpcDb.doc('bulk/taken').set({ v: 0 });
    const failures: Array<{ path: string; code: number }> = [];
    const writer = db.bulkWriter();
    writer.onWriteError((error) => {
      failures.push({ path: error.documentRef.path, code: error.code });
      return false;
    });
    const outcomes = Array.from({ length: 30 }, (_, i) =>
      writer.create(db.doc(`bulk/d${String(i).padStart(2, '0')}`), { i }),
    );
    const taken = writer.create(db.doc('bulk/taken'), { v: 1 });
    const missing = writer.update(db.doc('bulk/nope'), { v: 1 });
    await within(writer.close(), 'the bulk writer');
    await Promise.all(outcomes);
    await assert.rejects(taken, (e: { code: number }) => e.code === 6);
    await assert.rejects(missing, (e: { code: number }) => e.code === 5);
    assert.deepEqual(
      failures.sort((a, b) => a.path.localeCompare(b.path)),
      [
        { path: 'bulk/nope', code: 5 },
        { path: 'bulk/taken', code: 6 },
      ],
    );
    const stored = await grpcDb.collection('bulk').get();
    assert.equal(stored.size, 31);
    assert.equal((await grpcDb.doc('bulk/taken').get()).get('v'), 0);
  });

  it('listDocuments includes documents that only have subcollections; listCollections and getAll', async () => {
    await Promise.all([
      grpcDb.doc('homes/h1').set({ name: 'one' }),
      grpcDb.doc('homes/h2/rooms/kitchen').set({ area: 12 }),
      grpcDb.doc('homes/h1/rooms/hall').set({ area: 4 }),
      grpcDb.doc('homes/h1/plans/p').set({}),
    ]);
    const listed = await db.collection('homes').listDocuments();
    assert.deepEqual(listed.map((r) => r.path).sort(), ['homes/h1', 'homes/h2']);
    const collections = await db.doc('homes/h1').listCollections();
    assert.deepEqual(collections.map((c) => c.id).sort(), ['plans', 'rooms']);
    const roots = (await db.listCollections()).map((c) => c.id);
    assert.ok(roots.includes('homes') && roots.includes('products'), roots.join());
    const [h1, h2, none] = await db.getAll(db.doc('homes/h1'), db.doc('homes/h2'), db.doc('homes/none'), {
      fieldMask: ['name'],
    });
    assert.deepEqual(h1!.data(), { name: 'one' });
    assert.equal(h2!.exists, false, 'a document with only subcollections does not exist');
    assert.equal(none!.exists, false);
  });

  it('all of it went over HTTP/1.1 REST with numeric enums, and nothing over HTTP/2', async () => {
    // A few calls of its own, so this holds when run alone too.
    await db.doc('wire/a').set({ n: 1 });
    await db.collection('wire').where('n', '==', 1).get();
    await db.collection('wire').count().get();
    await db.runTransaction(async (tx) =>
      tx.update(db.doc('wire/a'), { n: (await tx.get(db.doc('wire/a'))).get('n') + 1 }),
    );
    const { requests, http2Connections } = rest.wire;
    assert.equal(http2Connections, 0, 'no connection began with the HTTP/2 preface');
    assert.ok(requests.length > 0);
    for (const request of requests) {
      assert.match(
        request,
        /^(GET|POST|PATCH|DELETE) \/v1\/projects\/test-[^/]+\/databases\/\(default\)\/documents/,
      );
      assert.match(request, /[?&]\$alt=json%3Benum-encoding=int(&|$)/, request);
    }
    const methods = new Set(requests.map((r) => /:(\w+)\?/.exec(r)?.[1] ?? r.split(' ')[0]));
    for (const method of ['commit', 'batchGet', 'runQuery', 'runAggregationQuery']) {
      assert.ok(methods.has(method), `${method} went over REST (${[...methods].join(', ')})`);
    }
  });
});

describe('the relay tells HTTP/2 from HTTP/1.1', () => {
  let fs: TestFirestore;
  let rest: RestAdmin;
  before(async () => {
    fs = await useEmulator();
    rest = await restAdmin(fs.host, fs.projectId);
  });
  after(async () => {
    await rest.stop();
    await fs.stop();
  });

  it('Listen, which the SDK keeps on gRPC even with preferRest, shows up as an HTTP/2 connection', async () => {
    const ref = rest.db.doc('relay/r1');
    await ref.set({ n: 1 });
    assert.equal(rest.wire.http2Connections, 0);
    const seen = new SnapshotQueue<DocumentSnapshot>();
    const unsubscribe = ref.onSnapshot(seen.push, seen.fail);
    try {
      assert.equal((await seen.until((s) => s.exists)).get('n'), 1);
    } finally {
      unsubscribe();
    }
    assert.equal(rest.wire.http2Connections, 1, 'the check the REST suite relies on does see gRPC');
    assert.equal(rest.wire.requests.length, 1, 'the set went over HTTP/1.1');
  });
});

describe('@google-cloud/firestore 8 (google-gax 5) with preferRest: true', () => {
  let fs: TestFirestore;
  let rest: RestCloudFirestore;
  before(async () => {
    fs = await useEmulator();
    rest = await restCloudFirestore(fs.host, fs.projectId);
  });
  after(async () => {
    await rest.stop();
    await fs.stop();
  });

  it('gets ALREADY_EXISTS, NOT_FOUND and FAILED_PRECONDITION with the codes and messages gRPC gives', async () => {
    const db = rest.db;
    const grpcDb = fs.adminDb;
    await grpcDb.doc('pre/there').set({ n: 1 });
    type Db = { doc: Firestore['doc'] };
    // Each SDK takes only its own Timestamp class.
    const cases: Array<[string, (d: Db, stale: Timestamp) => Promise<unknown>, number]> = [
      ['create of an existing document', (d) => d.doc('pre/there').create({ n: 2 }), 6],
      ['update of a missing document', (d) => d.doc('pre/missing').update({ n: 2 }), 5],
      [
        'update with a stale lastUpdateTime',
        (d, stale) => d.doc('pre/there').update({ n: 2 }, { lastUpdateTime: stale }),
        9,
      ],
    ];
    for (const [what, call, code] of cases) {
      const overGrpc = await failure(() => call(grpcDb, Timestamp.fromMillis(1000)));
      const overRest = await failure(() =>
        call(db as unknown as Db, CloudTimestamp.fromMillis(1000) as unknown as Timestamp),
      );
      assert.equal(overRest.code, code, `${what}: ${overRest.message}`);
      assert.deepEqual(overRest, overGrpc, what);
    }
    assert.deepEqual((await grpcDb.doc('pre/there').get()).data(), { n: 1 });
    assert.equal(rest.wire.http2Connections, 0);
    assert.equal(rest.wire.requests.length, cases.length);
  });
});
