import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredDocument, Value } from '../../src/model/types';
import type { WriteAccess } from '../../src/server/access';
import type { Caller } from '../../src/server/auth';
import { compileRulesPolicy, RulesPolicy } from '../../src/rules/policy';
import { alice, DB, denied } from './support/policy';

const RULES = `rules_version = '2';
service cloud.firestore {
  function signedIn() { return request.auth != null; }
  match /databases/{database}/documents {
    match /orders/{orderId} {
      allow get: if signedIn() && resource.data.customerId == request.auth.uid;
      allow list: if signedIn() && resource.data.customerId == request.auth.uid && request.query.limit <= 50;
    }
    match /products/{id} {
      allow list: if resource.data.price < 100 && resource.data.active == true;
    }
    match /teams/{team} {
      allow list: if request.auth.uid in resource.data.members;
    }
    match /notes/{id} {
      allow get: if get(/databases/$(database)/documents/users/$(request.auth.uid)).data.role == 'editor';
      allow create: if getAfter(/databases/$(database)/documents/counters/$(id)).data.n == 1
                    && request.resource.data.at == request.time;
      allow update: if request.resource.data.diff(resource.data).affectedKeys().hasOnly(['text']);
      allow delete: if false;
    }
    match /fan/{id} {
      allow get: if exists(/databases/$(database)/documents/k/k0) && exists(/databases/$(database)/documents/k/k1)
        && exists(/databases/$(database)/documents/k/k2) && exists(/databases/$(database)/documents/k/k3)
        && exists(/databases/$(database)/documents/k/k4) && exists(/databases/$(database)/documents/k/k5)
        && exists(/databases/$(database)/documents/k/k6) && exists(/databases/$(database)/documents/k/k7)
        && exists(/databases/$(database)/documents/k/k8) && exists(/databases/$(database)/documents/k/k9)
        && exists(/databases/$(database)/documents/k/k$(id));
      allow create: if exists(/databases/$(database)/documents/k/k$(id));
    }
    match /{path=**}/events/{eventId} {
      allow list: if resource.data.public == true;
    }
    match /shelves/{id} {
      allow list: if resource.data.get('owner', '') == request.auth.uid;
    }
    match /counters/{id} {
      allow create: if true;
    }
  }
}`;

const policy = (() => {
  const { policy, issues } = compileRulesPolicy(RULES, 'p');
  assert.deepEqual(issues, []);
  return policy as RulesPolicy;
})();

const bob: Caller = { kind: 'user', uid: 'bob', token: { sub: 'bob' } };
const anon: Caller = { kind: 'anonymous' };

function toValue(v: unknown): Value {
  if (v === null) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { booleanValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { integerValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(toValue) } };
  if (v instanceof Date)
    return { timestampValue: { seconds: Math.floor(v.getTime() / 1000), nanos: (v.getTime() % 1000) * 1e6 } };
  return {
    mapValue: { fields: Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, toValue(x)])) },
  };
}

function doc(path: string, data: Record<string, unknown>, updateTime = 1): StoredDocument {
  return { name: `${DB}/${path}`, fields: toValue(data).mapValue!.fields!, createTime: 1, updateTime };
}

function store(...docs: StoredDocument[]) {
  const byName = new Map(docs.map((d) => [d.name, d]));
  return (name: string) => byName.get(name) ?? null;
}

const eq = (field: string, value: unknown) => ({
  fieldFilter: { field: { fieldPath: field }, op: 'EQUAL', value: toValue(value) },
});
const filter = (field: string, op: string, value: unknown) => ({
  fieldFilter: { field: { fieldPath: field }, op, value: toValue(value) },
});
const and = (...filters: object[]) => ({ compositeFilter: { op: 'AND', filters } });
const or = (...filters: object[]) => ({ compositeFilter: { op: 'OR', filters } });

describe('rules policy: single-document reads', () => {
  const order = doc('orders/o1', { customerId: 'alice' });
  const get = (caller: Caller) => () => policy.checkGet(caller, 'p', '(default)', order.name, order, store());

  it('allows the owner', () => get(alice)());
  it('denies another customer, naming the rule, its line and match path', () => {
    const msg = denied(get(bob));
    assert.match(
      msg,
      /false for 'get' @ L6 \(match \/databases\/\{database\}\/documents\/orders\/\{orderId\}\)/,
    );
  });
  it('denies anonymous callers', () => void denied(get(anon)));
  it('reports evaluation errors by message', () => {
    const msg = denied(() => policy.checkGet(alice, 'p', '(default)', `${DB}/orders/none`, null, store()));
    assert.match(msg, /Null value error\. \(evaluation error at L6:35\) for 'get' @ L6/);
  });
  it('denies paths no rule matches', () => {
    const msg = denied(() => policy.checkGet(alice, 'p', '(default)', `${DB}/secrets/s`, null, store()));
    assert.match(msg, /No matching allow statements/);
  });
  it('reads other documents with get()', () => {
    const note = doc('notes/n', {});
    const reader = store(doc('users/alice', { role: 'editor' }), doc('users/bob', { role: 'viewer' }));
    policy.checkGet(alice, 'p', '(default)', note.name, note, reader);
    denied(() => policy.checkGet(bob, 'p', '(default)', note.name, note, reader));
  });
  it('limits a single-document request to 10 document reads', () => {
    const keys = Array.from({ length: 12 }, (_, i) => doc(`k/k${i}`, {}));
    const reader = store(...keys);
    // k0..k9 are the same ten documents as k$(id) when id is 0..9: still ten.
    policy.checkGet(alice, 'p', '(default)', `${DB}/fan/3`, null, reader);
    const msg = denied(() => policy.checkGet(alice, 'p', '(default)', `${DB}/fan/11`, null, reader));
    assert.match(msg, /Exceeded the limit of 10 document reads/);
  });
});

describe('rules policy: list queries', () => {
  const list =
    (caller: Caller, query: object, results: StoredDocument[] = []) =>
    () =>
      policy.checkList(
        caller,
        'p',
        '(default)',
        DB,
        { from: [{ collectionId: 'orders' }], limit: { value: 10 }, ...query },
        results,
        store(),
      );

  it('allows a query pinned to the caller by an equality filter', () =>
    list(alice, { where: eq('customerId', 'alice') })());
  it('denies a query that is not pinned to the caller, even if it returns nothing', () => {
    const msg = denied(list(alice, {}));
    assert.match(msg, /not provable for every document the query may return for 'list' @ L7/);
  });
  it('denies a query pinned to someone else', () =>
    void denied(list(alice, { where: eq('customerId', 'bob') })));
  it('denies a query without the limit the rule asks for', () =>
    void denied(list(alice, { where: eq('customerId', 'alice'), limit: { value: 500 } })));
  it('requires every IN alternative to be allowed', () => {
    denied(list(alice, { where: filter('customerId', 'IN', ['alice', 'bob']) }));
    list(alice, { where: filter('customerId', 'IN', ['alice']) })();
  });
  it('requires every OR branch to be allowed', () => {
    denied(list(alice, { where: or(eq('customerId', 'alice'), eq('status', 'open')) }));
    list(alice, {
      where: or(eq('customerId', 'alice'), and(eq('customerId', 'alice'), eq('status', 'x'))),
    })();
  });
  it('also checks each returned document', () => {
    const msg = denied(
      list(alice, { where: eq('customerId', 'alice') }, [doc('orders/x', { customerId: 'bob' })]),
    );
    assert.match(msg, /false for 'list' @ L7/);
  });

  const products = (query: object) => () =>
    policy.checkList(
      anon,
      'p',
      '(default)',
      DB,
      { from: [{ collectionId: 'products' }], ...query },
      [],
      store(),
    );
  it('proves range conditions from range filters', () => {
    products({ where: and(filter('price', 'LESS_THAN', 50), eq('active', true)) })();
    products({ where: and(filter('price', 'LESS_THAN', 100), eq('active', true)) })();
    denied(products({ where: and(filter('price', 'LESS_THAN_OR_EQUAL', 100), eq('active', true)) }));
    denied(products({ where: and(filter('price', 'GREATER_THAN', 5), eq('active', true)) }));
    denied(products({ where: filter('price', 'LESS_THAN', 50) }));
  });
  it('reads pinned fields through map.get()', () => {
    const shelves = (where?: object) => () =>
      policy.checkList(
        alice,
        'p',
        '(default)',
        DB,
        { from: [{ collectionId: 'shelves' }], where },
        [],
        store(),
      );
    shelves(eq('owner', 'alice'))();
    denied(shelves(eq('owner', 'bob')));
    denied(shelves());
  });
  it('proves membership from array-contains', () => {
    const teams = (where: object) => () =>
      policy.checkList(
        alice,
        'p',
        '(default)',
        DB,
        { from: [{ collectionId: 'teams' }], where },
        [],
        store(),
      );
    teams(filter('members', 'ARRAY_CONTAINS', 'alice'))();
    denied(teams(filter('members', 'ARRAY_CONTAINS', 'bob')));
    denied(teams(filter('members', 'ARRAY_CONTAINS_ANY', ['alice', 'bob'])));
  });
  it('matches collection-group queries only through recursive wildcards', () => {
    const group = (where: object) => () =>
      policy.checkList(
        anon,
        'p',
        '(default)',
        DB,
        { from: [{ collectionId: 'events', allDescendants: true }], where },
        [],
        store(),
      );
    group(eq('public', true))();
    denied(group(eq('public', false)));
    denied(() =>
      policy.checkList(
        anon,
        'p',
        '(default)',
        DB,
        { from: [{ collectionId: 'orders', allDescendants: true }] },
        [],
        store(),
      ),
    );
  });
});

describe('rules policy: writes', () => {
  const t = new Date(Date.UTC(2025, 0, 1));
  const micros = t.getTime() * 1000;
  const write = (w: Partial<WriteAccess> & { docName: string }): WriteAccess => ({
    method: 'create',
    before: null,
    after: null,
    ...w,
  });

  it('sees request.resource, request.time and getAfter() of the same batch', () => {
    const note = doc('notes/c1', { at: t }, micros);
    const counter = doc('counters/c1', { n: 1 }, micros);
    const after = store(note, counter);
    policy.checkWrites(
      alice,
      'p',
      '(default)',
      [write({ docName: counter.name, after: counter }), write({ docName: note.name, after: note })],
      store(),
      after,
    );
    // Without the counter in the same batch, getAfter() finds nothing.
    denied(() =>
      policy.checkWrites(
        alice,
        'p',
        '(default)',
        [write({ docName: note.name, after: note })],
        store(),
        store(note),
      ),
    );
  });

  it('denies a request.time mismatch', () => {
    const note = doc('notes/c1', { at: new Date(0) }, micros);
    const counter = doc('counters/c1', { n: 1 }, micros);
    denied(() =>
      policy.checkWrites(
        alice,
        'p',
        '(default)',
        [write({ docName: counter.name, after: counter }), write({ docName: note.name, after: note })],
        store(),
        store(note, counter),
      ),
    );
  });

  it('checks updates with MapDiff', () => {
    const before = doc('notes/u', { text: 'a', owner: 'alice' });
    const ok = doc('notes/u', { text: 'b', owner: 'alice' });
    const bad = doc('notes/u', { text: 'b', owner: 'bob' });
    policy.checkWrites(
      alice,
      'p',
      '(default)',
      [write({ docName: before.name, method: 'update', before, after: ok })],
      store(before),
      store(ok),
    );
    const msg = denied(() =>
      policy.checkWrites(
        alice,
        'p',
        '(default)',
        [write({ docName: before.name, method: 'update', before, after: bad })],
        store(before),
        store(bad),
      ),
    );
    assert.match(msg, /false for 'update' @ L19/);
  });

  it('denies a whole batch when one write is denied', () => {
    const counter = doc('counters/z', { n: 1 });
    const before = doc('notes/d', { text: 'x' });
    denied(() =>
      policy.checkWrites(
        alice,
        'p',
        '(default)',
        [
          write({ docName: counter.name, after: counter }),
          write({ docName: before.name, method: 'delete', before }),
        ],
        store(before),
        store(counter),
      ),
    );
  });

  it('allows 20 document reads in a batch but 10 in a single write', () => {
    const keys = Array.from({ length: 20 }, (_, i) => doc(`k/k${i}`, {}));
    const creates = Array.from({ length: 20 }, (_, i) =>
      write({ docName: `${DB}/fan/${i}`, after: doc(`fan/${i}`, {}) }),
    );
    const reader = store(...keys);
    policy.checkWrites(alice, 'p', '(default)', creates, reader, reader);
    const more = [...creates, write({ docName: `${DB}/fan/20`, after: doc('fan/20', {}) })];
    assert.match(
      denied(() =>
        policy.checkWrites(
          alice,
          'p',
          '(default)',
          more,
          store(...keys, doc('k/k20', {})),
          store(...keys, doc('k/k20', {})),
        ),
      ),
      /Exceeded the limit of 20/,
    );
  });
});

describe('rules compiler', () => {
  it('refuses a syntax error with line and column and no policy', () => {
    const { policy, issues } = compileRulesPolicy(
      "rules_version = '2';\nservice cloud.firestore {\n  match /a/{b} { allow read: if true allow; }\n}",
      'p',
    );
    assert.equal(policy, null);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.severity, 'ERROR');
    assert.deepEqual(issues[0]!.sourcePosition, { fileName: 'firestore.rules', line: 3, column: 43 });
    assert.match(issues[0]!.description, /expected a method .* but found ';' at line 3, column 43/);
  });
});

describe('rules policy: queries pinned by document name', () => {
  const pinnedPolicy = compileRulesPolicy(
    `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    match /recs/{uid} {
      allow list: if request.auth.uid == uid && resource.id == uid;
    }
  }
}`,
    'p',
  ).policy as RulesPolicy;
  it('binds the wildcard of a query pinned by __name__', () => {
    const run = (caller: Caller, id: string) => () =>
      pinnedPolicy.checkList(
        caller,
        'p',
        '(default)',
        DB,
        {
          from: [{ collectionId: 'recs' }],
          where: {
            fieldFilter: {
              field: { fieldPath: '__name__' },
              op: 'EQUAL',
              value: { referenceValue: `${DB}/recs/${id}` },
            },
          },
        },
        [],
        store(),
      );
    run(alice, 'alice')();
    denied(run(alice, 'bob'));
    denied(() =>
      pinnedPolicy.checkList(alice, 'p', '(default)', DB, { from: [{ collectionId: 'recs' }] }, [], store()),
    );
  });
});
