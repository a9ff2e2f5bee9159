/**
 * Imports: an export directory read and checked in full before anything is loaded, so a bad,
 * missing or unknown-version export fails with the reason (file and line) and loads nothing.
 * Documents keep their create and update times; they become visible at one new commit time.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { RpcError } from '../errors.js';
import { documentSize, MAX_DOCUMENT_BYTES } from '../model/size.js';
import { storableFields } from '../model/storable.js';
import type { StoredDocument } from '../model/types.js';
import type { Backend } from '../server/backend.js';
import {
  parseDatabaseName,
  parseDocumentName,
  requireSameDatabase,
  type DatabaseRef,
} from '../server/names.js';
import { CodecError, decodeDocument, parseMicros } from './codec.js';
import {
  FORMAT,
  FORMAT_VERSION,
  MANIFEST_FILE,
  resolveDataFile,
  type ExportSummary,
  type Manifest,
  type ManifestDatabase,
} from './format.js';

export class ImportError extends Error {}

export interface LoadedExport {
  summary: ExportSummary;
  databases: Array<{ ref: DatabaseRef; documents: StoredDocument[] }>;
}

async function kindOf(path: string): Promise<'missing' | 'directory' | 'other'> {
  try {
    return (await lstat(path)).isDirectory() ? 'directory' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/** The directory to read: `requested`, or the export a crash mid-swap left in `.previous`. */
async function locate(requested: string): Promise<string> {
  const kind = await kindOf(requested);
  if (kind === 'directory') return requested;
  if (kind === 'other') {
    throw new ImportError(`${requested} is not a directory: give the directory an export wrote.`);
  }
  const previous = `${requested}.previous`;
  if ((await kindOf(`${previous}/${MANIFEST_FILE}`)) !== 'missing') return previous;
  throw new ImportError(`No export at ${requested}: the directory does not exist.`);
}

async function notAnExport(directory: string): Promise<ImportError> {
  const entries = await readdir(directory);
  if (entries.length === 0) return new ImportError(`No export at ${directory}: the directory is empty.`);
  if (entries.some((e) => e === 'firebase-export-metadata.json' || e.endsWith('.overall_export_metadata'))) {
    return new ImportError(
      `${directory} is an export of firebase-tools' emulators (the official Firestore emulator's format), which this emulator cannot read. Import it into the official emulator, or export again from this one.`,
    );
  }
  return new ImportError(`${directory} is not an emulator export: it has no ${MANIFEST_FILE}.`);
}

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

function checkEntry(directory: string, entry: unknown, i: number): ManifestDatabase & { path: string } {
  const where = `${directory}/${MANIFEST_FILE}: databases[${i}]`;
  if (!isRecord(entry)) throw new ImportError(`${where} must be an object {name, file, documents}.`);
  try {
    parseDatabaseName(entry.name);
  } catch (error) {
    throw new ImportError(`${where}: ${(error as Error).message}`);
  }
  const path = typeof entry.file === 'string' ? resolveDataFile(directory, entry.file) : undefined;
  if (path === undefined) {
    throw new ImportError(`${where}: "file" must be a relative path inside the export directory.`);
  }
  const documents = entry.documents;
  if (typeof documents !== 'number' || !Number.isSafeInteger(documents) || documents < 0) {
    throw new ImportError(`${where}: "documents" must be the number of documents in the file.`);
  }
  return { name: entry.name as string, file: entry.file as string, documents, path };
}

async function readManifest(directory: string): Promise<Manifest & { paths: string[] }> {
  const file = `${directory}/${MANIFEST_FILE}`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw await notAnExport(directory);
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ImportError(`${file} is not valid JSON (${(error as Error).message}).`);
  }
  if (!isRecord(json) || json.format !== FORMAT) {
    throw new ImportError(`${file} is not an emulator export's manifest (its "format" is not "${FORMAT}").`);
  }
  if (json.version !== FORMAT_VERSION) {
    const newer = typeof json.version === 'number' && json.version > FORMAT_VERSION;
    throw new ImportError(
      `${directory} is an export of format version ${JSON.stringify(json.version)}; this emulator reads version ${FORMAT_VERSION}` +
        (newer ? ': a newer emulator wrote it, so import it with that one.' : '.'),
    );
  }
  try {
    parseMicros(json.snapshotTime, '"snapshotTime"');
  } catch (error) {
    throw new ImportError(`${file}: ${(error as Error).message}`);
  }
  if (!Array.isArray(json.databases)) throw new ImportError(`${file}: "databases" must be a list.`);
  const entries = json.databases.map((entry, i) => checkEntry(directory, entry, i));
  for (const key of ['name', 'file'] as const) {
    const seen = new Set<string>();
    for (const entry of entries) {
      if (seen.has(entry[key])) throw new ImportError(`${file} lists ${key} "${entry[key]}" twice.`);
      seen.add(entry[key]);
    }
  }
  return {
    format: FORMAT,
    version: FORMAT_VERSION,
    snapshotTime: json.snapshotTime as string,
    databases: entries.map(({ name, file, documents }) => ({ name, file, documents })),
    paths: entries.map((e) => e.path),
  };
}

/** Checks a document as a commit would: its name, its fields, its size. */
function checkDocument(ref: DatabaseRef, doc: StoredDocument): StoredDocument {
  requireSameDatabase(ref, parseDocumentName(doc.name));
  const fields = storableFields(doc.fields, `document ${doc.name}`);
  const size = documentSize({ name: doc.name, fields });
  if (size > MAX_DOCUMENT_BYTES) {
    throw new CodecError(`${doc.name} is ${size} bytes, over Firestore's ${MAX_DOCUMENT_BYTES}.`);
  }
  return fields === doc.fields ? doc : { ...doc, fields };
}

async function readDatabaseFile(path: string, entry: ManifestDatabase): Promise<StoredDocument[]> {
  const ref = parseDatabaseName(entry.name);
  if ((await kindOf(path)) !== 'other') {
    throw new ImportError(`${path} is missing: the manifest lists it for ${entry.name}.`);
  }
  const documents: StoredDocument[] = [];
  const names = new Set<string>();
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    try {
      const doc = checkDocument(ref, decodeDocument(line));
      if (names.has(doc.name)) throw new CodecError(`${doc.name} appears twice.`);
      names.add(doc.name);
      documents.push(doc);
    } catch (error) {
      if (error instanceof CodecError || error instanceof RpcError) {
        throw new ImportError(`${path} line ${n}: ${error.message}`);
      }
      throw error;
    }
  }
  if (documents.length !== entry.documents) {
    throw new ImportError(
      `${path} holds ${documents.length} documents but the manifest says ${entry.documents}: it is cut short or was edited (if you edited it, set "documents" in ${MANIFEST_FILE} to match).`,
    );
  }
  return documents;
}

/** Reads and checks a whole export; throws ImportError saying what is wrong, and where. */
export async function readExport(target: string): Promise<LoadedExport> {
  const directory = await locate(resolve(target));
  const manifest = await readManifest(directory);
  const databases: LoadedExport['databases'] = [];
  for (const [i, entry] of manifest.databases.entries()) {
    const documents = await readDatabaseFile(manifest.paths[i]!, entry);
    databases.push({ ref: parseDatabaseName(entry.name), documents });
  }
  return {
    summary: {
      directory,
      snapshotTime: manifest.snapshotTime,
      databases: manifest.databases,
      documents: databases.reduce((sum, db) => sum + db.documents.length, 0),
    },
    databases,
  };
}

/**
 * Stores what readExport read, at one commit time after every time in it (so later commits stay
 * later than the imported update times).
 */
export function loadExport(backend: Backend, loaded: LoadedExport): void {
  let latest = 0;
  for (const db of loaded.databases) {
    for (const doc of db.documents) latest = Math.max(latest, doc.updateTime);
  }
  backend.clock.observe(latest);
  const time = backend.clock.next();
  for (const { ref, documents } of loaded.databases) {
    const db = backend.database(ref);
    const changes = db.store.apply(new Map(documents.map((doc) => [doc.name, doc])), time);
    db.watch.onCommit(changes, time);
  }
}
