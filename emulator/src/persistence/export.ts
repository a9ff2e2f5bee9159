/**
 * Exports: every document of the chosen databases as of one read time, written so that a failure
 * at any point leaves the previous export at the destination as it was.
 *
 * The snapshot is one MVCC read: a read time from the commit clock, and each document as of that
 * time, gathered synchronously (commits apply synchronously too, so none is half seen). Writing
 * then happens in a temporary directory beside the destination (same filesystem), each file
 * fsynced, and is swapped in by renames: destination -> `DIR.previous`, temporary -> destination,
 * then `DIR.previous` is removed. A crash between the two renames leaves the last good export
 * in `DIR.previous`, which import falls back to.
 *
 * The destination must be new, empty, or an earlier export: anything else (a file, a folder of
 * other things) is refused rather than replaced.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Micros, StoredDocument } from '../model/types.js';
import { compareReferences } from '../model/values.js';
import type { Backend } from '../server/backend.js';
import type { DatabaseRef } from '../server/names.js';
import { encodeDocument, formatMicros } from './codec.js';
import {
  databaseFile,
  FORMAT,
  FORMAT_VERSION,
  MANIFEST_FILE,
  type ExportSummary,
  type Manifest,
} from './format.js';

export class ExportError extends Error {}

export interface Snapshot {
  readTime: Micros;
  databases: Array<{ ref: DatabaseRef; documents: StoredDocument[] }>;
}

/** Every existing document of the databases `include` accepts, as of one read time, sorted. */
export function takeSnapshot(
  backend: Backend,
  include: (ref: DatabaseRef) => boolean = () => true,
): Snapshot {
  const readTime = backend.clock.next();
  const databases: Snapshot['databases'] = [];
  for (const db of backend.allDatabases()) {
    if (!include(db.ref)) continue;
    const documents: StoredDocument[] = [];
    for (const collection of db.store.collectionsBelow(`${db.ref.name}/documents`)) {
      for (const doc of db.store.collection(collection, readTime)) documents.push(doc);
    }
    if (documents.length > 0) databases.push({ ref: db.ref, documents });
  }
  // Sorting can wait until after the read: the documents are immutable versions.
  for (const db of databases) db.documents.sort((a, b) => compareReferences(a.name, b.name));
  databases.sort((a, b) => compareReferences(a.ref.name, b.ref.name));
  return { readTime, databases };
}

const previousOf = (directory: string) => `${directory}.previous`;

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Refuses a destination that is not new, empty, or an earlier export. */
async function checkReplaceable(directory: string): Promise<void> {
  let stat;
  try {
    stat = await lstat(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const refuse = (what: string) =>
    new ExportError(
      `${directory} ${what}; an export replaces only an earlier export or an empty directory. Choose a new directory, or move this one away.`,
    );
  if (stat.isSymbolicLink()) throw refuse('is a symbolic link');
  if (!stat.isDirectory()) throw refuse('exists and is not a directory');
  if ((await readdir(directory)).length === 0) return;
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(join(directory, MANIFEST_FILE), 'utf8'));
  } catch {
    throw refuse(`holds files and no readable ${MANIFEST_FILE}, so it is not an emulator export`);
  }
  if ((manifest as { format?: unknown } | null)?.format !== FORMAT) {
    throw refuse(`has a ${MANIFEST_FILE} that is not an emulator export's`);
  }
}

async function writeAll(handle: import('node:fs/promises').FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text);
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/** Writes lines to a new file in chunks of about 1 MiB, then fsyncs it. */
async function writeFileDurably(path: string, lines: Iterable<string>): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    let chunk: string[] = [];
    let size = 0;
    for (const line of lines) {
      chunk.push(line, '\n');
      size += line.length + 1;
      if (size >= 1 << 20) {
        await writeAll(handle, chunk.join(''));
        chunk = [];
        size = 0;
      }
    }
    if (chunk.length > 0) await writeAll(handle, chunk.join(''));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a directory's entries (new files, renames) durable; not every platform can. */
async function syncDirectory(path: string): Promise<void> {
  try {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot fsync a directory; the renames are still atomic there.
  }
}

/** Temporary directories of exports whose process is gone (killed mid-export). */
async function removeAbandoned(parent: string, prefix: string): Promise<void> {
  for (const entry of await readdir(parent).catch(() => [] as string[])) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(entry.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH')
        await rm(join(parent, entry), { recursive: true, force: true });
    }
  }
}

function* documentLines(documents: StoredDocument[]): Iterable<string> {
  for (const doc of documents) yield encodeDocument(doc);
}

async function writeInto(temporary: string, snapshot: Snapshot): Promise<Manifest> {
  const manifest: Manifest = {
    format: FORMAT,
    version: FORMAT_VERSION,
    snapshotTime: formatMicros(snapshot.readTime),
    databases: [],
  };
  const directories = new Set<string>([temporary]);
  for (const { ref, documents } of snapshot.databases) {
    const file = databaseFile(ref);
    const path = join(temporary, ...file.split('/'));
    await mkdir(dirname(path), { recursive: true });
    directories.add(dirname(path));
    await writeFileDurably(path, documentLines(documents));
    manifest.databases.push({ name: ref.name, file, documents: documents.length });
  }
  await writeFileDurably(join(temporary, MANIFEST_FILE), [JSON.stringify(manifest, null, 2)]);
  for (const directory of directories) await syncDirectory(directory);
  return manifest;
}

/** Moves the finished temporary directory to `directory`, keeping the old export until it is there. */
async function swapIn(temporary: string, directory: string): Promise<void> {
  const previous = previousOf(directory);
  if (await exists(directory)) {
    // A `.previous` beside an existing export is a leftover: the export itself is the good one.
    await rm(previous, { recursive: true, force: true });
    await rename(directory, previous);
  }
  await rename(temporary, directory);
  await syncDirectory(dirname(directory));
  await rm(previous, { recursive: true, force: true });
}

let queue: Promise<unknown> = Promise.resolve();

/** Writes a snapshot to `target` (created if needed), replacing an earlier export there. */
export function writeExport(target: string, snapshot: Snapshot): Promise<ExportSummary> {
  const run = async (): Promise<ExportSummary> => {
    const directory = resolve(target);
    const parent = dirname(directory);
    const prefix = `.${basename(directory)}.tmp-`;
    let temporary: string | undefined;
    try {
      await checkReplaceable(directory);
      await mkdir(parent, { recursive: true });
      await removeAbandoned(parent, prefix);
      // mkdir rather than mkdtemp, so the export gets the usual permissions (the umask's), not 0700.
      temporary = join(parent, `${prefix}${process.pid}-${randomBytes(6).toString('hex')}`);
      await mkdir(temporary);
      const manifest = await writeInto(temporary, snapshot);
      await swapIn(temporary, directory);
      temporary = undefined;
      return {
        directory,
        snapshotTime: manifest.snapshotTime,
        databases: manifest.databases,
        documents: manifest.databases.reduce((n, db) => n + db.documents, 0),
      };
    } catch (error) {
      if (error instanceof ExportError) throw error;
      const previous = (await exists(join(directory, MANIFEST_FILE)).catch(() => false))
        ? '; the previous export there is untouched'
        : '';
      throw new ExportError(`Export to ${directory} failed: ${(error as Error).message}${previous}.`);
    } finally {
      if (temporary) await rm(temporary, { recursive: true, force: true }).catch(() => undefined);
    }
  };
  // One export at a time, so two into the same directory cannot interleave their renames.
  const result = queue.then(run);
  queue = result.catch(() => undefined);
  return result;
}
