/**
 * contracts/schema/ and contracts/schema-index.json are generated from the zod contracts and
 * committed, for apps that generate their types from them; this fails while they are out of date.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { callables, documents, ErrorDetails } from '@hearth/contracts';
import { fileText, jsonSchemaFiles } from '../scripts/json-schema';

const root = join(__dirname, '..');
const FIX = 'run `npm run schema` and commit contracts/schema/ and contracts/schema-index.json';

describe('JSON Schema of the contracts', () => {
  const { schemas, index } = jsonSchemaFiles();

  it('is up to date on disk', () => {
    const dir = join(root, 'schema');
    const onDisk = existsSync(dir) ? readdirSync(dir).sort() : [];
    assert.deepEqual(onDisk, Object.keys(schemas).sort(), `contracts/schema/ holds other files: ${FIX}`);
    for (const [file, json] of Object.entries(schemas)) {
      const text = readFileSync(join(dir, file), 'utf8');
      assert.ok(text === fileText(json), `contracts/schema/${file} is out of date: ${FIX}`);
    }
    const indexFile = join(root, 'schema-index.json');
    assert.ok(
      existsSync(indexFile) && readFileSync(indexFile, 'utf8') === fileText(index),
      `contracts/schema-index.json is out of date: ${FIX}`,
    );
  });

  it('describes every callable, document and error code, each in a file of its own', () => {
    assert.deepEqual(Object.keys(index.callables), Object.keys(callables));
    assert.deepEqual(Object.keys(index.documents), Object.keys(documents));
    assert.deepEqual(Object.keys(index.errorDetails), Object.keys(ErrorDetails));
    const named = [
      ...Object.values(index.callables).flatMap((c) => [c.request, c.response]),
      ...Object.values(index.documents),
      ...Object.values(index.errorDetails),
    ];
    for (const file of named) assert.ok(schemas[file], `${file} is named in the index but not written`);
  });

  it('says what apps send and what they read', () => {
    const reserve = schemas['ReserveStockRequest.json'] as { required: string[]; properties: object };
    // Defaults make a field optional for the sender.
    assert.deepEqual(reserve.required, ['idempotencyKey', 'lines']);
    assert.ok('allowSplit' in reserve.properties);
    // A request the function refuses extra fields on says so; documents accept more fields.
    assert.equal(schemas['GetRecommendationsRequest.json']!.additionalProperties, false);
    assert.equal(schemas['ProductDoc.json']!.additionalProperties, undefined);
    // Firestore timestamps are named, so generated code can map them to the SDK's Timestamp.
    const inventory = schemas['InventoryDoc.json'] as {
      properties: Record<string, unknown>;
      $defs: Record<string, Record<string, unknown>>;
    };
    assert.deepEqual(inventory.properties.updatedAt, { $ref: '#/$defs/FirestoreTimestamp' });
    assert.equal(inventory.$defs.FirestoreTimestamp!['x-firestore-type'], 'timestamp');
    assert.deepEqual(inventory.$defs.StockStatus!.enum, [
      'in_stock',
      'low',
      'out',
      'backorder',
      'made_to_order',
    ]);
  });
});
