import { invalidArgument } from '../errors';
import { numericIdOf } from './document-id';
import type { Fields, Value } from './types';
import { isNumber, VECTOR_TYPE } from './values';

/** Names matching __.*__ are reserved for Firestore (vectors' `__type__` being the one it defines). */
export const RESERVED_NAME = /^__.*__$/;

const MAX_FIELD_NAME_BYTES = 1500;
const MAX_DEPTH = 20;
const MIN_SECONDS = -62135596800; // 0001-01-01T00:00:00Z
const MAX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z

function hasType(v: Value): boolean {
  return (
    v.nullValue !== undefined ||
    v.booleanValue !== undefined ||
    v.integerValue !== undefined ||
    v.doubleValue !== undefined ||
    v.timestampValue !== undefined ||
    v.stringValue !== undefined ||
    v.bytesValue !== undefined ||
    v.referenceValue !== undefined ||
    v.geoPointValue !== undefined ||
    v.arrayValue !== undefined ||
    v.mapValue !== undefined
  );
}

const DOCUMENT_NAME = /^projects\/[^/]+\/databases\/[^/]+\/documents\/(.+)$/;

/**
 * Checks a full document name (a write's target or a reference value): an even number of
 * non-empty ids after `documents/`, none reserved (a document id may be numeric, `__id<n>__`).
 * `what` names it in the error.
 */
export function checkDocumentName(name: string, what: string): void {
  const segments = DOCUMENT_NAME.exec(name)?.[1]!.split('/') ?? [];
  if (segments.length === 0 || segments.length % 2 !== 0 || segments.some((s) => s === '')) {
    throw invalidArgument(
      `Invalid ${what} "${name}": expected projects/{p}/databases/{d}/documents/{collection}/{id}[/...].`,
    );
  }
  segments.forEach((id, i) => {
    const numericDocumentId = i % 2 === 1 && numericIdOf(id) !== undefined;
    if (id === '.' || id === '..' || (RESERVED_NAME.test(id) && !numericDocumentId)) {
      throw invalidArgument(`Invalid ${what} "${name}": id "${id}" is reserved.`);
    }
  });
}

function checkFieldName(name: string, where: string): void {
  if (name === '') throw invalidArgument(`Field names cannot be empty (in ${where}).`);
  if (RESERVED_NAME.test(name)) {
    throw invalidArgument(`Field name "${name}" is reserved (names matching __.*__ are), in ${where}.`);
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_FIELD_NAME_BYTES) {
    throw invalidArgument(
      `Field name "${name.slice(0, 40)}..." is longer than ${MAX_FIELD_NAME_BYTES} bytes.`,
    );
  }
}

/**
 * Checks a value a client asks to store and returns it as Firestore keeps it: timestamps cut to
 * microseconds. Rejects untyped values, reserved or empty field names, malformed vectors, arrays of
 * arrays, out-of-range timestamps and geopoints, references that are not document names, and nesting
 * deeper than 20. Returns the same object
 * when nothing needs changing.
 */
export function storableValue(value: Value, where: string, depth = 0): Value {
  if (depth > MAX_DEPTH)
    throw invalidArgument(`A value in ${where} is nested more than ${MAX_DEPTH} levels deep.`);
  if (!hasType(value)) throw invalidArgument(`A value in ${where} has no type.`);
  if (value.timestampValue !== undefined) {
    const seconds = Number(value.timestampValue.seconds ?? 0);
    const nanos = value.timestampValue.nanos ?? 0;
    if (!Number.isInteger(seconds) || seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
      throw invalidArgument(`A timestamp in ${where} is outside 0001-01-01 to 9999-12-31.`);
    }
    if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) {
      throw invalidArgument(`A timestamp in ${where} has nanos ${nanos}, outside 0..999999999.`);
    }
    if (nanos % 1000 === 0) return value;
    return {
      timestampValue: { seconds: value.timestampValue.seconds ?? '0', nanos: nanos - (nanos % 1000) },
    };
  }
  if (value.referenceValue !== undefined) {
    checkDocumentName(value.referenceValue, `reference in ${where}`);
    return value;
  }
  if (value.geoPointValue !== undefined) {
    const { latitude = 0, longitude = 0 } = value.geoPointValue;
    if (!(Math.abs(latitude) <= 90) || !(Math.abs(longitude) <= 180)) {
      throw invalidArgument(
        `A geopoint in ${where} must have latitude in [-90, 90] and longitude in [-180, 180].`,
      );
    }
    return value;
  }
  if (value.arrayValue !== undefined) {
    const values = value.arrayValue.values ?? [];
    let changed = false;
    const out = values.map((element) => {
      if (element.arrayValue !== undefined)
        throw invalidArgument(`Arrays cannot directly contain arrays (in ${where}).`);
      const stored = storableValue(element, where, depth + 1);
      changed ||= stored !== element;
      return stored;
    });
    return changed ? { arrayValue: { values: out } } : value;
  }
  if (value.mapValue === undefined) return value;
  const fields = value.mapValue.fields ?? {};
  if (Object.hasOwn(fields, '__type__')) {
    const array = fields.value?.arrayValue;
    if (fields.__type__!.stringValue !== VECTOR_TYPE)
      throw invalidArgument(`Field name "__type__" is reserved, in ${where}.`);
    if (Object.keys(fields).length !== 2 || array === undefined || !(array.values ?? []).every(isNumber)) {
      throw invalidArgument(`A vector value in ${where} must be {__type__: "__vector__", value: [numbers]}.`);
    }
    return value;
  }
  const stored = storableFields(fields, where, depth + 1);
  return stored === fields ? value : { mapValue: { fields: stored } };
}

/** storableValue over a document's (or a map's) fields, with their names checked. */
export function storableFields(fields: Fields, where: string, depth = 0): Fields {
  let out: Fields | undefined;
  for (const name of Object.keys(fields)) {
    checkFieldName(name, where);
    const value = fields[name]!;
    const stored = storableValue(value, where, depth);
    if (stored !== value) {
      out ??= { ...fields };
      out[name] = stored;
    }
  }
  return out ?? fields;
}
