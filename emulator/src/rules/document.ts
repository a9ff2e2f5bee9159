import type { Fields, StoredDocument, Value } from '../model/types';
import { int, list, map, NULL, str, type RVal } from './values';

/**
 * `projects/p/databases/d/documents/a/b` -> the rules path `/databases/d/documents/a/b` as segments.
 * Rules paths leave the project out.
 */
export function rulesPathOf(resourceName: string): string[] {
  const segments = resourceName.split('/');
  const i = segments.indexOf('databases');
  return i < 0 ? segments : segments.slice(i);
}

export function resourceNameOf(projectId: string, segments: string[]): string {
  return ['projects', projectId, ...segments].join('/');
}

/** A stored Firestore value as the rules language sees it. */
export function fromProto(v: Value): RVal {
  if (v.nullValue !== undefined) return NULL;
  if (v.booleanValue !== undefined) return { t: 'bool', v: v.booleanValue };
  if (v.integerValue !== undefined) return int(BigInt(v.integerValue));
  if (v.doubleValue !== undefined) return { t: 'float', v: Number(v.doubleValue) };
  if (v.stringValue !== undefined) return { t: 'string', v: v.stringValue };
  if (v.timestampValue !== undefined) {
    const t = v.timestampValue;
    return { t: 'timestamp', nanos: BigInt(t.seconds ?? 0) * 1_000_000_000n + BigInt(t.nanos ?? 0) };
  }
  if (v.bytesValue !== undefined) {
    const b = v.bytesValue as Uint8Array | string;
    return {
      t: 'bytes',
      v: typeof b === 'string' ? new Uint8Array(Buffer.from(b, 'base64')) : new Uint8Array(b),
    };
  }
  if (v.referenceValue !== undefined) return { t: 'path', segments: rulesPathOf(v.referenceValue) };
  if (v.geoPointValue !== undefined)
    return { t: 'latlng', lat: v.geoPointValue.latitude ?? 0, lng: v.geoPointValue.longitude ?? 0 };
  if (v.arrayValue !== undefined) return list((v.arrayValue.values ?? []).map(fromProto));
  if (v.mapValue !== undefined) return fieldsValue(v.mapValue.fields ?? {});
  return NULL;
}

export function fieldsValue(fields: Fields): RVal & { t: 'map' } {
  return { t: 'map', v: new Map(Object.entries(fields).map(([k, x]) => [k, fromProto(x)])) };
}

/** `resource` for a stored document, or null when it does not exist. */
export function documentResource(doc: StoredDocument | null): RVal {
  if (!doc) return NULL;
  const path = rulesPathOf(doc.name);
  return map([
    ['data', fieldsValue(doc.fields)],
    ['id', str(path[path.length - 1] ?? '')],
    ['__name__', { t: 'path', segments: path }],
  ]);
}

/** A field path of a query (`a.b`, `` `x.y`.z ``) split into its names. */
export function splitFieldPath(fieldPath: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < fieldPath.length) {
    if (fieldPath[i] === '`') {
      let name = '';
      i++;
      while (i < fieldPath.length && fieldPath[i] !== '`') {
        if (fieldPath[i] === '\\') i++;
        name += fieldPath[i] ?? '';
        i++;
      }
      out.push(name);
      i++;
    } else {
      const dot = fieldPath.indexOf('.', i);
      const end = dot < 0 ? fieldPath.length : dot;
      out.push(fieldPath.slice(i, end));
      i = end;
    }
    if (fieldPath[i] === '.') i++;
  }
  return out;
}
