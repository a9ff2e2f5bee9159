/**
 * Resource names of google.firestore.v1: `projects/{p}/databases/{d}` for a database and
 * `projects/{p}/databases/{d}/documents/{collection}/{id}/...` for documents and query parents.
 * Every name that enters the emulator is checked here, so the rest can trust its shape.
 */
import { invalidArgument } from '../errors';
import { numericIdOf } from '../model/document-id';

export interface DatabaseRef {
  projectId: string;
  databaseId: string;
  /** `projects/{p}/databases/{d}`: the key that isolates one database from every other. */
  name: string;
}

/** A path inside a database: `segments` alternate collection id and document id. */
export interface ResourcePath {
  db: DatabaseRef;
  segments: string[];
  /** The full resource name (`.../documents` for the root). */
  name: string;
}

const MAX_ID_BYTES = 1500;
/** Named databases, as Firestore allows them to be created. */
const DATABASE_ID = /^[a-z][a-z0-9-]{2,61}[a-z0-9]$/;

export function parseDatabaseName(name: unknown): DatabaseRef {
  if (typeof name !== 'string' || name === '') throw invalidArgument('The database name is required.');
  const parts = name.split('/');
  if (parts.length !== 4 || parts[0] !== 'projects' || parts[2] !== 'databases' || !parts[1] || !parts[3]) {
    throw invalidArgument(
      `Invalid database name "${name}": expected projects/{project_id}/databases/{database_id}.`,
    );
  }
  if (parts[3] !== '(default)' && !DATABASE_ID.test(parts[3])) {
    throw invalidArgument(
      `Invalid database id "${parts[3]}": use "(default)" or 4 to 63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen.`,
    );
  }
  return { projectId: parts[1], databaseId: parts[3], name };
}

function parsePath(name: unknown, what: string): ResourcePath {
  if (typeof name !== 'string' || name === '') throw invalidArgument(`The ${what} name is required.`);
  const parts = name.split('/');
  if (parts.length < 5 || parts[4] !== 'documents') {
    throw invalidArgument(
      `Invalid ${what} name "${name}": expected projects/{project_id}/databases/{database_id}/documents/...`,
    );
  }
  const db = parseDatabaseName(parts.slice(0, 4).join('/'));
  const segments = parts.slice(5);
  segments.forEach((id, i) => checkId(id, name, i % 2 === 1));
  return { db, segments, name };
}

/** `isDocumentId`: the segment names a document, which may be a numeric id (`__id<n>__`). */
function checkId(id: string, name: string, isDocumentId: boolean): void {
  if (id === '') throw invalidArgument(`Invalid resource name "${name}": it has an empty segment.`);
  if (id === '.' || id === '..')
    throw invalidArgument(`Invalid resource name "${name}": "${id}" is not a valid id.`);
  if (/^__.*__$/.test(id) && !(isDocumentId && numericIdOf(id) !== undefined)) {
    throw invalidArgument(`Invalid resource name "${name}": ids matching __.*__ are reserved ("${id}").`);
  }
  if (Buffer.byteLength(id) > MAX_ID_BYTES) {
    throw invalidArgument(`Invalid resource name "${name}": an id is longer than ${MAX_ID_BYTES} bytes.`);
  }
}

export function parseDocumentName(name: unknown): ResourcePath {
  const path = parsePath(name, 'document');
  if (path.segments.length === 0 || path.segments.length % 2 !== 0) {
    throw invalidArgument(
      `"${String(name)}" is not a document name: it must end in {collection_id}/{document_id}.`,
    );
  }
  return path;
}

/** A query or list parent: the database root or a document. */
export function parseParentName(name: unknown): ResourcePath {
  const path = parsePath(name, 'parent');
  if (path.segments.length % 2 !== 0) {
    throw invalidArgument(
      `"${String(name)}" is not a valid parent: it must be the documents root or a document.`,
    );
  }
  return path;
}

/** Throws unless every name belongs to `db` (Firestore rejects cross-database requests). */
export function requireSameDatabase(db: DatabaseRef, path: ResourcePath): void {
  if (path.db.name !== db.name) {
    throw invalidArgument(`"${path.name}" does not belong to database "${db.name}".`);
  }
}

/** `projects/p/databases/d/documents/a/1` -> `projects/p/databases/d/documents/a` */
export function collectionOf(documentName: string): string {
  return documentName.slice(0, documentName.lastIndexOf('/'));
}

export function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
