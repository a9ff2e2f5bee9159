/**
 * The shapes the emulator works on internally. Values and queries are the proto messages of
 * google.firestore.v1 as protos.ts decodes them (PROTO_OPTIONS, as @grpc/proto-loader would) with
 * { keepCase: false, longs: String, enums: String, defaults: false, oneofs: true }:
 * camelCase fields, int64 as decimal strings, enums as their names, and each oneof also named
 * by a virtual property (e.g. `valueType: 'integerValue'`). Builders of values may omit that
 * virtual property; readers must not rely on it and look at which field is set instead.
 */

/** Microseconds since the Unix epoch. Firestore versions documents with microsecond precision. */
export type Micros = number;

export interface ProtoTimestamp {
  seconds?: string | number;
  nanos?: number;
}

export interface LatLng {
  latitude?: number;
  longitude?: number;
}

export interface Value {
  nullValue?: 'NULL_VALUE' | 0 | null;
  booleanValue?: boolean;
  integerValue?: string | number;
  doubleValue?: number;
  timestampValue?: ProtoTimestamp;
  stringValue?: string;
  bytesValue?: Uint8Array;
  referenceValue?: string;
  geoPointValue?: LatLng;
  arrayValue?: ArrayValue;
  mapValue?: MapValue;
  valueType?: string;
}

export interface ArrayValue {
  values?: Value[];
}

export interface MapValue {
  fields?: Record<string, Value>;
}

export type Fields = Record<string, Value>;

/** A committed document version as the store keeps it. `name` is the full resource name. */
export interface StoredDocument {
  name: string;
  fields: Fields;
  createTime: Micros;
  updateTime: Micros;
}

/** google.firestore.v1.StructuredQuery, as decoded (see header). Kept loose on purpose. */
export type StructuredQuery = Record<string, any>;
/** google.firestore.v1.Write, as decoded. */
export type Write = Record<string, any>;
