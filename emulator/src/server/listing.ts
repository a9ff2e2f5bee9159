/**
 * ListDocuments and ListCollectionIds: names under a parent, in Firestore's order (documents as
 * keys: numeric ids first; collection ids in UTF-8 order), a page at a time. A page token is the
 * last name (or id) of the previous page.
 */
import { invalidArgument } from '../errors';
import { compareReferences, compareUtf8 } from '../model/values';
import type { Micros, StoredDocument } from '../model/types';
import type { Database } from './backend';

export interface Page<T> {
  items: T[];
  nextPageToken: string;
}

function paginate<T>(
  sorted: T[],
  key: (item: T) => string,
  compare: (a: string, b: string) => number,
  pageToken: string | undefined,
  pageSize: number,
  tokenFits: (token: string) => boolean,
): Page<T> {
  if (pageToken && !tokenFits(pageToken)) {
    throw invalidArgument(`Invalid page token "${pageToken}": pass the nextPageToken of the previous page.`);
  }
  if (pageSize < 0) throw invalidArgument(`The page size must not be negative, got ${pageSize}.`);
  const start = pageToken ? sorted.findIndex((item) => compare(key(item), pageToken) > 0) : 0;
  if (start < 0) return { items: [], nextPageToken: '' };
  const size = pageSize > 0 ? pageSize : sorted.length;
  const items = sorted.slice(start, start + size);
  const more = start + size < sorted.length;
  return { items, nextPageToken: more ? key(items[items.length - 1]!) : '' };
}

/**
 * Documents of one collection; with `showMissing`, also the names of documents that do not exist
 * but have documents below them (returned as `{ name }` with a null document).
 */
export function listDocuments(
  db: Database,
  collection: string,
  options: { at?: Micros; showMissing: boolean; pageToken?: string; pageSize: number },
): Page<{ name: string; doc: StoredDocument | null }> {
  const found = new Map<string, StoredDocument | null>();
  for (const doc of db.store.collection(collection, options.at)) found.set(doc.name, doc);
  if (options.showMissing) {
    for (const below of db.store.collectionsBelow(collection)) {
      const name = `${collection}/${below.slice(collection.length + 1).split('/')[0]}`;
      if (!found.has(name) && db.store.hasDocuments(below, options.at)) found.set(name, null);
    }
  }
  const entries = [...found]
    .map(([name, doc]) => ({ name, doc }))
    .sort((a, b) => compareReferences(a.name, b.name));
  return paginate(
    entries,
    (e) => e.name,
    compareReferences,
    options.pageToken,
    options.pageSize,
    (token) => token.startsWith(`${collection}/`),
  );
}

/** Ids of the collections directly under `parent` that hold documents at any depth. */
export function listCollectionIds(
  db: Database,
  parent: string,
  options: { at?: Micros; pageToken?: string; pageSize: number },
): Page<string> {
  const ids = new Set<string>();
  for (const collection of db.store.collectionsBelow(parent)) {
    const id = collection.slice(parent.length + 1).split('/')[0]!;
    if (!ids.has(id) && db.store.hasDocuments(collection, options.at)) ids.add(id);
  }
  return paginate(
    [...ids].sort(compareUtf8),
    (id) => id,
    compareUtf8,
    options.pageToken,
    options.pageSize,
    (token) => !token.includes('/'),
  );
}
