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
    rejectUnknownFields(type, json as Record<string, unknown>, '');
    message = fromProto3JSON(type, json as JSONValue);
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
  '.google.protobuf.Timestamp',
  '.google.protobuf.Duration',
  '.google.protobuf.FieldMask',
  '.google.protobuf.Int32Value',
  '.google.protobuf.Int64Value',
  '.google.protobuf.UInt32Value',
  '.google.protobuf.UInt64Value',
  '.google.protobuf.DoubleValue',
  '.google.protobuf.FloatValue',
  '.google.protobuf.BoolValue',
  '.google.protobuf.StringValue',
  '.google.protobuf.BytesValue',
]);

/**
 * Production refuses a field it does not know ("Unknown name ... Cannot find field"); silently
 * dropping it would hide a typo such as `updateMaks` and write the whole document instead.
 */
function rejectUnknownFields(type: protobuf.Type, json: Record<string, unknown>, at: string): void {
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key] ?? type.fields[camel(key)];
    if (!field) {
      throw invalidArgument(
        `Invalid JSON payload received. Unknown name "${key}"${at ? ` at '${at}'` : ''}: Cannot find field.`,
      );
    }
    const nested = field.resolve().resolvedType;
    if (!nested || !('fields' in nested) || OPAQUE.has(nested.fullName) || value === null) continue;
    const path = at ? `${at}.${key}` : key;
    const items = field.map
      ? Object.values(value as object)
      : field.repeated
        ? (value as unknown[])
        : [value];
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      if (item && typeof item === 'object' && !Array.isArray(item)) {
        rejectUnknownFields(nested as protobuf.Type, item as Record<string, unknown>, path);
      }
    }
  }
}

export function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}
