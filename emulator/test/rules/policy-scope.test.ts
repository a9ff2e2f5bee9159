/**
 * Where the access policy checks a query's rules (its collection, a collection group, a query over
 * every collection, the one document a __name__ filter pins) and what wildcards bind on the way.
 * Written against the access policy's mutation survivors (bench/results/mutation.md).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StructuredQuery } from '../../src/model/types';
import type { RulesPolicy } from '../../src/rules/policy';
import { alice, compilePolicy, DB, denied, inDocuments } from './support/policy';

const none = () => null;
const compile = (body: string) => compilePolicy(inDocuments(body));

/** A where clause pinning `__name__` to one document (a path under the database's documents). */
const pinned = (path: string) => ({
  fieldFilter: {
    field: { fieldPath: '__name__' },
    op: 'EQUAL',
    value: { referenceValue: `${DB}/${path}` },
  },
});

/** alice's query on `parent` (a path under the documents, '' for the root), with no results. */
const list = (policy: RulesPolicy, parent: string, query: StructuredQuery) => () =>
  policy.checkList(alice, 'p', '(default)', parent ? `${DB}/${parent}` : DB, query, [], none);
const inCollection = (collectionId: string, where?: object): StructuredQuery =>
  where ? { from: [{ collectionId }], where } : { from: [{ collectionId }] };
const inGroup = (collectionId: string, where?: object): StructuredQuery =>
  where
    ? { from: [{ collectionId, allDescendants: true }], where }
    : { from: [{ collectionId, allDescendants: true }] };

const get = (policy: RulesPolicy, path: string) => () =>
  policy.checkGet(alice, 'p', '(default)', `${DB}/${path}`, null, none);

describe('a query pinned by __name__ is checked at that document only if the query can return it', () => {
  it("a document in another customer's collection does not lend its rule", () => {
    const policy = compile(
      '    match /customers/{uid}/events/{id} { allow list: if request.auth.uid == uid; }',
    );
    list(policy, 'customers/alice', inCollection('events', pinned('customers/alice/events/e1')))();
    // Pinned to her own event, a query on bob's events is still a query on bob's events.
    assert.match(
      denied(list(policy, 'customers/bob', inCollection('events', pinned('customers/alice/events/e1')))),
      /false for 'list'.*\/customers\/bob\/events\/\{id\}/,
    );
  });

  it('a document in another collection of the same parent does not lend its rule', () => {
    const policy = compile("    match /customers/{uid}/{coll}/{id} { allow list: if coll == 'orders'; }");
    list(policy, 'customers/alice', inCollection('orders', pinned('customers/alice/orders/o1')))();
    denied(list(policy, 'customers/alice', inCollection('events', pinned('customers/alice/orders/o1'))));
  });

  it('a document below the collection does not lend its rule to a query of the collection', () => {
    const policy = compile(`    match /customers/{uid}/events/{id} {
      allow list: if false;
      match /events/{sub} { allow list: if true; }
    }`);
    const deep = pinned('customers/alice/events/e1/events/e2');
    list(policy, 'customers/alice/events/e1', inCollection('events', deep))();
    denied(list(policy, 'customers/alice', inCollection('events', deep)));
  });

  it('a collection group pinned to one of its documents is checked at that document', () => {
    const policy = compile("    match /{path=**}/events/{id} { allow list: if id == 'e1'; }");
    // At the group's own path `id` is unknown: only the pinned document makes the rule provable.
    list(policy, '', inGroup('events', pinned('customers/alice/events/e1')))();
    list(policy, 'customers/alice', inGroup('events', pinned('customers/alice/events/e1')))();
    denied(list(policy, '', inGroup('events', pinned('customers/alice/events/e2'))));
    assert.match(denied(list(policy, '', inGroup('events'))), /not provable/);
  });

  it('the document a collection group runs under is not one of its documents', () => {
    const policy = compile("    match /{path=**}/events/{id} { allow list: if id == 'e1'; }");
    list(policy, 'events/e1', inGroup('events', pinned('events/e1/events/e1')))();
    assert.match(denied(list(policy, 'events/e1', inGroup('events', pinned('events/e1')))), /not provable/);
  });

  it("a query of one collection pinned to a document may use that document's own rule", () => {
    const policy = compile(`    match /events/{id} { allow list: if false; }
    match /events/e1 { allow list: if true; }`);
    list(policy, '', inCollection('events', pinned('events/e1')))();
    denied(list(policy, '', inCollection('events')));
  });
});

describe('collection groups and queries over every collection', () => {
  it('a single-segment wildcard does not stand for the unknown parents of a query over every collection', () => {
    const policy = compile('    match /{coll}/{doc} { allow list: if true; }');
    list(policy, '', inCollection('events'))();
    // The query also returns documents of subcollections, which /{coll}/{doc} does not cover.
    assert.match(
      denied(list(policy, '', { from: [{ allDescendants: true }] })),
      /No matching allow statements/,
    );
  });

  it('a query over every collection (no collection id) is matched by /{path=**}/{doc}', () => {
    const policy = compile('    match /{path=**}/{doc} { allow list: if true; }');
    list(policy, '', { from: [{ allDescendants: true }] })();
  });

  it('a query over every collection passes no rule that excludes one collection', () => {
    const policy = compile("    match /{path=**}/{coll}/{doc} { allow list: if coll != 'secret'; }");
    list(policy, '', inGroup('events'))();
    denied(list(policy, '', { from: [{ allDescendants: true }] }));
  });

  it('a query naming no collection at all is refused, not a crash', () => {
    const policy = compile('    match /{path=**} { allow list: if false; }');
    denied(list(policy, '', {}));
  });
});

describe('request.path of a list', () => {
  const policy = compile(`    match /asked/{id} {
      allow list: if request.path == /databases/$(database)/documents/asked;
    }
    match /{path=**}/grouped/{id} {
      allow list: if request.path == /databases/$(database)/documents;
    }`);
  it('is the collection listed', () => list(policy, '', inCollection('asked'))());
  // The group names no one collection: request.path is the parent the query runs under.
  it('is the parent a collection group runs under', () => list(policy, '', inGroup('grouped'))());
});

describe('a recursive wildcard binds the rest of the path', () => {
  const policy = compile(`    match /cities/{city}/{rest=**} {
      allow get: if city == 'sf' && rest == path('streets/main');
      allow list: if rest != path('streets/secret');
    }`);
  it('as a path of the segments it covers, beside the wildcards before it', () => {
    get(policy, 'cities/sf/streets/main')();
    denied(get(policy, 'cities/la/streets/main'));
    denied(get(policy, 'cities/sf/streets/side'));
  });
  it("as unknown where it covers a listed document's id", () => {
    // The query may return streets/secret, so the rule is not provable for every document.
    assert.match(denied(list(policy, 'cities/sf', inCollection('streets'))), /not provable/);
    list(policy, 'cities/sf', inCollection('streets', pinned('cities/sf/streets/open')))();
  });
});
