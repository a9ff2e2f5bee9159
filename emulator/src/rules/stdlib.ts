import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { RE2JS } from 're2js';
import { RulesEvalError } from './errors';
import { bool, equals, int, list, setOf, show, str, typeName, UNKNOWN, type RVal } from './values';

/** The standard library of the rules language: methods on values and the namespaced functions. */

const fail = (message: string): never => {
  throw new RulesEvalError(message);
};

function arity(name: string, args: RVal[], ...counts: number[]): void {
  if (!counts.includes(args.length))
    fail(`Function ${name} expects ${counts.join(' or ')} argument(s), got ${args.length}.`);
}

function want<T extends RVal['t']>(v: RVal | undefined, t: T, what: string): RVal & { t: T } {
  if (!v || v.t !== t) fail(`${what} expects ${t}, got ${v ? typeName(v) : 'nothing'}.`);
  return v as RVal & { t: T };
}

function wantNumber(v: RVal | undefined, what: string): number {
  if (v?.t === 'int') return Number(v.v);
  if (v?.t === 'float') return v.v;
  return fail(`${what} expects a number, got ${v ? typeName(v) : 'nothing'}.`);
}

function wantInt(v: RVal | undefined, what: string): bigint {
  return want(v, 'int', what).v;
}

/** Elements of a list or set, for methods that take either. */
function elements(v: RVal | undefined, what: string): RVal[] {
  if (v?.t === 'list' || v?.t === 'set') return v.v;
  return fail(`${what} expects a list or set, got ${v ? typeName(v) : 'nothing'}.`);
}

const contains = (items: RVal[], x: RVal) => items.some((i) => equals(i, x));

// Rules regular expressions are RE2: linear time (no backtracking, so no pattern can stall a
// request), no backreferences or lookaround, and RE2's own syntax ((?s), \pL, \z, \Q...\E).
// re2js is a pure-JS port of RE2 (from RE2/J), so the emulator accepts and refuses what Firebase does.
const regexCache = new Map<string, RE2JS>();
function regex(pattern: string): RE2JS {
  let re = regexCache.get(pattern);
  if (!re) {
    try {
      re = RE2JS.compile(pattern);
    } catch (e) {
      return fail(`Invalid regular expression '${pattern}': ${(e as Error).message}.`);
    }
    regexCache.set(pattern, re);
  }
  return re;
}

const NANOS_PER_SECOND = 1_000_000_000n;
const NANOS_PER_DAY = 86_400n * NANOS_PER_SECOND;
const floorDiv = (a: bigint, b: bigint) => (a % b === 0n || a > 0n ? a / b : a / b - 1n);

function timestampDate(nanos: bigint): Date {
  return new Date(Number(floorDiv(nanos, 1_000_000n)));
}

const DURATION_UNITS: Record<string, bigint> = {
  w: 7n * NANOS_PER_DAY,
  d: NANOS_PER_DAY,
  h: 3600n * NANOS_PER_SECOND,
  m: 60n * NANOS_PER_SECOND,
  s: NANOS_PER_SECOND,
  ms: 1_000_000n,
  us: 1000n,
  ns: 1n,
};

let crc32cTable: Uint32Array | undefined;
function crc32c(data: Uint8Array): number {
  if (!crc32cTable) {
    crc32cTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crc32cTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of data) crc = crc32cTable[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function u32Bytes(n: number): RVal {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return { t: 'bytes', v: b };
}

function hashInput(v: RVal | undefined, name: string): Uint8Array {
  if (v?.t === 'string') return new TextEncoder().encode(v.v);
  if (v?.t === 'bytes') return v.v;
  return fail(`hashing.${name} expects a string or bytes.`);
}

/**
 * `left.diff(right)`: as in `request.resource.data.diff(resource.data)`, the receiver is the new
 * map, so keys only it has were added and keys only the argument has were removed.
 */
function diff(left: Map<string, RVal>, right: Map<string, RVal>, which: string): RVal {
  const added = [...left.keys()].filter((k) => !right.has(k));
  const removed = [...right.keys()].filter((k) => !left.has(k));
  const shared = [...left.keys()].filter((k) => right.has(k));
  const changed = shared.filter((k) => !equals(left.get(k)!, right.get(k)!));
  const keys: Record<string, string[]> = {
    addedKeys: added,
    removedKeys: removed,
    changedKeys: changed,
    unchangedKeys: shared.filter((k) => !changed.includes(k)),
    affectedKeys: [...added, ...removed, ...changed],
  };
  return setOf((keys[which] ?? []).map(str));
}

/** Calls `receiver.name(args)`. */
export function callMethod(receiver: RVal, name: string, args: RVal[]): RVal {
  if (receiver.t === 'unknown' || args.some((a) => a.t === 'unknown')) return UNKNOWN;
  const m = `${typeName(receiver)}.${name}()`;
  switch (receiver.t) {
    case 'string': {
      const s = receiver.v;
      switch (name) {
        case 'size':
          arity(m, args, 0);
          return int(BigInt([...s].length));
        case 'lower':
          arity(m, args, 0);
          return str(s.toLowerCase());
        case 'upper':
          arity(m, args, 0);
          return str(s.toUpperCase());
        case 'trim':
          arity(m, args, 0);
          return str(s.trim());
        case 'matches':
          arity(m, args, 1);
          // A full match, as Firebase's matches() is.
          return bool(regex(want(args[0], 'string', m).v).matches(s));
        case 'split':
          arity(m, args, 1);
          // A negative limit keeps trailing empty strings (Java's split drops them otherwise).
          return list(
            regex(want(args[0], 'string', m).v)
              .split(s, -1)
              .map(str),
          );
        case 'replace':
          arity(m, args, 2);
          // The replacement is literal text: '$1' in it is not a group reference.
          return str(
            regex(want(args[0], 'string', m).v)
              .matcher(s)
              .replaceAll(RE2JS.quoteReplacement(want(args[1], 'string', m).v)),
          );
        case 'toUtf8':
          arity(m, args, 0);
          return { t: 'bytes', v: new TextEncoder().encode(s) };
      }
      break;
    }
    case 'list':
    case 'set': {
      const items = receiver.v;
      const isSet = receiver.t === 'set';
      const wrap = (v: RVal[]) => (isSet ? setOf(v) : list(v));
      switch (name) {
        case 'size':
          arity(m, args, 0);
          return int(BigInt(items.length));
        case 'hasAll':
          arity(m, args, 1);
          return bool(elements(args[0], m).every((x) => contains(items, x)));
        case 'hasAny':
          arity(m, args, 1);
          return bool(elements(args[0], m).some((x) => contains(items, x)));
        case 'hasOnly': {
          arity(m, args, 1);
          const allowed = elements(args[0], m);
          return bool(items.every((x) => contains(allowed, x)));
        }
        case 'toSet':
          arity(m, args, 0);
          return setOf(items);
        case 'difference':
          arity(m, args, 1);
          return setOf(items.filter((x) => !contains(elements(args[0], m), x)));
        case 'intersection':
          arity(m, args, 1);
          return setOf(items.filter((x) => contains(elements(args[0], m), x)));
        case 'union':
          arity(m, args, 1);
          return setOf([...items, ...elements(args[0], m)]);
      }
      if (!isSet) {
        switch (name) {
          case 'join': {
            arity(m, args, 1);
            const sep = want(args[0], 'string', m).v;
            return str(items.map((x) => want(x, 'string', m).v).join(sep));
          }
          case 'concat':
            arity(m, args, 1);
            return list([...items, ...want(args[0], 'list', m).v]);
          case 'removeAll': {
            arity(m, args, 1);
            const drop = elements(args[0], m);
            return wrap(items.filter((x) => !contains(drop, x)));
          }
        }
      }
      break;
    }
    case 'map': {
      const entries = receiver.v;
      switch (name) {
        case 'keys':
          arity(m, args, 0);
          return list([...entries.keys()].map(str));
        case 'values':
          arity(m, args, 0);
          return list([...entries.values()]);
        case 'size':
          arity(m, args, 0);
          return int(BigInt(entries.size));
        case 'diff':
          arity(m, args, 1);
          return { t: 'mapdiff', left: entries, right: want(args[0], 'map', m).v };
        case 'get': {
          arity(m, args, 2);
          const key = args[0]!;
          const keyPath =
            key.t === 'list' ? key.v.map((k) => want(k, 'string', m).v) : [want(key, 'string', m).v];
          let cur: RVal = receiver;
          for (const k of keyPath) {
            const next: RVal | undefined = cur.t === 'map' ? cur.v.get(k) : undefined;
            if (next === undefined) return args[1]!;
            cur = next;
          }
          return cur;
        }
      }
      break;
    }
    case 'mapdiff':
      if (['addedKeys', 'removedKeys', 'changedKeys', 'affectedKeys', 'unchangedKeys'].includes(name)) {
        arity(m, args, 0);
        return diff(receiver.left, receiver.right, name);
      }
      break;
    case 'bytes':
      switch (name) {
        case 'size':
          arity(m, args, 0);
          return int(BigInt(receiver.v.length));
        case 'toBase64':
          arity(m, args, 0);
          return str(Buffer.from(receiver.v).toString('base64'));
        case 'toHexString':
          arity(m, args, 0);
          return str(Buffer.from(receiver.v).toString('hex').toUpperCase());
      }
      break;
    case 'timestamp': {
      arity(m, args, 0);
      const n = receiver.nanos;
      const d = timestampDate(n);
      switch (name) {
        case 'year':
          return int(BigInt(d.getUTCFullYear()));
        case 'month':
          return int(BigInt(d.getUTCMonth() + 1));
        case 'day':
          return int(BigInt(d.getUTCDate()));
        case 'hours':
          return int(BigInt(d.getUTCHours()));
        case 'minutes':
          return int(BigInt(d.getUTCMinutes()));
        case 'seconds':
          return int(BigInt(d.getUTCSeconds()));
        case 'nanos':
          return int(n - floorDiv(n, NANOS_PER_SECOND) * NANOS_PER_SECOND);
        case 'dayOfWeek':
          return int(BigInt(((d.getUTCDay() + 6) % 7) + 1));
        case 'dayOfYear': {
          const start = Date.UTC(d.getUTCFullYear(), 0, 1);
          return int(BigInt(Math.floor((d.getTime() - start) / 86_400_000) + 1));
        }
        case 'toMillis':
          return int(floorDiv(n, 1_000_000n));
        case 'date':
          return { t: 'timestamp', nanos: floorDiv(n, NANOS_PER_DAY) * NANOS_PER_DAY };
        case 'time':
          return { t: 'duration', nanos: n - floorDiv(n, NANOS_PER_DAY) * NANOS_PER_DAY };
      }
      break;
    }
    case 'duration':
      arity(m, args, 0);
      if (name === 'seconds') return int(receiver.nanos / NANOS_PER_SECOND);
      if (name === 'nanos') return int(receiver.nanos % NANOS_PER_SECOND);
      break;
    case 'latlng':
      switch (name) {
        case 'latitude':
          arity(m, args, 0);
          return { t: 'float', v: receiver.lat };
        case 'longitude':
          arity(m, args, 0);
          return { t: 'float', v: receiver.lng };
        case 'distance': {
          arity(m, args, 1);
          const o = want(args[0], 'latlng', m);
          const rad = Math.PI / 180;
          const a =
            Math.sin(((o.lat - receiver.lat) * rad) / 2) ** 2 +
            Math.cos(receiver.lat * rad) *
              Math.cos(o.lat * rad) *
              Math.sin(((o.lng - receiver.lng) * rad) / 2) ** 2;
          return { t: 'float', v: 2 * 6_371_008.8 * Math.asin(Math.sqrt(a)) };
        }
      }
      break;
    case 'path':
      if (name === 'bind') {
        arity(m, args, 1);
        const bindings = want(args[0], 'map', m).v;
        return {
          t: 'path',
          segments: receiver.segments.map((s) => {
            const w = /^\{(\w+)\}$/.exec(s);
            if (!w) return s;
            const b = bindings.get(w[1]!);
            return b ? want(b, 'string', m).v : s;
          }),
        };
      }
      break;
  }
  return fail(`Function not found error: Name: [${name}] on ${typeName(receiver)}.`);
}

function mathFn(name: string, args: RVal[]): RVal {
  const f = `math.${name}()`;
  switch (name) {
    case 'abs': {
      arity(f, args, 1);
      const v = args[0]!;
      if (v.t === 'int') return int(v.v < 0n ? -v.v : v.v);
      return { t: 'float', v: Math.abs(wantNumber(v, f)) };
    }
    case 'ceil':
    case 'floor':
    case 'round': {
      arity(f, args, 1);
      const x = wantNumber(args[0], f);
      if (!Number.isFinite(x)) return fail(`${f} of ${x}.`);
      // Rules round half away from zero.
      const r = name === 'round' ? Math.sign(x) * Math.round(Math.abs(x)) : Math[name](x);
      return int(BigInt(r));
    }
    case 'sqrt':
      arity(f, args, 1);
      return { t: 'float', v: Math.sqrt(wantNumber(args[0], f)) };
    case 'pow':
      arity(f, args, 2);
      return { t: 'float', v: Math.pow(wantNumber(args[0], f), wantNumber(args[1], f)) };
    case 'isInfinite':
      arity(f, args, 1);
      return bool(want(args[0], 'float', f).v === Infinity || want(args[0], 'float', f).v === -Infinity);
    case 'isNaN':
      arity(f, args, 1);
      return bool(Number.isNaN(want(args[0], 'float', f).v));
  }
  return fail(`Function not found error: Name: [math.${name}].`);
}

function durationFn(name: string, args: RVal[]): RVal {
  const f = `duration.${name}()`;
  switch (name) {
    case 'value': {
      arity(f, args, 2);
      const unit = DURATION_UNITS[want(args[1], 'string', f).v];
      if (unit === undefined)
        return fail(`${f}: unknown unit '${show(args[1]!)}' (use w, d, h, m, s, ms, ns).`);
      return { t: 'duration', nanos: wantInt(args[0], f) * unit };
    }
    case 'time': {
      arity(f, args, 4);
      const [h, mi, s, ns] = args.map((a) => wantInt(a, f)) as [bigint, bigint, bigint, bigint];
      return { t: 'duration', nanos: ((h * 60n + mi) * 60n + s) * NANOS_PER_SECOND + ns };
    }
    case 'abs': {
      arity(f, args, 1);
      const d = want(args[0], 'duration', f).nanos;
      return { t: 'duration', nanos: d < 0n ? -d : d };
    }
  }
  return fail(`Function not found error: Name: [duration.${name}].`);
}

function timestampFn(name: string, args: RVal[]): RVal {
  const f = `timestamp.${name}()`;
  if (name === 'value') {
    arity(f, args, 1);
    return { t: 'timestamp', nanos: wantInt(args[0], f) * 1_000_000n };
  }
  if (name === 'date') {
    arity(f, args, 3);
    const [y, mo, d] = args.map((a) => Number(wantInt(a, f))) as [number, number, number];
    return { t: 'timestamp', nanos: BigInt(Date.UTC(y, mo - 1, d)) * 1_000_000n };
  }
  return fail(`Function not found error: Name: [timestamp.${name}].`);
}

function hashingFn(name: string, args: RVal[]): RVal {
  arity(`hashing.${name}()`, args, 1);
  const input = hashInput(args[0], name);
  switch (name) {
    case 'sha256':
    case 'md5':
      return { t: 'bytes', v: new Uint8Array(createHash(name).update(input).digest()) };
    case 'crc32':
      return u32Bytes(crc32(input));
    case 'crc32c':
      return u32Bytes(crc32c(input));
  }
  return fail(`Function not found error: Name: [hashing.${name}].`);
}

function latlngFn(name: string, args: RVal[]): RVal {
  if (name === 'value') {
    arity('latlng.value()', args, 2);
    return {
      t: 'latlng',
      lat: wantNumber(args[0], 'latlng.value()'),
      lng: wantNumber(args[1], 'latlng.value()'),
    };
  }
  return fail(`Function not found error: Name: [latlng.${name}].`);
}

export const NAMESPACES: Record<string, (name: string, args: RVal[]) => RVal> = {
  math: mathFn,
  duration: durationFn,
  timestamp: timestampFn,
  hashing: hashingFn,
  latlng: latlngFn,
};

/** A float as string() writes it: always with a fraction or exponent, so 2.0 is "2.0", never "2". */
function floatText(x: number): string {
  const text = String(x);
  return Number.isFinite(x) && /^-?[0-9]+$/.test(text) ? `${text}.0` : text;
}

/** Conversions callable by their type name: int(), float(), string(), bool(). */
export function convert(name: string, args: RVal[]): RVal | undefined {
  if (!['int', 'float', 'string', 'bool'].includes(name)) return undefined;
  arity(`${name}()`, args, 1);
  const v = args[0]!;
  if (v.t === 'unknown') return UNKNOWN;
  switch (name) {
    case 'int':
      if (v.t === 'int') return v;
      if (v.t === 'float') {
        if (!Number.isFinite(v.v)) return fail(`Cannot convert ${v.v} to int.`);
        return int(BigInt(Math.trunc(v.v)));
      }
      if (v.t === 'string' && /^[+-]?[0-9]+$/.test(v.v)) return int(BigInt(v.v));
      break;
    case 'float':
      if (v.t === 'int' || v.t === 'float') return { t: 'float', v: Number(v.v) };
      if (v.t === 'string' && v.v.trim() !== '' && !Number.isNaN(Number(v.v)))
        return { t: 'float', v: Number(v.v) };
      break;
    case 'string':
      if (v.t === 'string') return v;
      if (v.t === 'null') return str('null');
      if (v.t === 'bool' || v.t === 'int') return str(String(v.v));
      if (v.t === 'float') return str(floatText(v.v));
      if (v.t === 'path') return str('/' + v.segments.join('/'));
      break;
    case 'bool':
      if (v.t === 'bool') return v;
      if (v.t === 'string' && (v.v === 'true' || v.v === 'false')) return bool(v.v === 'true');
      break;
  }
  return fail(`Cannot convert ${typeName(v)} ${show(v)} to ${name}.`);
}
