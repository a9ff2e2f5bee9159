/**
 * proto3 JSON on the REST API, value by value: int64 as decimal strings, bytes as base64,
 * timestamps in RFC 3339 (offsets and nanoseconds read right), NaN and infinities as strings,
 * null, geo points, nested maps and arrays, non-ASCII text, enums by name or number, and proto
 * field names next to JSON names. Each value written over REST is read back over REST and over
 * gRPC (the admin SDK).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GeoPoint, Timestamp } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { rawClient, type RawClient } from '../conformance/raw-client';
import { database, docName, documents, restCaller, type RestCall } from './support';

describe('proto3 JSON on the REST API', () => {
  let fs: TestFirestore;
  let rest: RestCall;
  let raw: RawClient;
  const write = async (path: string, fields: object) => {
    const reply = await rest('POST', `/v1/${database(fs.projectId)}/documents:commit`, {
      json: { writes: [{ update: { name: docName(fs.projectId, path), fields } }] },
    });
    assert.equal(reply.status, 200, reply.text);
    return reply.body;
  };
  const read = async (path: string) => {
    const reply = await rest('GET', `/v1/${documents(fs.projectId)}/${path}`);
    assert.equal(reply.status, 200, reply.text);
    return reply.body;
  };
  before(async () => {
    fs = await useEmulator();
    rest = restCaller(fs.host);
    raw = rawClient(fs.host);
  });
  after(async () => {
    await raw.close();
    await fs.stop();
  });

  it('int64 goes out as a decimal string, whichever JSON form came in, and keeps all 64 bits', async () => {
    await write('json/ints', {
      max: { integerValue: '9223372036854775807' },
      min: { integerValue: '-9223372036854775808' },
      asNumber: { integerValue: 42 },
      negative: { integerValue: '-7' },
    });
    const { fields } = await read('json/ints');
    assert.deepEqual(fields, {
      max: { integerValue: '9223372036854775807' },
      min: { integerValue: '-9223372036854775808' },
      asNumber: { integerValue: '42' },
      negative: { integerValue: '-7' },
    });
    // gRPC sees the same 64-bit values (the raw client keeps int64 as strings).
    const [doc] = await raw.getDocument({ name: docName(fs.projectId, 'json/ints') });
    assert.equal(String(doc.fields!.max!.integerValue), '9223372036854775807');
    assert.equal(String(doc.fields!.min!.integerValue), '-9223372036854775808');
    assert.equal((await fs.adminDb.doc('json/ints').get()).get('asNumber'), 42);
  });

  it('doubles: NaN and the infinities as strings, -0, and integral doubles stay doubles', async () => {
    await write('json/doubles', {
      nan: { doubleValue: 'NaN' },
      inf: { doubleValue: 'Infinity' },
      negInf: { doubleValue: '-Infinity' },
      fromString: { doubleValue: '2.5e3' },
      integral: { doubleValue: 3 },
      tiny: { doubleValue: 5e-324 },
    });
    const { fields } = await read('json/doubles');
    assert.deepEqual(fields.nan, { doubleValue: 'NaN' });
    assert.deepEqual(fields.inf, { doubleValue: 'Infinity' });
    assert.deepEqual(fields.negInf, { doubleValue: '-Infinity' });
    assert.deepEqual(fields.fromString, { doubleValue: 2500 });
    assert.deepEqual(fields.integral, { doubleValue: 3 });
    assert.deepEqual(fields.tiny, { doubleValue: 5e-324 });
    const snap = await fs.adminDb.doc('json/doubles').get();
    assert.ok(Number.isNaN(snap.get('nan')));
    assert.equal(snap.get('inf'), Infinity);
    assert.equal(snap.get('negInf'), -Infinity);
    // A NaN stored over REST is found by an == NaN query over gRPC.
    const nanQuery = await fs.adminDb.collection('json').where('nan', '==', NaN).get();
    assert.deepEqual(
      nanQuery.docs.map((d) => d.id),
      ['doubles'],
    );
  });

  it('bytes are base64 (standard or URL-safe in, standard out)', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    await write('json/bytes', {
      standard: { bytesValue: bytes.toString('base64') },
      urlSafe: { bytesValue: bytes.toString('base64url') },
      empty: { bytesValue: '' },
    });
    const { fields } = await read('json/bytes');
    assert.deepEqual(fields.standard, { bytesValue: 'AAEC+vv8/f7/' });
    assert.deepEqual(fields.urlSafe, { bytesValue: 'AAEC+vv8/f7/' });
    assert.deepEqual(fields.empty, { bytesValue: '' });
    const snap = await fs.adminDb.doc('json/bytes').get();
    assert.deepEqual(Buffer.from(snap.get('standard') as Uint8Array), bytes);
  });

  it('timestamps: RFC 3339 with offsets and up to nine fraction digits in, UTC out, microseconds kept', async () => {
    await write('json/times', {
      offset: { timestampValue: '2024-03-01T12:00:00.25+02:00' },
      nanos: { timestampValue: '2024-03-01T10:00:00.123456789Z' },
      beforeEpoch: { timestampValue: '1969-07-20T20:17:40.5Z' },
      first: { timestampValue: '0001-01-01T00:00:00Z' },
      last: { timestampValue: '9999-12-31T23:59:59.999999Z' },
      lowercase: { timestampValue: '2024-03-01t10:00:00z' },
      westOfUtc: { timestampValue: '2024-02-29T23:30:00-05:00' },
    });
    const { fields } = await read('json/times');
    const utc = (name: string) => new Date(fields[name].timestampValue).toISOString();
    assert.equal(utc('offset'), '2024-03-01T10:00:00.250Z');
    // Firestore keeps microseconds.
    assert.match(fields.nanos.timestampValue, /^2024-03-01T10:00:00\.123456Z$/);
    assert.equal(utc('beforeEpoch'), '1969-07-20T20:17:40.500Z');
    assert.match(fields.first.timestampValue, /^0001-01-01T00:00:00(\.0+)?Z$/);
    assert.match(fields.last.timestampValue, /^9999-12-31T23:59:59\.999999Z$/);
    assert.equal(utc('lowercase'), '2024-03-01T10:00:00.000Z');
    assert.equal(utc('westOfUtc'), '2024-03-01T04:30:00.000Z');
    const snap = await fs.adminDb.doc('json/times').get();
    assert.ok(
      (snap.get('offset') as Timestamp).isEqual(Timestamp.fromDate(new Date('2024-03-01T10:00:00.250Z'))),
    );
    assert.equal((snap.get('nanos') as Timestamp).nanoseconds, 123_456_000);
    assert.equal(
      (snap.get('beforeEpoch') as Timestamp).seconds,
      Math.floor(Date.parse('1969-07-20T20:17:40.5Z') / 1000),
    );
    assert.equal((snap.get('beforeEpoch') as Timestamp).nanoseconds, 500_000_000);
    // Document times are RFC 3339 in UTC with a fraction.
    assert.match((await read('json/times')).updateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('null, booleans, geo points, references, nested maps and arrays, and non-ASCII text', async () => {
    const text = 'Crème brûlée ✓ 日本語 🛋️ עברית \u{1F3E0}\n"quoted" \\ back';
    const fields = {
      none: { nullValue: null },
      yes: { booleanValue: true },
      where: { geoPointValue: { latitude: 52.52, longitude: -13.405 } },
      ref: { referenceValue: docName(fs.projectId, 'json/ints') },
      text: { stringValue: text },
      nested: {
        mapValue: {
          fields: {
            list: {
              arrayValue: {
                values: [
                  { integerValue: '1' },
                  { mapValue: { fields: { deep: { arrayValue: { values: [{ stringValue: 'x' }] } } } } },
                  { nullValue: null },
                ],
              },
            },
            empty: { mapValue: {} },
            emptyList: { arrayValue: {} },
            'key with spaces and ü': { booleanValue: false },
          },
        },
      },
    };
    await write('json/mixed', fields);
    const reply = await rest('GET', `/v1/${documents(fs.projectId)}/json/mixed`);
    assert.match(reply.headers.get('content-type')!, /application\/json; charset=utf-8/);
    const got = reply.body.fields;
    assert.deepEqual(got.none, { nullValue: null });
    assert.deepEqual(got.yes, { booleanValue: true });
    assert.deepEqual(got.where, { geoPointValue: { latitude: 52.52, longitude: -13.405 } });
    assert.deepEqual(got.ref, fields.ref);
    assert.equal(got.text.stringValue, text);
    assert.deepEqual(got.nested.mapValue.fields.list, fields.nested.mapValue.fields.list);
    assert.deepEqual(got.nested.mapValue.fields['key with spaces and ü'], { booleanValue: false });
    assert.deepEqual(got.nested.mapValue.fields.empty.mapValue.fields ?? {}, {});
    assert.deepEqual(got.nested.mapValue.fields.emptyList.arrayValue.values ?? [], []);

    const snap = await fs.adminDb.doc('json/mixed').get();
    assert.equal(snap.get('none'), null);
    assert.ok((snap.get('where') as GeoPoint).isEqual(new GeoPoint(52.52, -13.405)));
    assert.equal(snap.get('ref').path, 'json/ints');
    assert.equal(snap.get('text'), text);
    assert.deepEqual(snap.get('nested'), {
      list: [1, { deep: ['x'] }, null],
      empty: {},
      emptyList: [],
      'key with spaces and ü': false,
    });
    // Non-ASCII strings compare and filter the same over REST as over gRPC.
    const query = await rest('POST', `/v1/${documents(fs.projectId)}:runQuery`, {
      json: {
        structuredQuery: {
          from: [{ collectionId: 'json' }],
          where: { fieldFilter: { field: { fieldPath: 'text' }, op: 'EQUAL', value: { stringValue: text } } },
        },
      },
    });
    assert.deepEqual(
      query.body.filter((r: any) => r.document).map((r: any) => r.document.name),
      [docName(fs.projectId, 'json/mixed')],
    );
  });

  it('non-ASCII and percent-encoded ids in the URL path name the same document as over gRPC', async () => {
    const reply = await rest(
      'PATCH',
      `/v1/${documents(fs.projectId)}/${encodeURIComponent('cafés')}/${encodeURIComponent('crème brûlée #1')}`,
      { json: { fields: { sweet: { booleanValue: true } } } },
    );
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.name, docName(fs.projectId, 'cafés/crème brûlée #1'));
    assert.equal((await fs.adminDb.doc('cafés/crème brûlée #1').get()).get('sweet'), true);
  });

  it('enums by name or by number (as google-gax sends them with $alt=json;enum-encoding=int) select the same', async () => {
    await Promise.all([1, 2, 3].map((n) => fs.adminDb.doc(`enums/e${n}`).set({ n })));
    const query = (op: string | number, direction: string | number) => ({
      structuredQuery: {
        from: [{ collectionId: 'enums' }],
        where: { fieldFilter: { field: { fieldPath: 'n' }, op, value: { integerValue: '2' } } },
        orderBy: [{ field: { fieldPath: 'n' }, direction }],
      },
    });
    const ids = (body: any[]) => body.filter((r) => r.document).map((r) => r.document.name.split('/').pop());
    const byName = await rest('POST', `/v1/${documents(fs.projectId)}:runQuery`, {
      json: query('GREATER_THAN_OR_EQUAL', 'DESCENDING'),
    });
    // GREATER_THAN_OR_EQUAL is 4, DESCENDING 2.
    const byNumber = await rest(
      'POST',
      `/v1/${documents(fs.projectId)}:runQuery?$alt=json;enum-encoding=int`,
      {
        json: query(4, 2),
      },
    );
    assert.deepEqual(ids(byName.body), ['e3', 'e2']);
    assert.deepEqual(ids(byNumber.body), ['e3', 'e2']);
  });

  it('proto field names (update_mask) work like JSON names (updateMask), as proto3 JSON requires', async () => {
    await fs.adminDb.doc('names/n1').set({ keep: 'me', x: 1 });
    const reply = await rest('POST', `/v1/${database(fs.projectId)}/documents:commit`, {
      json: {
        writes: [
          {
            update: { name: docName(fs.projectId, 'names/n1'), fields: { x: { integer_value: '2' } } },
            update_mask: { field_paths: ['x'] },
          },
        ],
      },
    });
    assert.equal(reply.status, 200, reply.text);
    // Had update_mask been dropped, `keep` would be gone.
    assert.deepEqual((await fs.adminDb.doc('names/n1').get()).data(), { keep: 'me', x: 2 });
    const query = await rest('POST', `/v1/${documents(fs.projectId)}:runQuery`, {
      json: { structured_query: { from: [{ collection_id: 'names' }] } },
    });
    assert.equal(query.status, 200, query.text);
    assert.equal(query.body.filter((r: any) => r.document).length, 1);
  });
});
