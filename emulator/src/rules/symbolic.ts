import type { StructuredQuery, Value } from '../model/types';
import { fromProto, splitFieldPath } from './document';
import { compare, equals, FALSE, isNumber, TRUE, UNKNOWN, type RVal } from './values';

/**
 * What a list query guarantees about every document it can return: the facts a rule may use to
 * be proven true for the whole query. Firestore refuses a query unless the rule holds for any
 * document it could return, so `resource.data.f` is known only where the query pins it.
 */
export interface QueryFacts {
  /** Field (JSON of its path) -> value it equals (==, IN expanded, IS_NULL). */
  eq: Map<string, RVal>;
  ranges: Map<string, Range>;
  arrayContains: Map<string, RVal[]>;
  notEq: Map<string, RVal[]>;
  /** The document's full rules path when the query pins __name__. */
  name?: string[];
}

interface Bound {
  v: RVal;
  incl: boolean;
}
interface Range {
  lo?: Bound;
  hi?: Bound;
}

const key = (field: string[]) => JSON.stringify(field);

/** How many alternative fact sets a query with IN / OR may expand to before we give up (deny). */
const MAX_ALTERNATIVES = 512;

type Atom = { field: string[]; op: string; value?: Value };

function alternatives(filter: any): Atom[][] {
  if (!filter) return [[]];
  if (filter.compositeFilter) {
    const parts = (filter.compositeFilter.filters ?? []).map(alternatives) as Atom[][][];
    if (filter.compositeFilter.op === 'OR') return parts.flat();
    let acc: Atom[][] = [[]];
    for (const p of parts) {
      acc = acc.flatMap((a) => p.map((b) => [...a, ...b]));
      if (acc.length > MAX_ALTERNATIVES)
        throw new Error('query has too many disjunctions to check against the rules');
    }
    return acc;
  }
  if (filter.fieldFilter) {
    const f = filter.fieldFilter;
    const field = splitFieldPath(f.field?.fieldPath ?? '');
    if (f.op === 'IN' || f.op === 'ARRAY_CONTAINS_ANY') {
      const op = f.op === 'IN' ? 'EQUAL' : 'ARRAY_CONTAINS';
      return (f.value?.arrayValue?.values ?? []).map((value: Value) => [{ field, op, value }]);
    }
    return [[{ field, op: f.op, value: f.value }]];
  }
  if (filter.unaryFilter) {
    const u = filter.unaryFilter;
    const field = splitFieldPath(u.field?.fieldPath ?? '');
    if (u.op === 'IS_NULL') return [[{ field, op: 'EQUAL', value: { nullValue: 'NULL_VALUE' } }]];
    if (u.op === 'IS_NAN') return [[{ field, op: 'EQUAL', value: { doubleValue: NaN } }]];
    return [
      [
        {
          field,
          op: u.op === 'IS_NOT_NULL' ? 'NOT_EQUAL' : 'IS_NOT_NAN',
          value: { nullValue: 'NULL_VALUE' },
        },
      ],
    ];
  }
  return [[]];
}

function narrow(range: Range, which: 'lo' | 'hi', b: Bound): void {
  const cur = range[which];
  if (!cur) {
    range[which] = b;
    return;
  }
  try {
    const c = compare(b.v, cur.v);
    const tighter = which === 'lo' ? c > 0 || (c === 0 && !b.incl) : c < 0 || (c === 0 && !b.incl);
    if (tighter) range[which] = b;
  } catch {
    // Bounds of different types: no document matches both; keep one, the query returns nothing.
  }
}

function factsOf(atoms: Atom[]): QueryFacts {
  const facts: QueryFacts = { eq: new Map(), ranges: new Map(), arrayContains: new Map(), notEq: new Map() };
  for (const a of atoms) {
    const value = a.value ? fromProto(a.value) : UNKNOWN;
    if (a.field.length === 1 && a.field[0] === '__name__') {
      if (a.op === 'EQUAL' && value.t === 'path') facts.name = value.segments;
      continue;
    }
    const k = key(a.field);
    const range = facts.ranges.get(k) ?? {};
    switch (a.op) {
      case 'EQUAL':
        facts.eq.set(k, value);
        break;
      case 'LESS_THAN':
      case 'LESS_THAN_OR_EQUAL':
        narrow(range, 'hi', { v: value, incl: a.op === 'LESS_THAN_OR_EQUAL' });
        facts.ranges.set(k, range);
        break;
      case 'GREATER_THAN':
      case 'GREATER_THAN_OR_EQUAL':
        narrow(range, 'lo', { v: value, incl: a.op === 'GREATER_THAN_OR_EQUAL' });
        facts.ranges.set(k, range);
        break;
      case 'ARRAY_CONTAINS':
        facts.arrayContains.set(k, [...(facts.arrayContains.get(k) ?? []), value]);
        break;
      case 'NOT_EQUAL':
        facts.notEq.set(k, [...(facts.notEq.get(k) ?? []), value]);
        break;
      case 'NOT_IN':
        facts.notEq.set(k, [...(facts.notEq.get(k) ?? []), ...(value.t === 'list' ? value.v : [])]);
        break;
    }
  }
  return facts;
}

/** The alternative fact sets of a query: the rule must hold under each (IN and OR expand). */
export function queryFacts(query: StructuredQuery): QueryFacts[] {
  return alternatives(query.where).map(factsOf);
}

/** `resource` of a list request: a document known only through the facts. */
export function symbolicResource(facts: QueryFacts): RVal {
  const name = facts.name;
  return {
    t: 'map',
    v: new Map<string, RVal>([
      ['data', { t: 'unknown', field: [], facts }],
      ['id', name ? { t: 'string', v: name[name.length - 1] ?? '' } : UNKNOWN],
      ['__name__', name ? { t: 'path', segments: name } : UNKNOWN],
    ]),
  };
}

/** `unknown.name` / `unknown[name]`: known where the query pins that field. */
export function memberOfUnknown(u: RVal & { t: 'unknown' }, name: string): RVal {
  if (!u.facts || !u.field) return UNKNOWN;
  const field = [...u.field, name];
  return u.facts.eq.get(key(field)) ?? { t: 'unknown', field, facts: u.facts };
}

type Tri = RVal;

function safeCompare(a: RVal, b: RVal): number | undefined {
  try {
    const c = compare(a, b);
    return Number.isNaN(c) ? undefined : c;
  } catch {
    return undefined;
  }
}

function outside(range: Range, c: RVal): boolean {
  const lo = range.lo && safeCompare(c, range.lo.v);
  const hi = range.hi && safeCompare(c, range.hi.v);
  // A range filter only returns values of its bound's type, so a value of another type is outside.
  if ((range.lo && lo === undefined) || (range.hi && hi === undefined)) return true;
  return (
    (lo !== undefined && (lo < 0 || (lo === 0 && !range.lo!.incl))) ||
    (hi !== undefined && (hi > 0 || (hi === 0 && !range.hi!.incl)))
  );
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

/** A comparison with an unknown side: TRUE or FALSE only when the facts decide it for every document. */
export function compareUnknown(op: string, left: RVal, right: RVal): Tri {
  let u = left;
  let c = right;
  if (u.t !== 'unknown') {
    [u, c] = [right, left];
    op = FLIP[op]!;
  }
  if (u.t !== 'unknown' || c.t === 'unknown' || !u.facts || !u.field) return UNKNOWN;
  const k = key(u.field);
  const range = u.facts.ranges.get(k);
  const excluded = u.facts.notEq.get(k)?.some((x) => equals(x, c)) ?? false;
  if (op === '==' || op === '!=') {
    const differs = excluded || (range !== undefined && outside(range, c));
    if (!differs) return UNKNOWN;
    return op === '==' ? FALSE : TRUE;
  }
  if (!range) return UNKNOWN;
  const lo = range.lo && safeCompare(range.lo.v, c);
  const hi = range.hi && safeCompare(range.hi.v, c);
  const loIncl = range.lo?.incl ?? false;
  const hiIncl = range.hi?.incl ?? false;
  switch (op) {
    case '<':
      if (hi !== undefined && (hi < 0 || (hi === 0 && !hiIncl))) return TRUE;
      if (lo !== undefined && lo >= 0) return FALSE;
      break;
    case '<=':
      if (hi !== undefined && hi <= 0) return TRUE;
      if (lo !== undefined && (lo > 0 || (lo === 0 && !loIncl))) return FALSE;
      break;
    case '>':
      if (lo !== undefined && (lo > 0 || (lo === 0 && !loIncl))) return TRUE;
      if (hi !== undefined && hi <= 0) return FALSE;
      break;
    case '>=':
      if (lo !== undefined && lo >= 0) return TRUE;
      if (hi !== undefined && (hi < 0 || (hi === 0 && !hiIncl))) return FALSE;
      break;
  }
  return UNKNOWN;
}

/** `x in unknown`: true where the query's array-contains pins x. */
export function inUnknown(elem: RVal, container: RVal): Tri {
  if (container.t !== 'unknown' || elem.t === 'unknown' || !container.facts || !container.field)
    return UNKNOWN;
  const pinned = container.facts.arrayContains.get(key(container.field)) ?? [];
  return pinned.some((p) => equals(p, elem)) ? TRUE : UNKNOWN;
}

/** `unknown is type`: decided when a range or array-contains filter fixes the type. */
export function isUnknown(u: RVal & { t: 'unknown' }, types: string[]): Tri {
  if (!u.facts || !u.field) return UNKNOWN;
  const k = key(u.field);
  if (u.facts.arrayContains.has(k)) return types.includes('list') ? TRUE : FALSE;
  const range = u.facts.ranges.get(k);
  const bound = range?.lo?.v ?? range?.hi?.v;
  if (!bound) return UNKNOWN;
  if (isNumber(bound)) {
    if (types.includes('int') && types.includes('float')) return TRUE;
    return types.includes('int') || types.includes('float') ? UNKNOWN : FALSE;
  }
  return types.includes(bound.t) ? TRUE : FALSE;
}
