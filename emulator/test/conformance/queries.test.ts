import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AggregateField, FieldPath, FieldValue, Filter, type Query } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import {
  average,
  collection as webCollection,
  count,
  FieldPath as WebFieldPath,
  getAggregateFromServer,
  doc as webDoc,
  documentId,
  getDocs,
  getDocsFromServer,
  orderBy as webOrderBy,
  query as webQuery,
  setDoc,
  sum,
  where as webWhere,
} from 'firebase/firestore';
import { databaseName, rawClient } from './raw-client';

const ITEMS: Record<string, Record<string, unknown>> = {
  i1: { n: 1, s: 'a', tags: ['x', 'y'], cat: 'A', price: 10 },
  i2: { n: 2, s: 'b', tags: ['y'], cat: 'B', price: 20 },
  i3: { n: 3, s: 'c', tags: [], cat: 'A', price: 30 },
  i4: { n: null, s: 'd', cat: 'B', price: 5 },
  i5: { n: NaN, cat: 'C', price: 15 },
  i6: { s: 'e', cat: 'A' },
  i7: { cat: 'D', price: 10 },
};

describe('queries', () => {
  let fs: TestFirestore;
  const ids = async (q: Query) => (await q.get()).docs.map((d) => d.id);
  const sorted = async (q: Query) => (await ids(q)).sort();
  before(async () => {
    fs = await useEmulator();
    const batch = fs.adminDb.batch();
    for (const [id, data] of Object.entries(ITEMS)) batch.set(fs.adminDb.doc(`items/${id}`), data);
    batch.set(fs.adminDb.doc('other/i1'), { price: 10 });
    await batch.commit();
  });
  after(() => fs.stop());
  const items = () => fs.adminDb.collection('items');

  it('equality, inequality and range operators', async () => {
    assert.deepEqual(await sorted(items().where('n', '==', 1)), ['i1']);
    assert.deepEqual(await sorted(items().where('price', '<', 15)), ['i1', 'i4', 'i7']);
    assert.deepEqual(await sorted(items().where('price', '<=', 15)), ['i1', 'i4', 'i5', 'i7']);
    assert.deepEqual(await sorted(items().where('price', '>', 15)), ['i2', 'i3']);
    assert.deepEqual(await sorted(items().where('price', '>=', 20)), ['i2', 'i3']);
    assert.deepEqual(await sorted(items().where('s', '>=', 'c')), ['i3', 'i4', 'i6']);
    // != skips documents without the field and with null.
    assert.deepEqual(await sorted(items().where('price', '!=', 10)), ['i2', 'i3', 'i4', 'i5']);
    assert.deepEqual(await sorted(items().where('n', '>', 1)), ['i2', 'i3']);
  });

  it('in, not-in, array-contains and array-contains-any', async () => {
    assert.deepEqual(await sorted(items().where('price', 'in', [10, 30])), ['i1', 'i3', 'i7']);
    assert.deepEqual(await sorted(items().where('price', 'not-in', [10, 20])), ['i3', 'i4', 'i5']);
    assert.deepEqual(await sorted(items().where('tags', 'array-contains', 'y')), ['i1', 'i2']);
    assert.deepEqual(await sorted(items().where('tags', 'array-contains-any', ['x', 'z'])), ['i1']);
  });

  it('null and NaN filters', async () => {
    assert.deepEqual(await sorted(items().where('n', '==', null)), ['i4']);
    assert.deepEqual(await sorted(items().where('n', '==', NaN)), ['i5']);
    assert.deepEqual(await sorted(items().where('n', '!=', null)), ['i1', 'i2', 'i3', 'i5']);
  });

  it('range filters never match NaN, though NaN sorts below every other number', async () => {
    assert.deepEqual(await sorted(items().where('n', '<', 2)), ['i1']);
    assert.deepEqual(await sorted(items().where('n', '<=', 3)), ['i1', 'i2', 'i3']);
    assert.deepEqual(await sorted(items().where('n', '>=', -Infinity)), ['i1', 'i2', 'i3']);
    const web = await getDocs(webQuery(webCollection(fs.webDb(), 'items'), webWhere('n', '<=', 3)));
    assert.deepEqual(web.docs.map((d) => d.id).sort(), ['i1', 'i2', 'i3']);
    // Ordering still places it first.
    assert.deepEqual(await ids(items().orderBy('n').where('cat', 'in', ['A', 'C'])), ['i5', 'i1', 'i3']);
  });

  it('AND and OR composites, nested', async () => {
    assert.deepEqual(
      await sorted(items().where(Filter.or(Filter.where('cat', '==', 'C'), Filter.where('price', '==', 20)))),
      ['i2', 'i5'],
    );
    assert.deepEqual(
      await sorted(
        items().where(
          Filter.and(
            Filter.where('cat', '==', 'A'),
            Filter.or(Filter.where('price', '<', 15), Filter.where('price', '>', 25)),
          ),
        ),
      ),
      ['i1', 'i3'],
    );
  });

  it('inequalities on several fields', async () => {
    assert.deepEqual(await sorted(items().where('price', '>', 5).where('s', '<', 'c')), ['i1', 'i2']);
  });

  it('orders by several fields, drops documents missing an ordered field, ties broken by name', async () => {
    assert.deepEqual(await ids(items().orderBy('cat').orderBy('price', 'desc')), [
      'i3',
      'i1',
      'i2',
      'i4',
      'i5',
      'i7',
    ]);
    assert.deepEqual(await ids(items().orderBy('price')), ['i4', 'i1', 'i7', 'i5', 'i2', 'i3']);
    assert.deepEqual(await ids(items().orderBy('price', 'desc')), ['i3', 'i2', 'i5', 'i7', 'i1', 'i4']);
  });

  it('cursors by value and by document', async () => {
    const byPrice = items().orderBy('price');
    assert.deepEqual(await ids(byPrice.startAt(10).endBefore(20)), ['i1', 'i7', 'i5']);
    assert.deepEqual(await ids(byPrice.startAfter(10)), ['i5', 'i2', 'i3']);
    assert.deepEqual(await ids(byPrice.endAt(15)), ['i4', 'i1', 'i7', 'i5']);
    const i1 = await fs.adminDb.doc('items/i1').get();
    assert.deepEqual(await ids(byPrice.startAfter(i1)), ['i7', 'i5', 'i2', 'i3']);
    assert.deepEqual(await ids(byPrice.endBefore(i1)), ['i4']);
  });

  it('offset, limit, limitToLast and select', async () => {
    const byPrice = items().orderBy('price');
    assert.deepEqual(await ids(byPrice.offset(2).limit(2)), ['i7', 'i5']);
    assert.deepEqual(await ids(byPrice.limitToLast(2)), ['i2', 'i3']);
    const selected = await items().where('cat', '==', 'B').select('price').get();
    assert.deepEqual(
      selected.docs.map((d) => d.data()),
      [{ price: 20 }, { price: 5 }],
    );
  });

  it('not-in and != skip null and missing fields; a null in not-in matches nothing; != NaN skips NaN', async () => {
    assert.deepEqual(await sorted(items().where('n', 'not-in', [1, 2])), ['i3', 'i5']);
    assert.deepEqual(await sorted(items().where('n', '!=', NaN)), ['i1', 'i2', 'i3']);
    const raw = rawClient(fs.host);
    try {
      const stream = raw.runQuery({
        parent: `${databaseName(fs.projectId)}/documents`,
        structuredQuery: {
          from: [{ collectionId: 'items' }],
          where: {
            fieldFilter: {
              field: { fieldPath: 'n' },
              op: 'NOT_IN',
              value: { arrayValue: { values: [{ integerValue: '1' }, { nullValue: 'NULL_VALUE' }] } },
            },
          },
        },
      });
      let found = 0;
      for await (const r of stream) if (r.document) found++;
      assert.equal(found, 0);
    } finally {
      await raw.close();
    }
  });

  it('queries Firestore refuses get its INVALID_ARGUMENT and message', async () => {
    // The SDK suites' shapes: != then orderBy(documentId()) makes the implicit order __name__, key.
    const web = webCollection(fs.webDb(), 'items');
    const refused = (message: RegExp | string) => (error: any) =>
      error.code === 'invalid-argument' &&
      (typeof message === 'string' ? error.message.includes(message) : message.test(error.message));
    await assert.rejects(
      getDocs(webQuery(web, webWhere('price', '!=', 42), webOrderBy(documentId()))),
      refused(/order by clause cannot contain more fields after the key price/i),
    );
    await assert.rejects(
      getDocs(webQuery(web, webWhere('price', '!=', 42), webWhere(documentId(), '==', 'i1'))),
      refused(
        'Equality on key is not allowed if there are other inequality fields and key does not appear in inequalities.',
      ),
    );
    const invalid = (pattern: RegExp) => (error: any) => error.code === 3 && pattern.test(error.message);
    await assert.rejects(
      ids(items().where('price', '>', 1).orderBy(FieldPath.documentId())),
      invalid(/order by clause cannot contain more fields after the key price/i),
    );
    await assert.rejects(
      ids(items().orderBy(FieldPath.documentId()).orderBy('price')),
      invalid(/order by clause cannot contain more fields after the key price/i),
    );
    await assert.rejects(
      ids(items().where('price', '>', 1).where(FieldPath.documentId(), '==', items().doc('i1'))),
      invalid(/Equality on key is not allowed if there are other inequality fields/),
    );
    // With the key among the inequalities, or ordered last, they are fine.
    assert.deepEqual(
      await ids(
        items()
          .where('price', '>', 1)
          .where(FieldPath.documentId(), '>=', items().doc('i1'))
          .where(FieldPath.documentId(), '==', items().doc('i1')),
      ),
      ['i1'],
    );
    assert.deepEqual(
      await ids(items().where('price', '>', 25).orderBy('price').orderBy(FieldPath.documentId())),
      ['i3'],
    );
  });

  it('a filter on the document name (== or in) finds exactly those documents of the collection', async () => {
    const db = fs.adminDb;
    const col = db.collection('named');
    await Promise.all(['a', 'b', 'c'].map((id, i) => col.doc(id).set({ i })));
    // Same ids in another collection and in a subcollection: never part of the answer.
    await db.doc('other/a').set({ i: 9 });
    await col.doc('a').collection('named').doc('b').set({ i: 8 });
    const names = async (q: FirebaseFirestore.Query) => (await q.get()).docs.map((d) => d.ref.path).sort();
    const id = FieldPath.documentId();
    assert.deepEqual(await names(col.where(id, 'in', [col.doc('a'), col.doc('c'), col.doc('zz')])), [
      'named/a',
      'named/c',
    ]);
    assert.deepEqual(await names(col.where(id, 'in', [col.doc('b'), col.doc('b')])), ['named/b']);
    assert.deepEqual(await names(col.where(id, '==', col.doc('c'))), ['named/c']);
    assert.deepEqual(await names(col.where('i', '>', 0).where(id, 'in', [col.doc('a'), col.doc('b')])), [
      'named/b',
    ]);
    assert.deepEqual(await names(col.where(id, 'not-in', [col.doc('a')])), ['named/b', 'named/c']);
  });

  it('inequalities on several fields order by those fields (by path), then by name, after any orderBy', async () => {
    const db = fs.adminDb;
    const rows: Array<[string, number, string]> = [
      ['r1', 3, 'b'],
      ['r2', 1, 'c'],
      ['r3', 2, 'a'],
      ['r4', 1, 'a'],
      ['r5', 5, 'z'],
    ];
    await Promise.all(rows.map(([id, b, a]) => db.doc(`multi/${id}`).set({ b, a })));
    const filtered = db.collection('multi').where('b', '>', 0).where('a', '<', 'z');
    assert.deepEqual(await ids(filtered), ['r4', 'r3', 'r1', 'r2']);
    assert.deepEqual(await ids(filtered.orderBy('b')), ['r4', 'r2', 'r3', 'r1']);
    assert.deepEqual(await ids(filtered.orderBy('b', 'desc')), ['r1', 'r3', 'r2', 'r4']);
    assert.deepEqual(await ids(filtered.limit(2)), ['r4', 'r3']);
  });

  it('limitToLast with cursors takes the last documents of the cursor range', async () => {
    const byPrice = items().orderBy('price'); // i4 5, i1 10, i7 10, i5 15, i2 20, i3 30
    assert.deepEqual(await ids(byPrice.startAt(10).limitToLast(2)), ['i2', 'i3']);
    assert.deepEqual(await ids(byPrice.endBefore(20).limitToLast(2)), ['i7', 'i5']);
    assert.deepEqual(await ids(byPrice.startAfter(5).endAt(15).limitToLast(5)), ['i1', 'i7', 'i5']);
    assert.deepEqual(await ids(items().orderBy('price', 'desc').limitToLast(2)), ['i1', 'i4']);
    const i7 = await fs.adminDb.doc('items/i7').get();
    assert.deepEqual(await ids(byPrice.endAt(i7).limitToLast(2)), ['i1', 'i7']);
  });

  it('collection group queries page by full document name', async () => {
    const db = fs.adminDb;
    await Promise.all(
      ['g1/a/cg/x', 'g1/b/cg/x', 'cg/x', 'g1/a/cg/y'].map((path) => db.doc(path).set({ n: path.length })),
    );
    const byName = db.collectionGroup('cg').orderBy(FieldPath.documentId());
    const paths = async (q: Query) => (await q.get()).docs.map((d) => d.ref.path);
    assert.deepEqual(await paths(byName), ['cg/x', 'g1/a/cg/x', 'g1/a/cg/y', 'g1/b/cg/x']);
    assert.deepEqual(await paths(byName.startAfter('g1/a/cg/x')), ['g1/a/cg/y', 'g1/b/cg/x']);
    assert.deepEqual(await paths(byName.startAt('g1/a').endBefore('g1/b/cg/x')), ['g1/a/cg/x', 'g1/a/cg/y']);
    assert.deepEqual(await paths(byName.limitToLast(1)), ['g1/b/cg/x']);
    // Equal values of n continue by full name, across parents.
    const page = await db.collectionGroup('cg').orderBy('n').limit(2).get();
    assert.deepEqual(
      page.docs.map((d) => d.ref.path),
      ['cg/x', 'g1/a/cg/x'],
    );
    assert.deepEqual(await paths(db.collectionGroup('cg').orderBy('n').startAfter(page.docs[1]!)), [
      'g1/a/cg/y',
      'g1/b/cg/x',
    ]);
  });

  it('document ids __id<n>__ are numeric ids: ordered by number, before every string id', async () => {
    // The web SDK suite's documents and order.
    const ids15 = [
      'A',
      'a',
      'Aa',
      '7',
      '12',
      '__id7__',
      '__id12__',
      '__id-2__',
      '_id1__',
      '__id1_',
      '__id',
      '__id9223372036854775807__',
      '__id9223372036854775806__',
      '__id-9223372036854775808__',
      '__id-9223372036854775807__',
    ];
    const expected = [
      '__id-9223372036854775808__',
      '__id-9223372036854775807__',
      '__id-2__',
      '__id7__',
      '__id12__',
      '__id9223372036854775806__',
      '__id9223372036854775807__',
      '12',
      '7',
      'A',
      'Aa',
      '__id',
      '__id1_',
      '_id1__',
      'a',
    ];
    const web = fs.webDb();
    await Promise.all(ids15.map((id) => setDoc(webDoc(web, 'numeric', id), { a: 1 })));
    const byId = webQuery(webCollection(web, 'numeric'), webOrderBy(documentId()));
    assert.deepEqual(
      (await getDocsFromServer(byId)).docs.map((d) => d.id),
      expected,
    );
    const filtered = webQuery(
      webCollection(web, 'numeric'),
      webOrderBy(documentId()),
      webWhere(documentId(), '>', '__id7__'),
      webWhere(documentId(), '<=', 'Aa'),
    );
    assert.deepEqual(
      (await getDocsFromServer(filtered)).docs.map((d) => d.id),
      ['__id12__', '__id9223372036854775806__', '__id9223372036854775807__', '12', '7', 'A', 'Aa'],
    );
    const numeric = fs.adminDb.collection('numeric');
    assert.deepEqual(await ids(numeric.orderBy(FieldPath.documentId())), expected);
    assert.deepEqual(await ids(numeric.orderBy('a').limitToLast(3)), expected.slice(-3));
    assert.deepEqual(
      (await numeric.listDocuments()).map((r) => r.id),
      expected,
    );
    // Other ids matching __.*__ stay reserved.
    for (const id of ['__idx__', '__id__', '__id1.5__', '__reserved__']) {
      await assert.rejects(fs.adminDb.doc(`numeric/${id}`).set({ a: 1 }), (e: any) => e.code === 3, id);
    }
  });

  it('field names with dots, backticks and spaces work in where, orderBy, cursors and select', async () => {
    const db = fs.adminDb;
    await db.doc('escaped/a').set({ 'a.b': { '`c`': 1, 'x y': 'p' } });
    await db.doc('escaped/b').set({ 'a.b': { '`c`': 2, 'x y': 'q' } });
    await db.doc('escaped/plain').set({ a: { b: { '`c`': 3 } } });
    const c = new FieldPath('a.b', '`c`');
    const escaped = db.collection('escaped');
    assert.deepEqual(await ids(escaped.where(c, '>=', 1)), ['a', 'b']);
    assert.deepEqual(await ids(escaped.orderBy(c, 'desc')), ['b', 'a']);
    assert.deepEqual(await ids(escaped.orderBy(c).startAfter(1)), ['b']);
    assert.deepEqual(
      (await escaped.orderBy(c).select(new FieldPath('a.b', 'x y')).get()).docs.map((d) => d.data()),
      [{ 'a.b': { 'x y': 'p' } }, { 'a.b': { 'x y': 'q' } }],
    );
    const web = fs.webDb();
    const webIds = await getDocs(
      webQuery(webCollection(web, 'escaped'), webWhere(new WebFieldPath('a.b', '`c`'), '>', 1)),
    );
    assert.deepEqual(
      webIds.docs.map((d) => d.id),
      ['b'],
    );
  });

  it('collection group queries see every collection with the id, and only those', async () => {
    const db = fs.adminDb;
    await db.doc('shops/s1/stock/a').set({ qty: 1 });
    await db.doc('shops/s2/stock/b').set({ qty: 2 });
    await db.doc('stock/c').set({ qty: 3 });
    await db.doc('shops/s1/stocktake/x').set({ qty: 4 });
    assert.deepEqual(await sorted(db.collectionGroup('stock')), ['a', 'b', 'c']);
    assert.deepEqual(await sorted(db.collectionGroup('stock').where('qty', '>', 1)), ['b', 'c']);
  });

  it('count, sum and average', async () => {
    const snap = await items()
      .aggregate({
        count: AggregateField.count(),
        total: AggregateField.sum('price'),
        mean: AggregateField.average('price'),
      })
      .get();
    // i6 has no price, so none of the three aggregations sees it (see the next test).
    assert.deepEqual(snap.data(), { count: 6, total: 90, mean: 15 });
    assert.equal((await items().count().get()).data().count, 7);
    assert.equal((await items().where('cat', '==', 'A').count().get()).data().count, 3);
    assert.equal((await items().orderBy('price').limit(2).count().get()).data().count, 2);
    const empty = await fs.adminDb
      .collection('nothing')
      .aggregate({ mean: AggregateField.average('x') })
      .get();
    assert.equal(empty.data().mean, null);
  });

  it('an aggregation over several fields aggregates only documents that have every aggregated field', async () => {
    // The SDK suites' case: d has no year, so Firestore leaves it out of every aggregation, count too.
    const books: Record<string, Record<string, unknown>> = {
      a: { author: 'authorA', pages: 100, year: 1980 },
      b: { author: 'authorB', pages: 50, year: 2020 },
      c: { author: 'authorC', pages: 150, year: 2021 },
      d: { author: 'authorD', pages: 50 },
    };
    await Promise.all(Object.entries(books).map(([id, data]) => fs.adminDb.doc(`books/${id}`).set(data)));
    const admin = await fs.adminDb
      .collection('books')
      .aggregate({
        totalPages: AggregateField.sum('pages'),
        averagePages: AggregateField.average('pages'),
        averageYear: AggregateField.average('year'),
        count: AggregateField.count(),
      })
      .get();
    assert.deepEqual(admin.data(), { totalPages: 300, averagePages: 100, averageYear: 2007, count: 3 });
    const web = await getAggregateFromServer(webCollection(fs.webDb(), 'books'), {
      totalPages: sum('pages'),
      averageYear: average('year'),
      count: count(),
    });
    assert.deepEqual(web.data(), { totalPages: 300, averageYear: 2007, count: 3 });
    // Without the year, d counts again.
    const pagesOnly = await fs.adminDb
      .collection('books')
      .aggregate({ totalPages: AggregateField.sum('pages'), count: AggregateField.count() })
      .get();
    assert.deepEqual(pagesOnly.data(), { totalPages: 350, count: 4 });
    // A field of any type counts as present (sum skips the string, count keeps its document).
    await fs.adminDb.doc('books/e').set({ pages: 'many', year: 1999 });
    const withString = await fs.adminDb
      .collection('books')
      .aggregate({ totalPages: AggregateField.sum('pages'), count: AggregateField.count() })
      .get();
    assert.deepEqual(withString.data(), { totalPages: 350, count: 5 });
  });

  it('more than five aggregations are refused for exceeding the maximum number of aggregations', async () => {
    const six = getAggregateFromServer(webCollection(fs.webDb(), 'items'), {
      totalPrice: sum('price'),
      averagePrice: average('price'),
      count: count(),
      totalPriceX: sum('price'),
      averagePriceY: average('price'),
      countZ: count(),
    });
    await assert.rejects(
      six,
      (e: any) => e.code === 'invalid-argument' && /maximum number of aggregations/.test(e.message),
    );
  });

  it('explain gives a plan, and with analyze the results and their count', async () => {
    const plan = await items().where('cat', '==', 'A').explain();
    assert.equal(plan.snapshot, null);
    assert.ok(Array.isArray(plan.metrics.planSummary.indexesUsed));
    const analyzed = await items().where('cat', '==', 'A').explain({ analyze: true });
    assert.equal(analyzed.snapshot!.size, 3);
    assert.equal(analyzed.metrics.executionStats!.resultsReturned, 3);
    const counted = await items().count().explain({ analyze: true });
    assert.equal(counted.snapshot!.data().count, 7);
  });

  it('findNearest ranks vectors by distance, with a threshold and a distance field', async () => {
    const db = fs.adminDb;
    const vectors: Record<string, number[]> = { v1: [0, 0], v2: [1, 0], v3: [3, 4], v4: [-1, -1] };
    await Promise.all(
      Object.entries(vectors).map(([id, v]) =>
        db.doc(`vecs/${id}`).set({ embedding: FieldValue.vector(v), kind: 'k' }),
      ),
    );
    const euclid = await db
      .collection('vecs')
      .findNearest({
        vectorField: 'embedding',
        queryVector: [0.9, 0],
        limit: 3,
        distanceMeasure: 'EUCLIDEAN',
        distanceResultField: 'd',
      })
      .get();
    assert.deepEqual(
      euclid.docs.map((d) => d.id),
      ['v2', 'v1', 'v4'],
    );
    assert.ok(Math.abs(euclid.docs[0]!.get('d') - 0.1) < 1e-9);
    const within = await db
      .collection('vecs')
      .where('kind', '==', 'k')
      .findNearest({
        vectorField: 'embedding',
        queryVector: [0, 0],
        limit: 10,
        distanceMeasure: 'EUCLIDEAN',
        distanceThreshold: 1.5,
      })
      .get();
    assert.deepEqual(
      within.docs.map((d) => d.id),
      ['v1', 'v2', 'v4'],
    );
    const cosine = await db
      .collection('vecs')
      .findNearest({ vectorField: 'embedding', queryVector: [3, 4], limit: 1, distanceMeasure: 'COSINE' })
      .get();
    assert.deepEqual(
      cosine.docs.map((d) => d.id),
      ['v3'],
    );
    const dot = await db
      .collection('vecs')
      .findNearest({
        vectorField: 'embedding',
        queryVector: [1, 1],
        limit: 2,
        distanceMeasure: 'DOT_PRODUCT',
      })
      .get();
    assert.deepEqual(
      dot.docs.map((d) => d.id),
      ['v3', 'v2'],
    );
    // For DOT_PRODUCT the threshold is a lower bound (larger is nearer); other dimensions never match.
    await db.doc('vecs/v5').set({ embedding: FieldValue.vector([1, 1, 1]), kind: 'k' });
    const atLeast = await db
      .collection('vecs')
      .findNearest({
        vectorField: 'embedding',
        queryVector: [1, 1],
        limit: 10,
        distanceMeasure: 'DOT_PRODUCT',
        distanceThreshold: 1,
      })
      .get();
    assert.deepEqual(
      atLeast.docs.map((d) => d.id),
      ['v3', 'v2'],
    );
  });
});
