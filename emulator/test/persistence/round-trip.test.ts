/**
 * Export, then import into a fresh emulator: every value type, written through firebase-admin,
 * the web SDK and the REST API, reads back the same through each of them, with the same create
 * and update times, in every project and database the export held.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  FieldValue,
  GeoPoint as AdminGeoPoint,
  Timestamp as AdminTimestamp,
  type DocumentData,
  type Firestore as AdminFirestore,
} from 'firebase-admin/firestore';
import {
  Bytes,
  doc,
  GeoPoint,
  getDoc,
  onSnapshot,
  serverTimestamp,
  setDoc,
  Timestamp,
  vector,
  type Firestore as WebFirestore,
} from 'firebase/firestore';
import { start } from '../../src/index';
import {
  adminFor,
  closeClients,
  exportOverHttp,
  freshProject,
  readTree,
  rest,
  tempDir,
  webFor,
} from './support';
import { within } from '../../../test/support/within';

/** A value as plain data, so values read through two SDK instances compare with deepStrictEqual. */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value; // NaN and -0 compare with Object.is
  if (Array.isArray(value)) return value.map(plain);
  if (Buffer.isBuffer(value)) return { bytes: value.toString('base64') };
  if (value instanceof Bytes) return { bytes: value.toBase64() };
  const v = value as any;
  if (value instanceof AdminTimestamp || value instanceof Timestamp)
    return { seconds: v.seconds, nanos: v.nanoseconds };
  if (value instanceof AdminGeoPoint || value instanceof GeoPoint)
    return { lat: v.latitude, lng: v.longitude };
  if (typeof v.path === 'string' && typeof v.id === 'string' && 'firestore' in v) return { ref: v.path };
  if (typeof v.toArray === 'function') return { vector: v.toArray() };
  return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, plain(x)]));
}

function adminValues(db: AdminFirestore): DocumentData {
  return {
    null: null,
    true: true,
    false: false,
    int: 42,
    negative: -7,
    int64Max: 9223372036854775807n,
    int64Min: -9223372036854775808n,
    double: 1.5,
    tiny: 5e-324,
    huge: 1.7976931348623157e308,
    nan: NaN,
    infinity: Infinity,
    negativeInfinity: -Infinity,
    negativeZero: -0,
    timestamp: new AdminTimestamp(1_700_000_000, 123_456_000),
    earliest: new AdminTimestamp(-62_135_596_800, 0),
    latest: new AdminTimestamp(253_402_300_799, 999_999_000),
    string: 'plain',
    unicode: 'é, 😀, \u0000 and a "quote"\n',
    empty: '',
    bytes: Buffer.from([0, 1, 2, 254, 255]),
    noBytes: Buffer.alloc(0),
    reference: db.doc('shelves/s1/books/b1'),
    numericReference: db.doc('shelves/__id7__'),
    geo: new AdminGeoPoint(-90, 180),
    array: [1, 'two', null, { nested: true }, 2.5],
    emptyArray: [],
    emptyMap: {},
    map: { 'a.b': 1, 'with space': 2, '`tick`': 3, '1': 'a numeric key', nested: { deep: { deeper: 'x' } } },
    vector: FieldValue.vector([1, 2.5, -3]),
    written: FieldValue.serverTimestamp(),
  };
}

function webValues(db: WebFirestore): Record<string, unknown> {
  return {
    null: null,
    bool: true,
    int: 7,
    double: -0.25,
    nan: NaN,
    negativeZero: -0,
    timestamp: new Timestamp(1_600_000_000, 999_000),
    string: 'web',
    bytes: Bytes.fromUint8Array(new Uint8Array([9, 8, 7])),
    reference: doc(db, 'shelves/s2'),
    geo: new GeoPoint(51.5, -0.12),
    array: ['a', 1, { b: [true] }],
    map: { inner: { value: 1 } },
    vector: vector([0.5, 0.25]),
    written: serverTimestamp(),
  };
}

/** Values only the wire can spell: a whole double, sub-microsecond digits (stored cut to microseconds). */
const restFields = {
  wholeDouble: { doubleValue: 1 },
  negativeZero: { doubleValue: '-0' },
  integer: { integerValue: '1' },
  nanos: { timestampValue: '2024-02-29T23:59:59.123456789Z' },
  offset: { timestampValue: '2024-03-01T01:00:00+01:00' },
  deep: {
    mapValue: {
      fields: {
        list: {
          arrayValue: { values: [{ mapValue: {} }, { mapValue: { fields: { empty: { arrayValue: {} } } } }] },
        },
      },
    },
  },
};

interface Seen {
  data: unknown;
  createTime: string;
  updateTime: string;
}

async function readThroughAdmin(db: AdminFirestore, paths: string[]): Promise<Record<string, Seen>> {
  const out: Record<string, Seen> = {};
  for (const path of paths) {
    const snap = await db.doc(path).get();
    assert.ok(snap.exists, `${path} exists`);
    out[path] = {
      data: plain(snap.data()),
      createTime: snap.createTime!.toDate().toISOString() + snap.createTime!.nanoseconds,
      updateTime: snap.updateTime!.toDate().toISOString() + snap.updateTime!.nanoseconds,
    };
  }
  return out;
}

async function readThroughWeb(db: WebFirestore, paths: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const path of paths) out[path] = plain((await getDoc(doc(db, path))).data());
  return out;
}

const rawDocument = (
  address: { host: string; port: number },
  project: string,
  database: string,
  path: string,
) => rest(address, `projects/${project}/databases/${database}/documents/${path}`);

describe('export, then import into a fresh emulator', { timeout: 60_000 }, () => {
  it('keeps every value type, both SDKs read it back, with the same create and update times', async () => {
    const dir = join(tempDir(), 'export');
    const project = freshProject();
    const other = freshProject();
    const first = await start({ port: 0 });
    const admin = adminFor(first, project);
    const web = webFor(first, project);
    await admin.doc('types/admin').set(adminValues(admin));
    await setDoc(doc(web, 'types/web'), webValues(web));
    await admin.doc('types/admin/below/deep').set({ depth: 2 });
    await admin.doc('shelves/__id7__').set({ numeric: true });
    await adminFor(first, project, 'second-db').doc('elsewhere/one').set({ db: 'second' });
    await adminFor(first, other).doc('other/one').set({ project: 'other' });
    await rest(first, `projects/${project}/databases/(default)/documents/types?documentId=rest`, {
      method: 'POST',
      body: JSON.stringify({ fields: restFields }),
    });
    // Deleted documents are not exported.
    await admin.doc('types/gone').set({ x: 1 });
    await admin.doc('types/gone').delete();

    const paths = ['types/admin', 'types/web', 'types/rest', 'types/admin/below/deep', 'shelves/__id7__'];
    const adminBefore = await readThroughAdmin(admin, paths);
    const webBefore = await readThroughWeb(web, paths);
    const rawBefore = await Promise.all(paths.map((p) => rawDocument(first, project, '(default)', p)));

    const exported = await exportOverHttp(first, project, { export_directory: dir });
    assert.equal(exported.status, 200, JSON.stringify(exported.body));
    assert.deepEqual(
      exported.body.databases.map((d: { name: string; documents: number }) => [d.name, d.documents]),
      [
        [`projects/${project}/databases/(default)`, 5],
        [`projects/${project}/databases/second-db`, 1],
      ],
    );
    // Everything, every project: the in-process call (what --export-on-exit does).
    const everything = await first.export(join(dir, '..', 'everything'));
    assert.equal(everything.documents, 7);
    await closeClients();
    await first.stop();

    const second = await start({ port: 0, importFrom: join(dir, '..', 'everything') });
    try {
      assert.equal(second.imported?.documents, 7);
      // Exporting what was imported gives the same bytes (but for the new snapshot time): it is canonical.
      const again = join(dir, '..', 'again');
      await second.export(again);
      const withoutTime = (tree: Record<string, string>) => ({
        ...tree,
        'manifest.json': tree['manifest.json']!.replace(/"snapshotTime": "[^"]+"/, ''),
      });
      assert.ok(
        JSON.stringify(withoutTime(readTree(again))) ===
          JSON.stringify(withoutTime(readTree(join(dir, '..', 'everything')))),
        'a re-export is byte for byte the export it was imported from',
      );
      const admin2 = adminFor(second, project);
      const web2 = webFor(second, project);
      assert.deepStrictEqual(await readThroughAdmin(admin2, paths), adminBefore);
      assert.deepStrictEqual(await readThroughWeb(web2, paths), webBefore);
      const rawAfter = await Promise.all(paths.map((p) => rawDocument(second, project, '(default)', p)));
      assert.deepStrictEqual(rawAfter, rawBefore);
      assert.equal((await admin2.doc('types/gone').get()).exists, false);
      assert.deepEqual((await adminFor(second, project, 'second-db').doc('elsewhere/one').get()).data(), {
        db: 'second',
      });
      assert.deepEqual((await adminFor(second, other).doc('other/one').get()).data(), { project: 'other' });

      // The SDKs' int64 and double distinctions survive (admin with useBigInt reads integers as bigint).
      const data = (await admin2.doc('types/admin').get()).data()!;
      assert.equal(data.int, 42n);
      assert.equal(data.int64Max, 9223372036854775807n);
      assert.ok(Object.is(data.negativeZero, -0));
      assert.ok(Number.isNaN(data.nan));
      const raw = await rawDocument(second, project, '(default)', 'types/rest');
      assert.deepEqual(raw.fields.wholeDouble, { doubleValue: 1 });
      assert.deepEqual(raw.fields.integer, { integerValue: '1' });
      assert.equal(raw.fields.nanos.timestampValue, '2024-02-29T23:59:59.123456Z');
      assert.equal(raw.fields.offset.timestampValue, '2024-03-01T00:00:00.000Z');

      // The imported store is live: listeners see it, writes carry on after the imported times.
      const seen = await within(
        new Promise<unknown>((resolve, reject) => {
          const unsubscribe = onSnapshot(
            doc(web2, 'types/web'),
            (snap) => {
              unsubscribe();
              resolve(plain(snap.data()));
            },
            reject,
          );
        }),
        'a snapshot of the imported types/web',
      );
      assert.deepStrictEqual(seen, webBefore['types/web']);
      const before = (await admin2.doc('types/admin').get()).updateTime!;
      const write = await admin2.doc('types/admin').update({ int: 43 });
      assert.ok(write.writeTime > before);
    } finally {
      await closeClients();
      await second.stop();
    }
  });

  it('writes one sorted, typed line per document and a manifest', async () => {
    const dir = join(tempDir(), 'export');
    const project = freshProject();
    const emulator = await start({ port: 0 });
    try {
      const admin = adminFor(emulator, project);
      for (const path of ['b/2', 'a/1/sub/x', 'a-/0', 'a/__id10__', 'a/__id9__', 'a/1'])
        await admin.doc(path).set({ path });
      await admin
        .doc('a/1')
        .set({ n: 1, d: 1.5, t: new AdminTimestamp(0, 1000), z: 'last', m: { b: 1, a: 2 } });
      const summary = await emulator.export(dir);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      assert.deepEqual(Object.keys(manifest), ['format', 'version', 'snapshotTime', 'databases']);
      assert.equal(manifest.format, 'hearth-firestore-export');
      assert.equal(manifest.version, 1);
      assert.equal(manifest.snapshotTime, summary.snapshotTime);
      assert.match(manifest.snapshotTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      const file = readFileSync(join(dir, `${project}/(default).jsonl`), 'utf8');
      const lines = file.trimEnd().split('\n');
      // Firestore's order: segment by segment, numeric ids by number before string ids.
      const root = `projects/${project}/databases/(default)/documents/`;
      assert.deepEqual(
        lines.map((line) => JSON.parse(line).name.slice(root.length)),
        ['a/__id9__', 'a/__id10__', 'a/1', 'a/1/sub/x', 'a-/0', 'b/2'],
      );
      const line = lines[2]!;
      assert.match(
        line,
        /^\{"name":"[^"]+","createTime":"[^"]+Z","updateTime":"[^"]+Z","fields":\{"d":\{"doubleValue":1.5\},"m":\{"mapValue":\{"fields":\{"a":\{"integerValue":"2"\},"b":\{"integerValue":"1"\}\}\}\},"n":\{"integerValue":"1"\},"t":\{"timestampValue":"1970-01-01T00:00:00.000001Z"\},"z":\{"stringValue":"last"\}\}\}$/,
      );
      assert.ok(file.endsWith('\n'));
    } finally {
      await closeClients();
      await emulator.stop();
    }
  });
});
