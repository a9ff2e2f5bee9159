/**
 * The export format (version 1), as emulator/README.md documents it:
 *
 *   DIR/manifest.json                       format, version, snapshot time, one entry per database
 *   DIR/{project}/{database}.jsonl          one document per line (codec.ts), sorted by name
 *
 * Every document of every file is as of the one snapshot time. Names in paths are the ids, with
 * anything outside [A-Za-z0-9._()-] (and a leading dot) percent-encoded.
 */
import { isAbsolute, join, normalize, sep } from 'node:path';
import type { DatabaseRef } from '../server/names.js';

export const FORMAT = 'hearth-firestore-export';
export const FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

export interface ManifestDatabase {
  /** `projects/{p}/databases/{d}` */
  name: string;
  /** Path of its documents file, relative to the export directory, `/`-separated. */
  file: string;
  /** How many lines (documents) the file holds. */
  documents: number;
}

export interface Manifest {
  format: typeof FORMAT;
  version: typeof FORMAT_VERSION;
  /** RFC 3339, microseconds: every document is as of this instant. */
  snapshotTime: string;
  databases: ManifestDatabase[];
}

/** What an export or import did, for the caller to report. */
export interface ExportSummary {
  directory: string;
  snapshotTime: string;
  databases: ManifestDatabase[];
  documents: number;
}

const safeSegment = (id: string) =>
  id.replace(/[^A-Za-z0-9._()-]|^\./g, (c) =>
    [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );

export function databaseFile(ref: DatabaseRef): string {
  return `${safeSegment(ref.projectId)}/${safeSegment(ref.databaseId)}.jsonl`;
}

/** The absolute path of a manifest's `file`, refusing any that would leave the export directory. */
export function resolveDataFile(directory: string, file: string): string | undefined {
  if (file === '' || isAbsolute(file) || file.includes('\\')) return undefined;
  const path = normalize(join(directory, ...file.split('/')));
  return path.startsWith(directory + sep) ? path : undefined;
}
