import { numericIdOf } from './document-id';
import type { Value } from './types';

export { microsFromTimestamp, timestampFromMicros } from './time';

/** Firestore's type classes, in sort order. Integers, doubles and NaN share one class. */
export enum TypeOrder {
  Null = 0,
  Boolean = 1,
  Number = 2,
  Timestamp = 3,
  String = 4,
  Bytes = 5,
  Reference = 6,
  GeoPoint = 7,
  Array = 8,
  Vector = 9,
  Map = 10,
}

export const VECTOR_TYPE = '__vector__';

export function isVector(v: Value): boolean {
  const fields = v.mapValue?.fields;
  return fields !== undefined && fields.__type__?.stringValue === VECTOR_TYPE;
}

/** The components of a vector value, or undefined when `v` is not a vector. */
export function vectorComponents(v: Value): number[] | undefined {
  if (!isVector(v)) return undefined;
  const values = v.mapValue!.fields!.value?.arrayValue?.values ?? [];
  return values.map(numberOf);
}

export function typeOrder(v: Value): number {
  if (v.nullValue !== undefined) return TypeOrder.Null;
  if (v.booleanValue !== undefined) return TypeOrder.Boolean;
  if (v.integerValue !== undefined || v.doubleValue !== undefined) return TypeOrder.Number;
  if (v.timestampValue !== undefined) return TypeOrder.Timestamp;
  if (v.stringValue !== undefined) return TypeOrder.String;
  if (v.bytesValue !== undefined) return TypeOrder.Bytes;
  if (v.referenceValue !== undefined) return TypeOrder.Reference;
  if (v.geoPointValue !== undefined) return TypeOrder.GeoPoint;
  if (v.arrayValue !== undefined) return TypeOrder.Array;
  if (v.mapValue !== undefined) return isVector(v) ? TypeOrder.Vector : TypeOrder.Map;
  // A Value with no type set carries nothing; it sorts (and is stored) as null.
  return TypeOrder.Null;
}

export function isNumber(v: Value): boolean {
  return v.integerValue !== undefined || v.doubleValue !== undefined;
}

export function isInteger(v: Value): boolean {
  return v.integerValue !== undefined;
}

export function isNaNValue(v: Value): boolean {
  return v.doubleValue !== undefined && Number.isNaN(Number(v.doubleValue));
}

/** A numeric value as a JS number (integers beyond 2^53 lose precision). */
export function numberOf(v: Value): number {
  if (v.integerValue !== undefined) return Number(v.integerValue);
  return Number(v.doubleValue ?? NaN);
}

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

function compareIntegers(a: string | number, b: string | number): number {
  const x = Number(a);
  const y = Number(b);
  if (Number.isSafeInteger(x) && Number.isSafeInteger(y)) return sign(x - y);
  const bx = BigInt(a);
  const by = BigInt(b);
  return bx < by ? -1 : bx > by ? 1 : 0;
}

/** Exact comparison of a double with an int64, NaN first. */
function compareDoubleWithInteger(d: number, i: string | number): number {
  if (Number.isNaN(d)) return -1;
  const n = Number(i);
  if (Number.isSafeInteger(n)) return sign(d - n);
  if (d === Infinity) return 1;
  if (d === -Infinity) return -1;
  const floor = Math.floor(d);
  const bf = BigInt(floor);
  const bi = BigInt(i);
  if (bf !== bi) return bf < bi ? -1 : 1;
  return d > floor ? 1 : 0;
}

function compareDoubles(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0; // -0 and 0 are equal
}

function compareNumbers(a: Value, b: Value): number {
  if (a.integerValue !== undefined) {
    if (b.integerValue !== undefined) return compareIntegers(a.integerValue, b.integerValue);
    return -compareDoubleWithInteger(Number(b.doubleValue), a.integerValue);
  }
  if (b.integerValue !== undefined) return compareDoubleWithInteger(Number(a.doubleValue), b.integerValue);
  return compareDoubles(Number(a.doubleValue), Number(b.doubleValue));
}

/**
 * Compares strings by their UTF-8 bytes, which is code point order. UTF-16 code unit order agrees
 * except where a surrogate (a code point above U+FFFF) meets a unit in U+E000..U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs === ys) return x < y ? -1 : 1;
      return xs ? 1 : -1;
    }
  }
  return sign(a.length - b.length);
}

function compareTimestamps(a: Value['timestampValue'], b: Value['timestampValue']): number {
  const c = compareIntegers(a?.seconds ?? 0, b?.seconds ?? 0);
  return c !== 0 ? c : sign((a?.nanos ?? 0) - (b?.nanos ?? 0));
}

export function bytesOf(v: Value): Uint8Array {
  const b = v.bytesValue as Uint8Array | string | undefined;
  if (b === undefined) return new Uint8Array(0);
  return typeof b === 'string' ? Buffer.from(b, 'base64') : b;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return sign(a.length - b.length);
}

/** Orders two ids (path segments): numeric ids (`__id<n>__`) by number, before all others in UTF-8 order. */
export function compareIds(a: string, b: string): number {
  const x = numericIdOf(a);
  const y = numericIdOf(b);
  if (x === undefined && y === undefined) return compareUtf8(a, b);
  if (x === undefined) return 1;
  if (y === undefined) return -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Orders resource names segment by segment (so `c/x` < `c-/x`, unlike plain string order), each
 * segment by compareIds; a name sorts before the names below it.
 */
export function compareReferences(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  // The segments in which the names first differ.
  const start = a.lastIndexOf('/', i - 1) + 1;
  const endA = a.indexOf('/', start);
  const endB = b.indexOf('/', start);
  const c = compareIds(
    a.slice(start, endA < 0 ? a.length : endA),
    b.slice(start, endB < 0 ? b.length : endB),
  );
  return c !== 0 ? c : sign(a.length - b.length);
}

function compareArrays(a: Value[], b: Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return sign(a.length - b.length);
}

function compareMaps(a: Record<string, Value>, b: Record<string, Value>): number {
  const ka = Object.keys(a).sort(compareUtf8);
  const kb = Object.keys(b).sort(compareUtf8);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const c = compareUtf8(ka[i]!, kb[i]!);
    if (c !== 0) return c;
    const d = compareValues(a[ka[i]!]!, b[kb[i]!]!);
    if (d !== 0) return d;
  }
  return sign(ka.length - kb.length);
}

/** Firestore's total order over values of all types. */
export function compareValues(a: Value, b: Value): number {
  const ta = typeOrder(a);
  const tb = typeOrder(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case TypeOrder.Null:
      return 0;
    case TypeOrder.Boolean:
      return a.booleanValue === b.booleanValue ? 0 : a.booleanValue ? 1 : -1;
    case TypeOrder.Number:
      return compareNumbers(a, b);
    case TypeOrder.Timestamp:
      return compareTimestamps(a.timestampValue, b.timestampValue);
    case TypeOrder.String:
      return compareUtf8(a.stringValue!, b.stringValue!);
    case TypeOrder.Bytes:
      return compareBytes(bytesOf(a), bytesOf(b));
    case TypeOrder.Reference:
      return compareReferences(a.referenceValue!, b.referenceValue!);
    case TypeOrder.GeoPoint: {
      const c = compareDoubles(a.geoPointValue?.latitude ?? 0, b.geoPointValue?.latitude ?? 0);
      return c !== 0 ? c : compareDoubles(a.geoPointValue?.longitude ?? 0, b.geoPointValue?.longitude ?? 0);
    }
    case TypeOrder.Array:
      return compareArrays(a.arrayValue?.values ?? [], b.arrayValue?.values ?? []);
    case TypeOrder.Vector: {
      const x = a.mapValue!.fields!.value?.arrayValue?.values ?? [];
      const y = b.mapValue!.fields!.value?.arrayValue?.values ?? [];
      return x.length !== y.length ? sign(x.length - y.length) : compareArrays(x, y);
    }
    default:
      return compareMaps(a.mapValue?.fields ?? {}, b.mapValue?.fields ?? {});
  }
}

/**
 * Equality as Firestore's queries and array transforms use it: numbers by value across integer
 * and double (3 == 3.0, -0 == 0), NaN equal to NaN, null equal to null.
 */
export function valuesEqual(a: Value, b: Value): boolean {
  return compareValues(a, b) === 0;
}

/**
 * Exact identity of stored data: unlike valuesEqual, an integer never equals a double and -0 is
 * not 0. Used to tell whether a write changed a document at all.
 */
export function valuesIdentical(a: Value, b: Value): boolean {
  const t = typeOrder(a);
  if (t !== typeOrder(b)) return false;
  switch (t) {
    case TypeOrder.Number:
      if (a.integerValue !== undefined)
        return b.integerValue !== undefined && String(a.integerValue) === String(b.integerValue);
      return b.doubleValue !== undefined && Object.is(Number(a.doubleValue), Number(b.doubleValue));
    case TypeOrder.Array: {
      const x = a.arrayValue?.values ?? [];
      const y = b.arrayValue?.values ?? [];
      return x.length === y.length && x.every((v, i) => valuesIdentical(v, y[i]!));
    }
    case TypeOrder.Vector:
    case TypeOrder.Map:
      return fieldsIdentical(a.mapValue?.fields ?? {}, b.mapValue?.fields ?? {});
    case TypeOrder.GeoPoint:
      return (
        Object.is(a.geoPointValue?.latitude ?? 0, b.geoPointValue?.latitude ?? 0) &&
        Object.is(a.geoPointValue?.longitude ?? 0, b.geoPointValue?.longitude ?? 0)
      );
    default:
      return compareValues(a, b) === 0;
  }
}

export function fieldsIdentical(a: Record<string, Value>, b: Record<string, Value>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && valuesIdentical(a[k]!, b[k]!));
}

export const NULL_VALUE: Value = { nullValue: 'NULL_VALUE' };
