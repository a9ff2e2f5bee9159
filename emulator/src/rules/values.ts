import { RulesEvalError } from './errors';
import type { QueryFacts } from './symbolic';

/**
 * Values of the rules language. Ints are 64-bit (bigint, checked on overflow); timestamps and
 * durations count nanoseconds. `unknown` stands for a value a list query does not pin down: any
 * operation on it stays unknown, and a condition that ends unknown cannot be proven true.
 */
export type RVal =
  | { t: 'null' }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'string'; v: string }
  | { t: 'bytes'; v: Uint8Array }
  | { t: 'list'; v: RVal[] }
  | { t: 'map'; v: Map<string, RVal> }
  | { t: 'set'; v: RVal[] }
  | { t: 'timestamp'; nanos: bigint }
  | { t: 'duration'; nanos: bigint }
  | { t: 'path'; segments: string[] }
  | { t: 'latlng'; lat: number; lng: number }
  | { t: 'mapdiff'; left: Map<string, RVal>; right: Map<string, RVal> }
  | { t: 'unknown'; field?: string[]; facts?: QueryFacts };

export type RType = RVal['t'];

export const NULL: RVal = { t: 'null' };
export const TRUE: RVal = { t: 'bool', v: true };
export const FALSE: RVal = { t: 'bool', v: false };
export const UNKNOWN: RVal = { t: 'unknown' };

export const bool = (v: boolean): RVal => (v ? TRUE : FALSE);
export const str = (v: string): RVal => ({ t: 'string', v });
export const list = (v: RVal[]): RVal => ({ t: 'list', v });
export const map = (entries: Iterable<[string, RVal]>): RVal => ({ t: 'map', v: new Map(entries) });

const MAX_INT = 2n ** 63n - 1n;
const MIN_INT = -(2n ** 63n);

export function int(v: bigint): RVal {
  if (v > MAX_INT || v < MIN_INT) throw new RulesEvalError('Integer overflow.');
  return { t: 'int', v };
}

/** The names `is` accepts, and the value types each covers. */
export const TYPE_NAMES: Record<string, RType[]> = {
  bool: ['bool'],
  bytes: ['bytes'],
  duration: ['duration'],
  float: ['float'],
  int: ['int'],
  latlng: ['latlng'],
  list: ['list'],
  map: ['map'],
  map_diff: ['mapdiff'],
  number: ['int', 'float'],
  path: ['path'],
  set: ['set'],
  string: ['string'],
  timestamp: ['timestamp'],
  null: ['null'],
};

export function typeName(v: RVal): string {
  return v.t === 'mapdiff' ? 'map_diff' : v.t;
}

export function setOf(items: RVal[]): RVal {
  const out: RVal[] = [];
  for (const item of items) if (!out.some((o) => equals(o, item))) out.push(item);
  return { t: 'set', v: out };
}

export function isNumber(v: RVal): v is { t: 'int'; v: bigint } | { t: 'float'; v: number } {
  return v.t === 'int' || v.t === 'float';
}

function compareNumbers(a: RVal & { t: 'int' | 'float' }, b: RVal & { t: 'int' | 'float' }): number {
  if (a.t === 'int' && b.t === 'int') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  const x = Number(a.v);
  const y = Number(b.v);
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Deep equality as `==` defines it: numbers across int/float compare by value; types otherwise must match. */
export function equals(a: RVal, b: RVal): boolean {
  if (isNumber(a) && isNumber(b)) return compareNumbers(a, b) === 0;
  if (a.t !== b.t) return false;
  switch (a.t) {
    case 'null':
      return true;
    case 'bool':
    case 'string':
      return a.v === (b as typeof a).v;
    case 'bytes': {
      const y = (b as typeof a).v;
      return a.v.length === y.length && a.v.every((x, i) => x === y[i]);
    }
    case 'list': {
      const y = (b as typeof a).v;
      return a.v.length === y.length && a.v.every((x, i) => equals(x, y[i]!));
    }
    case 'set': {
      const y = (b as typeof a).v;
      return a.v.length === y.length && a.v.every((x) => y.some((z) => equals(x, z)));
    }
    case 'map': {
      const y = (b as typeof a).v;
      if (a.v.size !== y.size) return false;
      for (const [k, x] of a.v) {
        const z = y.get(k);
        if (z === undefined || !equals(x, z)) return false;
      }
      return true;
    }
    case 'timestamp':
    case 'duration':
      return a.nanos === (b as typeof a).nanos;
    case 'path': {
      const y = (b as typeof a).segments;
      return a.segments.length === y.length && a.segments.every((s, i) => s === y[i]);
    }
    case 'latlng':
      return a.lat === (b as typeof a).lat && a.lng === (b as typeof a).lng;
    default:
      return false;
  }
}

/** Ordering for < <= > >=: numbers, strings, timestamps, durations, bytes, lists; anything else is an error. */
export function compare(a: RVal, b: RVal): number {
  if (isNumber(a) && isNumber(b)) return compareNumbers(a, b);
  if (a.t !== b.t) throw new RulesEvalError(`Cannot compare ${typeName(a)} with ${typeName(b)}.`);
  switch (a.t) {
    case 'string':
      return a.v < (b as typeof a).v ? -1 : a.v > (b as typeof a).v ? 1 : 0;
    case 'timestamp':
    case 'duration': {
      const y = (b as typeof a).nanos;
      return a.nanos < y ? -1 : a.nanos > y ? 1 : 0;
    }
    case 'bool':
      return Number(a.v) - Number((b as typeof a).v);
    case 'bytes': {
      const y = (b as typeof a).v;
      for (let i = 0; i < Math.min(a.v.length, y.length); i++) if (a.v[i] !== y[i]) return a.v[i]! - y[i]!;
      return a.v.length - y.length;
    }
    case 'list': {
      const y = (b as typeof a).v;
      for (let i = 0; i < Math.min(a.v.length, y.length); i++) {
        const c = compare(a.v[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return a.v.length - y.length;
    }
    default:
      throw new RulesEvalError(`Cannot order values of type ${typeName(a)}.`);
  }
}

/** A short rendering for debug() and messages. */
export function show(v: RVal): string {
  switch (v.t) {
    case 'null':
      return 'null';
    case 'bool':
    case 'float':
      return String(v.v);
    case 'int':
      return v.v.toString();
    case 'string':
      return JSON.stringify(v.v);
    case 'bytes':
      return `b'${Buffer.from(v.v).toString('hex')}'`;
    case 'list':
      return `[${v.v.map(show).join(', ')}]`;
    case 'set':
      return `set([${v.v.map(show).join(', ')}])`;
    case 'map':
      return `{${[...v.v].map(([k, x]) => `${JSON.stringify(k)}: ${show(x)}`).join(', ')}}`;
    case 'timestamp':
      return `timestamp(${new Date(Number(v.nanos / 1_000_000n)).toISOString()})`;
    case 'duration':
      return `duration(${v.nanos}ns)`;
    case 'path':
      return '/' + v.segments.join('/');
    case 'latlng':
      return `latlng(${v.lat}, ${v.lng})`;
    case 'mapdiff':
      return 'map_diff';
    case 'unknown':
      return v.field ? `<unknown ${v.field.join('.')}>` : '<unknown>';
  }
}
