/**
 * One document as one line of JSON: a google.firestore.v1.Document in proto3 JSON, the REST API's
 * own representation, so every Firestore type keeps its type (integers as decimal strings, doubles
 * apart from integers, NaN / Infinity / -0 as strings, RFC 3339 timestamps with their fraction,
 * base64 bytes, references, geo points, vectors as the maps Firestore stores them as).
 *
 * Output is canonical, for diffs: keys in a fixed order (name, createTime, updateTime, fields),
 * map keys in UTF-8 order, no spaces. Input is checked strictly: anything this module does not
 * write, or that a client could not have stored, is refused with the reason.
 */
import type { Fields, Micros, ProtoTimestamp, StoredDocument, Value } from '../model/types.js';
import { bytesOf, compareUtf8 } from '../model/values.js';

export class CodecError extends Error {}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

// ---------------------------------------------------------------------------------------------
// Encoding

function encodeDouble(d: number): string {
  if (Number.isNaN(d)) return '"NaN"';
  if (d === Infinity) return '"Infinity"';
  if (d === -Infinity) return '"-Infinity"';
  if (Object.is(d, -0)) return '"-0"';
  return JSON.stringify(d);
}

/** RFC 3339 in UTC with 0, 3, 6 or 9 fraction digits (proto3 JSON's Timestamp). */
export function formatTimestamp(seconds: number, nanos: number): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (nanos === 0) return `${base}Z`;
  const digits = String(nanos).padStart(9, '0');
  const fraction =
    nanos % 1_000_000 === 0 ? digits.slice(0, 3) : nanos % 1000 === 0 ? digits.slice(0, 6) : digits;
  return `${base}.${fraction}Z`;
}

export function formatMicros(micros: Micros): string {
  const seconds = Math.floor(micros / 1_000_000);
  return formatTimestamp(seconds, (micros - seconds * 1_000_000) * 1000);
}

function encodeFields(fields: Fields): string {
  const keys = Object.keys(fields).sort(compareUtf8);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${encodeValue(fields[k]!)}`).join(',')}}`;
}

export function encodeValue(v: Value): string {
  if (v.booleanValue !== undefined) return `{"booleanValue":${v.booleanValue ? 'true' : 'false'}}`;
  if (v.integerValue !== undefined) return `{"integerValue":"${BigInt(v.integerValue).toString()}"}`;
  if (v.doubleValue !== undefined) return `{"doubleValue":${encodeDouble(Number(v.doubleValue))}}`;
  if (v.timestampValue !== undefined) {
    const { seconds = 0, nanos = 0 } = v.timestampValue;
    return `{"timestampValue":"${formatTimestamp(Number(seconds), nanos)}"}`;
  }
  if (v.stringValue !== undefined) return `{"stringValue":${JSON.stringify(v.stringValue)}}`;
  if (v.bytesValue !== undefined) return `{"bytesValue":"${Buffer.from(bytesOf(v)).toString('base64')}"}`;
  if (v.referenceValue !== undefined) return `{"referenceValue":${JSON.stringify(v.referenceValue)}}`;
  if (v.geoPointValue !== undefined) {
    const { latitude = 0, longitude = 0 } = v.geoPointValue;
    return `{"geoPointValue":{"latitude":${encodeDouble(latitude)},"longitude":${encodeDouble(longitude)}}}`;
  }
  if (v.arrayValue !== undefined) {
    const values = v.arrayValue.values ?? [];
    return values.length === 0
      ? '{"arrayValue":{}}'
      : `{"arrayValue":{"values":[${values.map(encodeValue).join(',')}]}}`;
  }
  if (v.mapValue !== undefined) {
    const fields = v.mapValue.fields ?? {};
    return Object.keys(fields).length === 0
      ? '{"mapValue":{}}'
      : `{"mapValue":{"fields":${encodeFields(fields)}}}`;
  }
  // nullValue, or a value with no type, which Firestore stores as null.
  return '{"nullValue":null}';
}

/** The document as one line of JSON, without the newline. */
export function encodeDocument(doc: StoredDocument): string {
  return (
    `{"name":${JSON.stringify(doc.name)},"createTime":"${formatMicros(doc.createTime)}",` +
    `"updateTime":"${formatMicros(doc.updateTime)}","fields":${encodeFields(doc.fields)}}`
  );
}

// ---------------------------------------------------------------------------------------------
// Decoding

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

/** Parses an RFC 3339 timestamp (as proto3 JSON writes them; offsets are accepted). */
export function parseTimestamp(text: unknown, what: string): { seconds: number; nanos: number } {
  const match = typeof text === 'string' ? TIMESTAMP.exec(text) : null;
  if (!match)
    throw new CodecError(
      `${what} must be an RFC 3339 timestamp such as "2024-05-01T12:00:00.123456Z", got ${JSON.stringify(text)}.`,
    );
  const [, y, mo, d, h, mi, s, fraction = '', zone] = match;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  if (
    date.getUTCFullYear() !== Number(y) ||
    date.getUTCMonth() !== Number(mo) - 1 ||
    date.getUTCDate() !== Number(d) ||
    date.getUTCHours() !== Number(h) ||
    date.getUTCMinutes() !== Number(mi) ||
    date.getUTCSeconds() !== Number(s)
  ) {
    throw new CodecError(`${what} is not a date and time that exists: ${JSON.stringify(text)}.`);
  }
  let seconds = date.getTime() / 1000;
  if (zone!.toUpperCase() !== 'Z') {
    const sign = zone!.startsWith('-') ? -1 : 1;
    seconds -= sign * (Number(zone!.slice(1, 3)) * 3600 + Number(zone!.slice(4, 6)) * 60);
  }
  return { seconds, nanos: Number(fraction.padEnd(9, '0')) };
}

/** A timestamp's microseconds since the epoch (Firestore keeps microseconds; finer digits are cut). */
export function parseMicros(text: unknown, what: string): Micros {
  const { seconds, nanos } = parseTimestamp(text, what);
  return seconds * 1_000_000 + Math.floor(nanos / 1000);
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

function decodeDouble(x: unknown, what: string): number {
  if (typeof x === 'number') return x;
  if (x === 'NaN') return NaN;
  if (x === 'Infinity') return Infinity;
  if (x === '-Infinity') return -Infinity;
  if (typeof x === 'string' && x.trim() !== '' && !Number.isNaN(Number(x))) return Number(x);
  throw new CodecError(
    `${what} must be a number or "NaN", "Infinity", "-Infinity", got ${JSON.stringify(x)}.`,
  );
}

function onlyKeys(x: Record<string, unknown>, allowed: string[], what: string): void {
  for (const key of Object.keys(x)) {
    if (!allowed.includes(key)) throw new CodecError(`${what} has an unknown field "${key}".`);
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

/** A value from its proto3 JSON; `path` names it in errors (e.g. `owner.tags[2]`). */
export function decodeValue(json: unknown, path: string, depth = 0): Value {
  const where = `field ${path}`;
  if (depth > 40) throw new CodecError(`${where} is nested too deeply.`);
  if (!isRecord(json)) throw new CodecError(`${where} must be a JSON object such as {"stringValue":"..."}.`);
  const keys = Object.keys(json);
  if (keys.length !== 1) {
    throw new CodecError(
      `${where} must have exactly one of nullValue, booleanValue, integerValue, doubleValue, timestampValue, stringValue, bytesValue, referenceValue, geoPointValue, arrayValue, mapValue; it has ${keys.length === 0 ? 'none' : keys.join(', ')}.`,
    );
  }
  const key = keys[0]!;
  const x = json[key];
  switch (key) {
    case 'nullValue':
      if (x !== null && x !== 'NULL_VALUE') throw new CodecError(`${where}: nullValue must be null.`);
      return { nullValue: 'NULL_VALUE' };
    case 'booleanValue':
      if (typeof x !== 'boolean') throw new CodecError(`${where}: booleanValue must be true or false.`);
      return { booleanValue: x };
    case 'integerValue': {
      const text = typeof x === 'number' && Number.isSafeInteger(x) ? String(x) : x;
      if (typeof text !== 'string' || !/^-?\d{1,19}$/.test(text))
        throw new CodecError(`${where}: integerValue must be a decimal string, got ${JSON.stringify(x)}.`);
      const n = BigInt(text);
      if (n < INT64_MIN || n > INT64_MAX)
        throw new CodecError(`${where}: integerValue ${text} is outside int64.`);
      return { integerValue: n.toString() };
    }
    case 'doubleValue':
      return { doubleValue: decodeDouble(x, `${where}: doubleValue`) };
    case 'timestampValue': {
      const { seconds, nanos } = parseTimestamp(x, `${where}: timestampValue`);
      return { timestampValue: { seconds: String(seconds), nanos } satisfies ProtoTimestamp };
    }
    case 'stringValue':
      if (typeof x !== 'string') throw new CodecError(`${where}: stringValue must be a string.`);
      return { stringValue: x };
    case 'bytesValue':
      if (typeof x !== 'string' || !BASE64.test(x))
        throw new CodecError(`${where}: bytesValue must be base64.`);
      return { bytesValue: Buffer.from(x, 'base64') };
    case 'referenceValue':
      if (typeof x !== 'string') throw new CodecError(`${where}: referenceValue must be a document name.`);
      return { referenceValue: x };
    case 'geoPointValue': {
      if (!isRecord(x))
        throw new CodecError(`${where}: geoPointValue must be {"latitude":..,"longitude":..}.`);
      onlyKeys(x, ['latitude', 'longitude'], `${where}: geoPointValue`);
      return {
        geoPointValue: {
          latitude: decodeDouble(x.latitude ?? 0, `${where}: latitude`),
          longitude: decodeDouble(x.longitude ?? 0, `${where}: longitude`),
        },
      };
    }
    case 'arrayValue': {
      if (!isRecord(x)) throw new CodecError(`${where}: arrayValue must be {"values":[...]}.`);
      onlyKeys(x, ['values'], `${where}: arrayValue`);
      const values = x.values ?? [];
      if (!Array.isArray(values)) throw new CodecError(`${where}: arrayValue.values must be an array.`);
      // As the wire decodes them: an empty array or map carries no `values` / `fields`.
      if (values.length === 0) return { arrayValue: {} };
      return { arrayValue: { values: values.map((e, i) => decodeValue(e, `${path}[${i}]`, depth + 1)) } };
    }
    case 'mapValue': {
      if (!isRecord(x)) throw new CodecError(`${where}: mapValue must be {"fields":{...}}.`);
      onlyKeys(x, ['fields'], `${where}: mapValue`);
      const fields = decodeFields(x.fields ?? {}, path, depth + 1);
      return Object.keys(fields).length === 0 ? { mapValue: {} } : { mapValue: { fields } };
    }
    default:
      throw new CodecError(`${where} has an unknown value type "${key}".`);
  }
}

/** `path` is the map's own field path ('' for a document's fields). */
export function decodeFields(json: unknown, path: string, depth = 0): Fields {
  if (!isRecord(json))
    throw new CodecError(`${path ? `field ${path}: ` : ''}"fields" must be a JSON object.`);
  // Object.fromEntries defines own properties, so even "__proto__" stays a (refused) field name.
  return Object.fromEntries(
    Object.entries(json).map(([name, value]) => {
      const segment = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replace(/[`\\]/g, '\\$&')}\``;
      return [name, decodeValue(value, path ? `${path}.${segment}` : segment, depth)];
    }),
  );
}

/**
 * A document from one line. Names, field names and values are checked for shape here; what a client
 * could store (reserved names, vectors, nesting, ranges) is the caller's to check with the model.
 */
export function decodeDocument(line: string): StoredDocument {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    throw new CodecError(`not valid JSON (${(error as Error).message}); is the file cut short or edited?`);
  }
  if (!isRecord(json)) throw new CodecError('a line must be a JSON object (one document).');
  onlyKeys(json, ['name', 'createTime', 'updateTime', 'fields'], 'the document');
  if (typeof json.name !== 'string' || json.name === '') throw new CodecError('the document has no "name".');
  const createTime = parseMicros(json.createTime, `"createTime" of ${json.name}`);
  const updateTime = parseMicros(json.updateTime, `"updateTime" of ${json.name}`);
  if (updateTime < createTime)
    throw new CodecError(`${json.name} was updated (updateTime) before it was created.`);
  return { name: json.name, createTime, updateTime, fields: decodeFields(json.fields ?? {}, '') };
}
