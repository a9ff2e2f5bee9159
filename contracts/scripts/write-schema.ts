/**
 * `npm run schema` (or `npm run -w @hearth/contracts schema`): rewrites contracts/schema/ and
 * contracts/schema-index.json from the zod contracts. Commit the result; a test fails while it is
 * out of date.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileText, jsonSchemaFiles } from './json-schema';

const root = join(__dirname, '..');
const dir = join(root, 'schema');
mkdirSync(dir, { recursive: true });
const { schemas, index } = jsonSchemaFiles();
for (const old of readdirSync(dir)) if (!(old in schemas)) rmSync(join(dir, old));
for (const [file, json] of Object.entries(schemas)) writeFileSync(join(dir, file), fileText(json));
writeFileSync(join(root, 'schema-index.json'), fileText(index));
console.log(
  `wrote ${Object.keys(schemas).length} JSON Schema files to contracts/schema/ and contracts/schema-index.json`,
);
