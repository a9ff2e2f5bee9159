/**
 * What the access policy hands the rules about a request (method, path, time, the query's limit,
 * offset and order), where debug() writes, and how it refuses get() of paths that are not documents
 * of this database.
 * Written against the survivors of the access policy's mutation run (bench/results/mutation.md).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alice, compilePolicy, DB, denied } from './support/policy';

const RULES = `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    match /asked/{id} {
      allow get: if request.method == 'get'
        && request.path == /databases/$(database)/documents/asked/$(id);
      allow list: if request.method == 'list';
    }
    match /paged/{id} {
      allow list: if request.query.offset == 0 && request.query.limit == null;
    }
    match /sorted/{id} {
      allow list: if request.query.orderBy.get('price', 'none') == 'DESC';
    }
    match /ascending/{id} {
      allow list: if request.query.orderBy.get('name', 'none') == 'ASC';
    }
    match /unnamed/{id} {
      allow list: if request.query.orderBy.keys() == [''];
    }
    match /clock/{id} {
      allow get: if request.time > timestamp.date(2020, 1, 1)
        && request.time < timestamp.date(2100, 1, 1);
    }
    match /now/{id} {
      allow get: if request.time >= resource.data.from && request.time <= resource.data.to;
    }
    match /debugged/{id} {
      allow get: if debug(id) == 'd1';
    }
    match /peek/{which} {
      allow get: if which == 'collection' ? exists(/databases/$(database)/documents/users)
        : which == 'short' ? exists(/databases/$(database))
        : which == 'documents' ? exists(/databases/$(database)/documents)
        : which == 'elsewhere' ? exists(/databases/other/documents/users/u)
        : which == 'root' ? exists(/somewhere/$(database)/documents/users/u)
        : which == 'subcollection' ? exists(/databases/$(database)/documents/users/u/posts)
        : which == 'notdocuments' ? exists(/databases/$(database)/elsewhere/users/u)
        : exists(/databases/$(database)/documents/users/u);
    }
  }
}`;

const policy = compilePolicy(RULES);

const nothing = () => null;

const get = (path: string) => () => policy.checkGet(alice, 'p', '(default)', `${DB}/${path}`, null, nothing);
const list =
  (collectionId: string, query: object = {}) =>
  () =>
    policy.checkList(alice, 'p', '(default)', DB, { from: [{ collectionId }], ...query }, [], nothing);

describe('rules policy: what request holds', () => {
  it('request.method and request.path name the operation and the document', () => {
    get('asked/a1')();
    list('asked')();
  });

  it('request.query.limit is null without a limit and offset is 0 without one', () => {
    list('paged')();
    list('paged', { limit: null })();
    denied(list('paged', { limit: { value: 5 } }));
    denied(list('paged', { limit: 5 }));
    denied(list('paged', { offset: 3 }));
  });

  it('request.query.orderBy maps each field to ASC or DESC', () => {
    const by = (direction: string) => ({ orderBy: [{ field: { fieldPath: 'price' }, direction }] });
    list('sorted', by('DESCENDING'))();
    denied(list('sorted', by('ASCENDING')));
    denied(list('sorted'));
    list('ascending', { orderBy: [{ field: { fieldPath: 'name' }, direction: 'ASCENDING' }] })();
    denied(list('ascending', { orderBy: [{ field: { fieldPath: 'name' }, direction: 'DESCENDING' }] }));
  });

  it('request.query.orderBy keys an order without a field by the empty field path', () =>
    list('unnamed', { orderBy: [{ direction: 'ASCENDING' }] })());

  it('request.time is now, as a timestamp', () => get('clock/c')());

  it('request.time is the wall-clock time of the request', () => {
    // The window is tight enough to refuse a clock off by twice the process's age (the time
    // origin minus, not plus, the time since it), once the process is older than 10 ms.
    assert.ok(performance.now() > 100, `the process is ${performance.now()} ms old`);
    const at = (ms: number) => ({
      timestampValue: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 },
    });
    const now = Date.now();
    const window = {
      name: `${DB}/now/n`,
      fields: { from: at(now - 20), to: at(now + 1000) },
      createTime: 1,
      updateTime: 1,
    };
    policy.checkGet(alice, 'p', '(default)', window.name, window, nothing);
  });

  it('debug() writes its argument to stderr and returns it', () => {
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      get('debugged/d1')();
    } finally {
      process.stderr.write = write;
    }
    assert.deepEqual(
      written.filter((line) => line.includes('[rules debug]')),
      ['[rules debug] "d1"\n'],
    );
  });
});

describe('rules policy: get() and exists() read documents of this database only', () => {
  it('a document path reads (here: absent, so exists() is false)', () => {
    assert.match(denied(get('peek/document')), /false for 'get'/);
  });
  for (const [which, message] of [
    [
      'collection',
      /^Missing or insufficient permissions: Path \/databases\/\(default\)\/documents\/users is not a document path/,
    ],
    ['short', /is not a document path/],
    ['documents', /is not a document path/],
    ['root', /is not a document path/],
    ['subcollection', /is not a document path/],
    ['notdocuments', /is not a document path/],
    ['elsewhere', /only read documents of their own database \(\(default\)\), not other/],
  ] as const) {
    it(`refuses ${which} with an evaluation error that says why`, () => {
      assert.match(denied(get(`peek/${which}`)), message);
    });
  }
});
