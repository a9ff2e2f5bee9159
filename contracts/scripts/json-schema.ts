/**
 * JSON Schema (draft 2020-12, by zod's own `z.toJSONSchema`) of every callable's request and
 * answer, every document and every error's details: one self-contained file per schema in
 * contracts/schema/, named after it, and contracts/schema-index.json, which says which file is which
 * callable's, path's or error code's.
 *
 * - Requests are described as apps send them (`io: 'input'`: fields with a default are optional),
 *   answers and documents as they are read (`io: 'output'`).
 * - Named parts (enums and objects exported by the contracts, such as `ReservationStatus` or
 *   `Address`) go to `$defs` under their names, so generated code gets the same names.
 * - Firestore timestamps in documents are `FirestoreTimestamp` objects (`seconds`, `nanoseconds`,
 *   marked `"x-firestore-type": "timestamp"`): map them to your SDK's Timestamp. Callables answer
 *   with ISO 8601 strings instead.
 * - Objects accept fields they do not list (documents grow: products carry their embeddings), except
 *   requests the functions refuse extra fields on, which say `additionalProperties: false`.
 * - Checks that JSON Schema cannot say (a cart naming a SKU twice, from != to) are in the zod
 *   schemas only; the functions answer `invalid-argument` for them like for any other.
 */
import { z } from 'zod';
import * as contracts from '../src/index';
import { callables, documents, ErrorDetails, FirestoreTime } from '../src/index';

type Io = 'input' | 'output';
type JsonSchema = Record<string, unknown>;

const TIMESTAMP: JsonSchema = {
  type: 'object',
  description: 'A Firestore timestamp (your SDK reads it as its Timestamp type).',
  'x-firestore-type': 'timestamp',
  properties: {
    seconds: { type: 'integer' },
    nanoseconds: { type: 'integer', minimum: 0, maximum: 999_999_999 },
  },
  required: ['seconds', 'nanoseconds'],
};

/** Every zod schema the contracts export, by name. */
function exportedSchemas(): Map<z.ZodType, string> {
  const names = new Map<z.ZodType, string>();
  for (const [name, value] of Object.entries(contracts)) {
    if (value instanceof z.ZodType && !names.has(value)) names.set(value, name);
  }
  names.set(FirestoreTime, 'FirestoreTimestamp');
  return names;
}

const NAMED_KINDS = new Set(['object', 'enum']);
const isStrictObject = (s: z.core.$ZodType) => {
  const def = s._zod.def as { type: string; catchall?: z.core.$ZodType };
  return def.type === 'object' && def.catchall?._zod.def.type === 'never';
};

function toSchema(
  schema: z.ZodType,
  name: string,
  io: Io,
  names: Map<z.ZodType, string>,
  description: string,
) {
  // Named parts become $defs; the schema itself is the root of its file.
  const metadata = z.registry<{ id: string }>();
  for (const [part, id] of names) {
    if (part !== schema && (NAMED_KINDS.has(part._zod.def.type) || part === FirestoreTime))
      metadata.add(part, { id });
  }
  const json = z.toJSONSchema(schema, {
    io,
    metadata,
    unrepresentable: (ctx) => (ctx.zodSchema === FirestoreTime ? { ...TIMESTAMP } : 'throw'),
    override: (ctx) => {
      const s = ctx.jsonSchema as JsonSchema;
      if (s.additionalProperties === false && !isStrictObject(ctx.zodSchema)) delete s.additionalProperties;
    },
  }) as JsonSchema;
  // Generators name a type by its title (quicktype does), so each named part carries its name.
  if (json.$defs) {
    const defs = Object.entries(json.$defs as Record<string, JsonSchema>);
    json.$defs = Object.fromEntries(defs.map(([id, def]) => [id, { title: id, ...def }]));
  }
  const { $schema, ...rest } = json;
  return { $schema, title: name, description, ...rest };
}

export interface SchemaIndex {
  description: string;
  callables: Record<string, { access: string; request: string; response: string }>;
  documents: Record<string, string>;
  errorDetails: Record<string, string>;
}

/**
 * Every schema file (name in contracts/schema/ → its JSON), and the index of which callable, path
 * or error code each one describes (contracts/schema-index.json).
 */
export function jsonSchemaFiles(): { schemas: Record<string, JsonSchema>; index: SchemaIndex } {
  const names = exportedSchemas();
  const uses = new Map<string, { schema: z.ZodType; name: string; io: Io; what: string[] }>();
  const use = (schema: z.ZodType, io: Io, what: string): string => {
    const name = names.get(schema);
    if (!name) throw new Error(`a contract schema is not exported by name (${what})`);
    const file = `${name}.json`;
    const seen = uses.get(file) ?? { schema, name, io, what: [] };
    if (seen.io !== io) throw new Error(`${name} is used both as a request and as an answer or document`);
    seen.what.push(what);
    uses.set(file, seen);
    return file;
  };

  const index: SchemaIndex = {
    description:
      'Which file of schema/ describes what: the request and answer of each callable, each document by path, the details of each error code.',
    callables: {},
    documents: {},
    errorDetails: {},
  };
  for (const [callable, c] of Object.entries(callables)) {
    index.callables[callable] = {
      access: c.access,
      request: use(c.request, 'input', `the request of the ${callable} callable, as an app sends it`),
      response: use(c.response, 'output', `the answer of the ${callable} callable`),
    };
  }
  for (const [path, schema] of Object.entries(documents))
    index.documents[path] = use(schema, 'output', `the Firestore document at ${path}`);
  for (const [code, schema] of Object.entries(ErrorDetails))
    index.errorDetails[code] = use(schema, 'output', `the details of a callable's ${code} error`);

  const schemas: Record<string, JsonSchema> = {};
  for (const [file, u] of [...uses].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const description = u.what.join('; ');
    schemas[file] = toSchema(
      u.schema,
      u.name,
      u.io,
      names,
      description[0]!.toUpperCase() + description.slice(1) + '.',
    );
  }
  return { schemas, index };
}

/** What a file holds, as written: two-space JSON and a final newline. */
export const fileText = (json: unknown) => `${JSON.stringify(json, null, 2)}\n`;
