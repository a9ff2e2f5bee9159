import { invalidArgument } from '../errors';
import { formatFieldPath, getField, setField } from './fieldpath';
import { compileWhere, fieldRef, valueOf, type FieldRef, type Predicate } from './filters';
import { compileFindNearest, nearestNeighbours, type CompiledFindNearest } from './find-nearest';
import type { Fields, StoredDocument, StructuredQuery, Value } from './types';
import { compareReferences, compareUtf8, compareValues } from './values';
import { wrapperNumber } from './wrappers';

interface Order {
  field: FieldRef;
  descending: boolean;
}

interface Cursor {
  values: Value[];
  before: boolean;
}

export interface CompiledQuery {
  collectionId: string;
  allDescendants: boolean;
  filter: Predicate | undefined;
  /** The full ordering: explicit orders, then implicit inequality fields, then `__name__`. */
  orderBy: Order[];
  explicitOrder: boolean;
  startAt: Cursor | undefined;
  endAt: Cursor | undefined;
  offset: number;
  limit: number | undefined;
  /** Paths to keep, [] for `__name__` only, undefined for every field. */
  projection: string[][] | undefined;
  findNearest: CompiledFindNearest | undefined;
}

function compileCursor(raw: any, which: string, orderBy: Order[]): Cursor | undefined {
  if (raw == null) return undefined;
  const values: Value[] = raw.values ?? [];
  if (values.length > orderBy.length) {
    throw invalidArgument(
      `Too many cursor values in ${which}: ${values.length} given, but the query orders by ${orderBy.length} field(s) (${orderBy
        .map((o) => o.field.text)
        .join(', ')}).`,
    );
  }
  values.forEach((v, i) => {
    if (orderBy[i]!.field.isName && v.referenceValue === undefined) {
      throw invalidArgument(`The ${which} cursor value for __name__ must be a document reference.`);
    }
  });
  return { values, before: Boolean(raw.before) };
}

function comparePaths(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareUtf8(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function compileProjection(raw: any): string[][] | undefined {
  const fields: any[] | undefined = raw?.fields;
  if (!fields || fields.length === 0) return undefined;
  return fields
    .map((f) => fieldRef(f, 'A projection'))
    .filter((f) => !f.isName)
    .map((f) => f.path);
}

const compiledQueries = new WeakMap<StructuredQuery, CompiledQuery>();

/** Validates and precompiles a query once; later calls with the same object reuse the result. */
export function compileQuery(query: StructuredQuery): CompiledQuery {
  const cached = compiledQueries.get(query);
  if (cached) return cached;

  const from: any[] = query.from ?? [];
  if (from.length !== 1)
    throw invalidArgument(`A query must select exactly one collection in "from", got ${from.length}.`);
  const collectionId: string = from[0].collectionId ?? '';
  const allDescendants = Boolean(from[0].allDescendants);
  if (collectionId === '' && !allDescendants)
    throw invalidArgument('A query must name the collection it selects.');
  if (collectionId.includes('/'))
    throw invalidArgument(`Collection id "${collectionId}" must not contain "/".`);

  const where = query.where != null ? compileWhere(query.where) : undefined;
  const filter = where?.test;

  const orderBy: Order[] = [];
  const seen = new Set<string>();
  for (const raw of query.orderBy ?? []) {
    const field = fieldRef(raw.field, 'An order');
    const key = field.path.join('\u0000');
    if (seen.has(key))
      throw invalidArgument(`Order by clause cannot contain duplicate fields: "${field.text}".`);
    seen.add(key);
    if (
      raw.direction != null &&
      !['ASCENDING', 'DESCENDING', 'DIRECTION_UNSPECIFIED'].includes(raw.direction)
    ) {
      throw invalidArgument(`Unknown order direction ${raw.direction} for "${field.text}".`);
    }
    orderBy.push({ field, descending: raw.direction === 'DESCENDING' });
  }
  const explicitOrder = orderBy.length > 0;
  // Implicit order: inequality fields not yet ordered, by field path, then __name__, all in the
  // direction of the last explicit order.
  const lastDescending = orderBy.at(-1)?.descending ?? false;
  const missing = new Map<string, FieldRef>();
  for (const field of where?.inequalities ?? []) {
    const key = field.path.join('\u0000');
    if (!field.isName && !seen.has(key)) missing.set(key, field);
  }
  for (const field of [...missing.values()].sort((a, b) => comparePaths(a.path, b.path))) {
    orderBy.push({ field, descending: lastDescending });
  }
  if (!orderBy.some((o) => o.field.isName)) {
    orderBy.push({
      field: { path: ['__name__'], isName: true, text: '__name__' },
      descending: lastDescending,
    });
  }
  // Names are unique, so Firestore refuses any order after __name__, implicit inequality orders too.
  const afterName = orderBy[orderBy.findIndex((o) => o.field.isName) + 1];
  if (afterName) {
    throw invalidArgument(
      `Order by clause cannot contain more fields after the key ${formatFieldPath(afterName.field.path)}`,
    );
  }

  const offset = Number(query.offset ?? 0);
  if (!Number.isInteger(offset) || offset < 0)
    throw invalidArgument(`Offset must be a non-negative integer, got ${query.offset}.`);
  const limit = wrapperNumber(query.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw invalidArgument(`Limit must be a non-negative integer, got ${limit}.`);
  }

  const compiled: CompiledQuery = {
    collectionId,
    allDescendants,
    filter,
    orderBy,
    explicitOrder,
    startAt: compileCursor(query.startAt, 'start_at', orderBy),
    endAt: compileCursor(query.endAt, 'end_at', orderBy),
    offset,
    limit,
    projection: compileProjection(query.select),
    findNearest: query.findNearest != null ? compileFindNearest(query.findNearest) : undefined,
  };
  compiledQueries.set(query, compiled);
  return compiled;
}

export function validateQuery(query: StructuredQuery): void {
  compileQuery(query);
}

function inScope(name: string, parent: string, q: CompiledQuery): boolean {
  if (name.length <= parent.length + 1 || name.charCodeAt(parent.length) !== 47 || !name.startsWith(parent))
    return false;
  const lastSlash = name.lastIndexOf('/');
  const collectionStart = name.lastIndexOf('/', lastSlash - 1);
  if (collectionStart < parent.length) return false;
  if (!q.allDescendants && collectionStart !== parent.length) return false;
  if (q.collectionId === '') return true;
  return (
    lastSlash - collectionStart - 1 === q.collectionId.length &&
    name.startsWith(q.collectionId, collectionStart + 1)
  );
}

/** Whether the document lies in the query's `from`: a direct child collection of parent, or any descendant one. */
export function isInScope(doc: StoredDocument, parent: string, query: StructuredQuery): boolean {
  return inScope(doc.name, parent, compileQuery(query));
}

/** Whether the document passes the query's `where` (scope and ordering are not looked at). */
export function matchesFilter(doc: StoredDocument, query: StructuredQuery): boolean {
  const { filter } = compileQuery(query);
  return filter === undefined || filter(doc);
}

interface Row {
  doc: StoredDocument;
  keys: Value[];
  /**
   * Whether plain string order of this name is its segment-wise order against any other name of
   * the same database: true when the path after `/documents/` has no character below "/" or from
   * U+D800 up (where UTF-16 order differs from UTF-8 order), and no id that may be numeric.
   */
  plainName: boolean;
}

function isPlainName(name: string): boolean {
  if (name.includes('/__id')) return false;
  for (let i = name.indexOf('/documents/') + 11; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x2f || c >= 0xd800) return false;
  }
  return true;
}

function rowOf(doc: StoredDocument, orderBy: Order[]): Row | undefined {
  const keys: Value[] = new Array(orderBy.length);
  for (let i = 0; i < orderBy.length; i++) {
    const v = valueOf(doc, orderBy[i]!.field);
    if (v === undefined) return undefined; // Firestore only returns documents that have every ordered field.
    keys[i] = v;
  }
  return { doc, keys, plainName: isPlainName(doc.name) };
}

/** `plainNames`: both names may be compared as plain strings (see Row.plainName). */
function compareKeys(a: Value[], b: Value[], orderBy: Order[], plainNames = false): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const order = orderBy[i]!;
    let c: number;
    if (!order.field.isName) c = compareValues(a[i]!, b[i]!);
    else if (plainNames) {
      const x = a[i]!.referenceValue!;
      const y = b[i]!.referenceValue!;
      c = x < y ? -1 : x > y ? 1 : 0;
    } else {
      c = compareReferences(a[i]!.referenceValue!, b[i]!.referenceValue!);
    }
    if (c !== 0) return order.descending ? -c : c;
  }
  return 0;
}

const compareRows = (a: Row, b: Row, orderBy: Order[]) =>
  compareKeys(a.keys, b.keys, orderBy, a.plainName && b.plainName);

/** A comparator ordering documents as the query orders its results. */
export function queryComparator(query: StructuredQuery): (a: StoredDocument, b: StoredDocument) => number {
  const { orderBy } = compileQuery(query);
  return (a, b) => {
    const ra = rowOf(a, orderBy);
    const rb = rowOf(b, orderBy);
    if (!ra || !rb) return ra ? -1 : rb ? 1 : 0;
    return compareRows(ra, rb, orderBy);
  };
}

function afterStart(keys: Value[], cursor: Cursor, orderBy: Order[]): boolean {
  const c = compareKeys(keys, cursor.values, orderBy);
  return cursor.before ? c >= 0 : c > 0;
}

function beforeEnd(keys: Value[], cursor: Cursor, orderBy: Order[]): boolean {
  const c = compareKeys(keys, cursor.values, orderBy);
  return cursor.before ? c < 0 : c <= 0;
}

function project(doc: StoredDocument, paths: string[][]): StoredDocument {
  let fields: Fields = {};
  for (const path of paths) {
    const v = getField(doc.fields, path);
    if (v !== undefined) fields = setField(fields, path, v);
  }
  return { ...doc, fields };
}

/**
 * Whether the document belongs to the query's result set before offset and limit: in scope,
 * passing `where`, holding every ordered field and inside the cursors. For watching a query
 * document by document; offset and limit need the whole result set (runStructuredQuery).
 */
export function matchesQuery(doc: StoredDocument, parent: string, query: StructuredQuery): boolean {
  const q = compileQuery(query);
  if (!inScope(doc.name, parent, q) || (q.filter && !q.filter(doc))) return false;
  const row = rowOf(doc, q.orderBy);
  if (!row) return false;
  return (
    (!q.startAt || afterStart(row.keys, q.startAt, q.orderBy)) &&
    (!q.endAt || beforeEnd(row.keys, q.endAt, q.orderBy))
  );
}

/**
 * Runs a query over candidate documents (any superset of its scope) under `parent`
 * (`projects/{p}/databases/{d}/documents` or a document name below it).
 */
export function runStructuredQuery(
  candidates: Iterable<StoredDocument>,
  parent: string,
  query: StructuredQuery,
): StoredDocument[] {
  const q = compileQuery(query);
  const { orderBy, filter } = q;
  const pipelineOrders =
    !q.findNearest || q.explicitOrder || q.startAt || q.endAt || q.offset > 0 || q.limit !== undefined;

  let rows: Row[] = [];
  for (const doc of candidates) {
    if (!inScope(doc.name, parent, q)) continue;
    if (filter && !filter(doc)) continue;
    const row = rowOf(doc, orderBy);
    if (row) rows.push(row);
  }
  if (pipelineOrders) {
    rows.sort((a, b) => compareRows(a, b, orderBy));
    const { startAt, endAt } = q;
    if (startAt) rows = rows.filter((r) => afterStart(r.keys, startAt, orderBy));
    if (endAt) rows = rows.filter((r) => beforeEnd(r.keys, endAt, orderBy));
    const end = q.limit === undefined ? undefined : q.offset + q.limit;
    if (q.offset > 0 || end !== undefined) rows = rows.slice(q.offset, end);
  }

  let docs = rows.map((r) => r.doc);
  let distances: number[] | undefined;
  if (q.findNearest) {
    const nearest = nearestNeighbours(docs, q.findNearest);
    docs = nearest.map((n) => n.doc);
    distances = nearest.map((n) => n.distance);
  }
  const projection = q.projection;
  if (projection) docs = docs.map((d) => project(d, projection));
  const resultField = q.findNearest?.distanceResultField;
  if (resultField && distances) {
    docs = docs.map((d, i) => ({
      ...d,
      fields: setField(d.fields, resultField, { doubleValue: distances![i]! }),
    }));
  }
  return docs;
}
