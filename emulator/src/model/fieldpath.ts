import { invalidArgument } from '../errors';
import type { Fields, Value } from './types';

const SIMPLE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Splits a field path as Firestore writes it (`a.b`, `` a.`b.c`.d ``, `` `x\`y` ``) into its segments.
 * Unquoted segments are taken as written (the SDKs quote anything that is not a simple name),
 * quoted segments may hold any character, with `\` escaping the next one.
 */
export function parseFieldPath(path: string): string[] {
  if (typeof path !== 'string' || path === '')
    throw invalidArgument('Field path must be a non-empty string.');
  const segments: string[] = [];
  let i = 0;
  while (i <= path.length) {
    let segment = '';
    if (path[i] === '`') {
      i++;
      let closed = false;
      while (i < path.length) {
        const ch = path[i]!;
        if (ch === '\\') {
          if (i + 1 >= path.length) break;
          segment += path[i + 1];
          i += 2;
        } else if (ch === '`') {
          closed = true;
          i++;
          break;
        } else {
          segment += ch;
          i++;
        }
      }
      if (!closed) throw invalidArgument(`Invalid field path "${path}": unterminated backtick.`);
      if (i < path.length && path[i] !== '.') {
        throw invalidArgument(
          `Invalid field path "${path}": a quoted segment must be followed by "." or the end.`,
        );
      }
    } else {
      const end = path.indexOf('.', i);
      segment = path.slice(i, end === -1 ? path.length : end);
      if (segment.includes('`') || segment.includes('\\')) {
        throw invalidArgument(
          `Invalid field path "${path}": "\`" and "\\" are only allowed inside quoted segments.`,
        );
      }
      i += segment.length;
    }
    if (segment === '') throw invalidArgument(`Invalid field path "${path}": empty segment.`);
    segments.push(segment);
    if (i >= path.length) break;
    i++; // the '.'
    if (i === path.length) throw invalidArgument(`Invalid field path "${path}": it ends with ".".`);
  }
  return segments;
}

/** The canonical string of a field path: simple names bare, anything else in backticks. */
export function formatFieldPath(segments: string[]): string {
  return segments
    .map((s) => (SIMPLE_NAME.test(s) ? s : '`' + s.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`'))
    .join('.');
}

export function getField(fields: Fields, segments: string[]): Value | undefined {
  let current: Fields = fields;
  for (let i = 0; i < segments.length; i++) {
    const name = segments[i]!;
    // Own properties only: a field named like an Object.prototype member must not resolve to it.
    if (!Object.hasOwn(current, name)) return undefined;
    const value: Value = current[name]!;
    if (i === segments.length - 1) return value;
    const next = value.mapValue?.fields;
    if (next === undefined) return undefined;
    current = next;
  }
  return undefined;
}

/**
 * Sets the value at a path, replacing any non-map value met on the way by a map. Copies the maps
 * it descends through, so `fields` may be shared with a stored document.
 */
export function setField(fields: Fields, segments: string[], value: Value): Fields {
  const [head, ...rest] = segments;
  const result = { ...fields };
  if (rest.length === 0) {
    result[head!] = value;
  } else {
    const child = (Object.hasOwn(fields, head!) && fields[head!]!.mapValue?.fields) || {};
    result[head!] = { mapValue: { fields: setField(child, rest, value) } };
  }
  return result;
}

/** Removes the value at a path (a no-op if absent), copying maps on the way like setField. */
export function deleteField(fields: Fields, segments: string[]): Fields {
  const [head, ...rest] = segments;
  if (!Object.hasOwn(fields, head!)) return fields;
  const result = { ...fields };
  if (rest.length === 0) {
    delete result[head!];
    return result;
  }
  const child = fields[head!]?.mapValue?.fields;
  if (child === undefined) return fields;
  result[head!] = { mapValue: { fields: deleteField(child, rest) } };
  return result;
}

/** True when `prefix` is `path` or one of its ancestors. */
export function isPrefixOf(prefix: string[], path: string[]): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((s, i) => s === path[i]);
}
