/**
 * proto3 JSON (what the REST API and WebChannel carry) to and from the objects the gRPC handlers
 * see. A request goes JSON -> protobufjs message (Google's proto3-json-serializer, which google-gax
 * uses for its own REST transport) -> `toObject` with the options grpc's loader decodes with, so a
 * handler cannot tell which transport brought it. A response goes the way grpc encodes it
 * (`fromObject`) and then to proto3 JSON.
 */
import { fromProto3JSON, toProto3JSON, type JSONValue } from 'proto3-json-serializer';
import type * as protobuf from 'protobufjs';
import { invalidArgument } from '../errors';
import { PROTO_OPTIONS } from '../protos';

const DECODE_OPTIONS: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  defaults: PROTO_OPTIONS.defaults,
  oneofs: PROTO_OPTIONS.oneofs,
};

export function decodeJson(type: protobuf.Type, json: unknown): any {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw invalidArgument(`Invalid JSON payload: expected an object for ${type.name}.`);
  }
  let message: protobuf.Message | null;
  try {
    const checked = checkMessage(type, json as Record<string, unknown>, '');
    message = fromProto3JSON(type, checked as JSONValue);
  } catch (error) {
    if (error instanceof Error && error.name === 'RpcError') throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw invalidArgument(`Invalid JSON payload for ${type.name}: ${detail}`);
  }
  if (!message) throw invalidArgument(`Invalid JSON payload: expected an object for ${type.name}.`);
  return type.toObject(message, DECODE_OPTIONS);
}

export function encodeJson(
  type: protobuf.Type,
  object: unknown,
  options: { numericEnums?: boolean } = {},
): JSONValue {
  const message = type.fromObject((object ?? {}) as Record<string, unknown>);
  return toProto3JSON(message, { numericEnums: options.numericEnums ?? false });
}

/** Types whose JSON form is not an object of their fields (proto3 JSON's well-known types). */
const OPAQUE = new Set([
  '.google.protobuf.Any',
  '.google.protobuf.Value',
  '.google.protobuf.Struct',
  '.google.protobuf.ListValue',
]);

/** The scalar each wrapper type's JSON form is. */
const WRAPPED: Record<string, string> = {
  '.google.protobuf.Int32Value': 'int32',
  '.google.protobuf.Int64Value': 'int64',
  '.google.protobuf.UInt32Value': 'uint32',
  '.google.protobuf.UInt64Value': 'uint64',
  '.google.protobuf.DoubleValue': 'double',
  '.google.protobuf.FloatValue': 'float',
  '.google.protobuf.BoolValue': 'bool',
  '.google.protobuf.StringValue': 'string',
  '.google.protobuf.BytesValue': 'bytes',
};

const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

/** Whether `value` is the proto3 JSON form of a scalar of type `kind`. */
function isScalar(kind: string, value: unknown): boolean {
  const range = INTEGER_RANGES[kind];
  if (range) {
    const integral =
      (typeof value === 'number' && Number.isInteger(value)) ||
      (typeof value === 'string' && /^-?\d+$/.test(value));
    if (!integral) return false;
    const n = BigInt(value as number | string);
    return n >= range[0] && n <= range[1];
  }
  switch (kind) {
    case 'double':
    case 'float':
      return (
        typeof value === 'number' ||
        (typeof value === 'string' &&
          (/^(NaN|-?Infinity)$/.test(value) || /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)))
      );
    case 'bool':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'bytes':
      // Standard or URL-safe base64, padded or not.
      return (
        typeof value === 'string' &&
        /^[A-Za-z0-9+/_-]*={0,2}$/.test(value) &&
        value.replace(/=+$/, '').length % 4 !== 1
      );
    default:
      return false;
  }
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 timestamp in UTC with its fraction kept, the one form proto3-json-serializer reads
 * right (it drops a fraction's digits before an offset and turns an impossible date into 1970);
 * null when `text` is no timestamp or lies outside 0001-01-01..9999-12-31.
 */
function utcTimestamp(text: string): string | null {
  const match = RFC3339.exec(text);
  if (!match) return null;
  const [year, month, day, hours, minutes, seconds] = match.slice(1, 7).map(Number) as number[];
  const date = new Date(0);
  date.setUTCFullYear(year!, month! - 1, day!);
  date.setUTCHours(hours!, minutes!, seconds!, 0);
  const exact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month! - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hours &&
    date.getUTCMinutes() === minutes &&
    date.getUTCSeconds() === seconds;
  if (!exact) return null;
  const zone = match[8]!;
  if (!/^[Zz]$/.test(zone)) {
    const [offsetHours, offsetMinutes] = zone.slice(1).split(':').map(Number) as [number, number];
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    const sign = zone.startsWith('-') ? -1 : 1;
    date.setTime(date.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
  }
  if (date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) return null;
  return `${date.toISOString().slice(0, 19)}${match[7] ?? ''}Z`;
}

function invalidValue(at: string, typeName: string, value: unknown): never {
  const shown = JSON.stringify(value) ?? String(value);
  throw invalidArgument(
    `Invalid JSON payload received. Invalid value at '${at}' (${typeName}), ${shown.length > 100 ? `${shown.slice(0, 100)}...` : shown}`,
  );
}

/**
 * Checks one value of `field` and returns it as proto3-json-serializer should see it. The
 * serializer trusts its input (it stores "abc" as integer 0, limit "x" as 0, "!!" as empty bytes),
 * so every scalar is checked here, as production's JSON parser does.
 */
function checkValue(field: protobuf.Field, value: unknown, at: string): unknown {
  const resolved = field.resolvedType;
  if (resolved && !('fields' in resolved)) {
    const enumType = resolved as protobuf.Enum;
    if (enumType.fullName === '.google.protobuf.NullValue') {
      if (value === null || value === 'NULL_VALUE' || value === 0) return value;
    } else if (
      (typeof value === 'string' && Object.hasOwn(enumType.values, value)) ||
      (typeof value === 'number' && Number.isInteger(value))
    ) {
      return value;
    }
    return invalidValue(at, `type.googleapis.com/${enumType.fullName.slice(1)}`, value);
  }
  if (!resolved) {
    if (!isScalar(field.type, value)) invalidValue(at, `TYPE_${field.type.toUpperCase()}`, value);
    return value;
  }
  const type = resolved as protobuf.Type;
  const typeName = `type.googleapis.com/${type.fullName.slice(1)}`;
  const wrapped = WRAPPED[type.fullName];
  if (wrapped) {
    if (!isScalar(wrapped, value)) invalidValue(at, typeName, value);
    return value;
  }
  switch (type.fullName) {
    case '.google.protobuf.Timestamp': {
      const utc = typeof value === 'string' ? utcTimestamp(value) : null;
      return utc ?? invalidValue(at, typeName, value);
    }
    case '.google.protobuf.Duration':
      if (typeof value !== 'string' || !/^-?\d+(\.\d{1,9})?s$/.test(value)) invalidValue(at, typeName, value);
      return value;
    case '.google.protobuf.FieldMask':
      if (typeof value !== 'string') invalidValue(at, typeName, value);
      return value;
  }
  if (OPAQUE.has(type.fullName)) return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return invalidValue(at, typeName, value);
  }
  return checkMessage(type, value as Record<string, unknown>, at);
}

/**
 * Production refuses a field it does not know ("Unknown name ... Cannot find field"); silently
 * dropping it would hide a typo such as `updateMaks` and write the whole document instead. It
 * also refuses a value of the wrong type, and two members of one oneof. Returns the message with
 * its values as checkValue leaves them.
 */
function checkMessage(
  type: protobuf.Type,
  json: Record<string, unknown>,
  at: string,
): Record<string, unknown> {
  const checked: Record<string, unknown> = {};
  const oneofsSet = new Map<protobuf.OneOf, string>();
  for (const [key, value] of Object.entries(json)) {
    const name = Object.hasOwn(type.fields, key) ? key : camel(key);
    const field = Object.hasOwn(type.fields, name) ? type.fields[name] : undefined;
    if (!field) {
      throw invalidArgument(
        `Invalid JSON payload received. Unknown name "${key}"${at ? ` at '${at}'` : ''}: Cannot find field.`,
      );
    }
    field.resolve();
    const path = at ? `${at}.${key}` : key;
    // proto3 JSON takes the proto name (`update_mask`) as well as the JSON one (`updateMask`);
    // the serializer knows only the latter, and would drop the field without a word.
    if (Object.hasOwn(checked, field.name)) {
      throw invalidArgument(
        `Invalid JSON payload received. Field "${field.name}"${at ? ` at '${at}'` : ''} is given twice.`,
      );
    }
    const isNullValue = field.resolvedType?.fullName === '.google.protobuf.NullValue';
    if (field.partOf && (value !== null || isNullValue)) {
      const other = oneofsSet.get(field.partOf);
      if (other !== undefined) {
        throw invalidArgument(
          `Invalid JSON payload received. Oneof field '${field.partOf.name}'${at ? ` at '${at}'` : ''} is already set by "${other}". Cannot set "${key}".`,
        );
      }
      oneofsSet.set(field.partOf, key);
    }
    // null is any field's default value in proto3 JSON (and nullValue's only one).
    if (value === null && !isNullValue) {
      checked[field.name] = value;
    } else if (field.map) {
      if (typeof value !== 'object' || Array.isArray(value)) invalidValue(path, 'map', value);
      checked[field.name] = Object.fromEntries(
        Object.entries(value as object).map(([k, v]) => [k, checkValue(field, v, `${path}.${k}`)]),
      );
    } else if (field.repeated) {
      if (!Array.isArray(value)) invalidValue(path, 'list', value);
      checked[field.name] = (value as unknown[]).map((item, i) => checkValue(field, item, `${path}[${i}]`));
    } else {
      checked[field.name] = checkValue(field, value, path);
    }
  }
  return checked;
}

export function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}
