import type { Fields, Value } from './types';
import { bytesOf } from './values';

/** Firestore's maximum document size, measured by documentSize. */
export const MAX_DOCUMENT_BYTES = 1_048_576;

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * Size of a document name as Firestore's storage-size rules count it: each collection and document
 * id segment after `documents/` as a string (UTF-8 bytes + 1), plus 16.
 */
export function documentNameSize(name: string): number {
  const at = name.indexOf('/documents/');
  const path = at === -1 ? name : name.slice(at + '/documents/'.length);
  let size = 16;
  for (const segment of path.split('/')) size += utf8(segment) + 1;
  return size;
}

export function valueSize(v: Value): number {
  if (v.stringValue !== undefined) return utf8(v.stringValue) + 1;
  if (v.integerValue !== undefined || v.doubleValue !== undefined || v.timestampValue !== undefined) return 8;
  if (v.booleanValue !== undefined || v.nullValue !== undefined) return 1;
  if (v.bytesValue !== undefined) return bytesOf(v).length;
  if (v.referenceValue !== undefined) return documentNameSize(v.referenceValue);
  if (v.geoPointValue !== undefined) return 16;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).reduce((n, e) => n + valueSize(e), 0);
  if (v.mapValue !== undefined) return fieldsSize(v.mapValue.fields ?? {});
  return 1;
}

function fieldsSize(fields: Fields): number {
  let size = 0;
  for (const key of Object.keys(fields)) size += utf8(key) + 1 + valueSize(fields[key]!);
  return size;
}

/** Storage size of a document: name size, each field name and value, plus 32 bytes. */
export function documentSize(doc: { name: string; fields: Fields }): number {
  return documentNameSize(doc.name) + fieldsSize(doc.fields) + 32;
}
