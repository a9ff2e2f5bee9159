/**
 * firestore.rules checked against the one definition of a profile, the CustomerProfile schema
 * (contracts/src/customers.ts): shapes are made from the limits in the schema's JSON Schema (each
 * string's length in characters, each list's size, each integer's range, each object's keys), at
 * and past each limit, in the encodings an attacker can send (int64 past 2^53, doubles, blank and
 * astral text), and each is written as the customer's own profile update under the real rules.
 * The oracle is the schema itself, on the stored document as the functions read it: every shape
 * the rules let in must parse, and every shape an SDK would send that parses must be let in. A
 * change of a limit in the schema changes the shapes tried, so rules left behind fail here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { CustomerProfile, ProfileUpdate } from '@hearth/contracts';
import { newProfile } from '../../functions/src/customers/profile';
import { useEmulator, type TestFirestore } from '../support/emulator';

/** The JSON Schema keywords z.toJSONSchema writes for these contracts. */
interface Node {
  type?: 'string' | 'integer' | 'array' | 'object' | 'null';
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  items?: Node;
  properties?: Record<string, Node>;
  required?: string[];
  anyOf?: Node[];
}

/** A value to send: JSON-like, with bigint for int64 and Double for a double the SDKs would send as an int. */
class Double {
  constructor(readonly v: number) {}
}
type Sent = string | number | boolean | null | bigint | Double | Sent[] | { [k: string]: Sent };

interface Shape {
  name: string;
  value: Sent;
  /**
   * An SDK sends it so (JS numbers as they are), and the rules mean to agree with the schema on it:
   * then a shape the schema accepts must be let in. (Unknown keys are the one deliberate
   * difference: the schema strips them on reading, the rules keep them out of the store.)
   */
  sdk: boolean;
}

/** proto3 JSON of a value, as an SDK (or an attacker) puts it on the wire. */
function wire(v: Sent): unknown {
  if (v === null) return { nullValue: 'NULL_VALUE' };
  // proto3 JSON writes NaN and the infinities as strings.
  if (v instanceof Double) return { doubleValue: Number.isFinite(v.v) ? v.v : String(v.v) };
  if (typeof v === 'bigint') return { integerValue: v.toString() };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { booleanValue: v };
  if (typeof v === 'number')
    return Number.isSafeInteger(v) ? { integerValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(wire) } };
  return { mapValue: { fields: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, wire(x)])) } };
}

const branch = (n: Node) => n.anyOf?.find((b) => b.type !== 'null') ?? n;

/** A value the schema accepts. */
function valid(node: Node): Sent {
  const n = branch(node);
  switch (n.type) {
    case 'string':
      return 'x'.repeat(Math.max(n.minLength ?? 0, 1));
    case 'integer':
      return 5;
    case 'array':
      return [valid(n.items!)];
    case 'object':
      return Object.fromEntries(Object.entries(n.properties ?? {}).map(([k, p]) => [k, valid(p)]));
    default:
      return null;
  }
}

// What JavaScript's trim() removes (zod's trim()) and two it keeps, one of each kind of space.
const SPACES = [' ', '\t', '\n', '\u000b', '\u00a0', '\u1680', '\u2007', '\u2028', '\u3000', '\ufeff'];
const NOT_SPACES = ['\u0085', '\u200b'];

function strings(n: Node): Shape[] {
  const min = n.minLength ?? 0;
  const max = n.maxLength!;
  const s = (name: string, value: Sent): Shape => ({ name, value, sdk: true });
  return [
    s('empty', ''),
    s(`${min} letters`, 'a'.repeat(min)),
    s(`${max} letters`, 'a'.repeat(max)),
    s(`${max + 1} letters`, 'a'.repeat(max + 1)),
    s(`${max} emoji (2 UTF-16 units each)`, '😀'.repeat(max)),
    s(`${max + 1} emoji`, '😀'.repeat(max + 1)),
    s(`${max} letters between spaces`, ` ${'a'.repeat(max)}\u3000`),
    s(`${max + 1} letters between spaces`, ` ${'a'.repeat(max + 1)} `),
    s('a letter between spaces', '  a\t'),
    s('spaces inside', 'a \n b'),
    s('three spaces', '   '),
    ...SPACES.map((c) => s(`only U+${c.codePointAt(0)!.toString(16)}`, c.repeat(2))),
    ...NOT_SPACES.map((c) => s(`only U+${c.codePointAt(0)!.toString(16)} (not trimmed)`, c)),
    s('a number', 7),
    s('null', null),
    s('a list', ['a']),
  ];
}

function integers(n: Node): Shape[] {
  const max = n.maximum!;
  const s = (name: string, value: Sent, sdk = true): Shape => ({ name, value, sdk });
  return [
    s('0', 0),
    s('-1', -1),
    s('1', 1),
    s('2^53 - 1', max),
    s('2^53 as int64', BigInt(max) + 1n, false),
    s('2^63 - 1 as int64', 2n ** 63n - 1n, false),
    s('-2^63 as int64', -(2n ** 63n), false),
    s('1.5', 1.5),
    s('5.0 as a double', new Double(5), false),
    s('NaN', new Double(NaN), false),
    s('a string', '5'),
    s('null', null),
  ];
}

function arrays(n: Node): Shape[] {
  const max = n.maxItems!;
  const item = valid(n.items!);
  const filled = (k: number) => Array.from({ length: k }, () => item);
  const out: Shape[] = [
    { name: 'no items', value: [], sdk: true },
    { name: `${max} items`, value: filled(max), sdk: true },
    { name: `${max + 1} items`, value: filled(max + 1), sdk: true },
    { name: 'a map', value: { 0: item }, sdk: true },
  ];
  // The rules check a list element by element at fixed positions: try the first and the last.
  // Firestore stores no list directly inside a list.
  for (const v of shapes(n.items!).filter((x) => !Array.isArray(x.value))) {
    out.push({ name: `first item ${v.name}`, value: [v.value], sdk: v.sdk });
    out.push({ name: `item ${max} ${v.name}`, value: [...filled(max - 1), v.value], sdk: v.sdk });
  }
  return out;
}

function objects(n: Node): Shape[] {
  const base = valid(n) as Record<string, Sent>;
  const props = n.properties ?? {};
  const out: Shape[] = [
    { name: 'valid', value: base, sdk: true },
    { name: 'with an extra key', value: { ...base, extra: 'x' }, sdk: false },
    { name: 'a string', value: 'x', sdk: true },
  ];
  for (const key of Object.keys(props)) {
    const { [key]: _dropped, ...without } = base;
    out.push({ name: `without ${key}`, value: without, sdk: true });
    for (const v of shapes(props[key]!))
      out.push({ name: `${key} ${v.name}`, value: { ...base, [key]: v.value }, sdk: v.sdk });
  }
  // Constraints between fields do not reach JSON Schema: the one the schema has (min <= max).
  if ('min' in props && 'max' in props) {
    out.push({ name: 'min above max', value: { ...base, min: 10, max: 5 }, sdk: true });
    out.push({ name: 'min equal to max', value: { ...base, min: 7, max: 7 }, sdk: true });
  }
  return out;
}

/** Shapes at and past every limit of a schema node. */
function shapes(node: Node): Shape[] {
  const nullable = node.anyOf?.some((b) => b.type === 'null') ?? false;
  const n = branch(node);
  const made =
    n.type === 'string'
      ? strings(n)
      : n.type === 'integer'
        ? integers(n)
        : n.type === 'array'
          ? arrays(n)
          : n.type === 'object'
            ? objects(n)
            : [];
  return nullable ? [...made, { name: 'null', value: null, sdk: true }] : made;
}

const schema = z.toJSONSchema(ProfileUpdate, { io: 'input' }) as Node;
const fields = Object.entries(schema.properties!).flatMap(([field, node]) =>
  shapes(node).map((s) => ({ ...s, field })),
);

describe('firestore.rules let in a profile update exactly when CustomerProfile accepts it', () => {
  let fs: TestFirestore;
  const base = newProfile(
    {
      uid: 'alice',
      displayName: 'Alice',
      email: 'alice@example.com',
      region: 'uk-south',
      consent: { personalisation: true, marketing: false },
      consentSource: 'signup',
    },
    new Date(Date.UTC(2026, 0, 1)),
  );
  const url = () => `http://${fs.host}/v1/projects/${fs.projectId}/databases/(default)/documents`;
  const name = (path: string) => `projects/${fs.projectId}/databases/(default)/documents/${path}`;
  // An unsigned ID token, as the SDKs' emulator mock tokens are.
  const token = (uid: string) =>
    ['{"alg":"none"}', JSON.stringify({ sub: uid, user_id: uid })]
      .map((p) => Buffer.from(p).toString('base64url'))
      .join('.') + '.';
  const commit = async (bearer: string, writes: unknown[]) => {
    const res = await fetch(`${url()}:commit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ writes }),
    });
    const text = await res.text();
    if (res.status === 403) return false;
    assert.equal(res.status, 200, text);
    return true;
  };
  const update = (path: string, field: string, value: Sent) => ({
    update: { name: name(path), fields: { [field]: wire(value) } },
    updateMask: { fieldPaths: [field] },
    updateTransforms: [{ fieldPath: 'updatedAt', setToServerValue: 'REQUEST_TIME' }],
  });

  before(async () => {
    fs = await useEmulator();
    const rules = readFileSync(join(__dirname, '..', '..', 'firestore.rules'), 'utf8');
    const loaded = await fetch(`http://${fs.host}/emulator/v1/projects/${fs.projectId}:securityRules`, {
      method: 'PUT',
      body: JSON.stringify({ rules: { files: [{ name: 'firestore.rules', content: rules }] } }),
    });
    assert.equal(loaded.status, 200, await loaded.text());
  });
  after(() => fs.stop());

  it(`tries ${fields.length} shapes made from the schema's limits`, async () => {
    // The oracle: each shape stored in a copy of the profile (rules bypassed), read back as the
    // functions read it, and parsed.
    const copies = fs.adminDb.collection('copies');
    for (let i = 0; i < fields.length; i += 400) {
      const batch = fields.slice(i, i + 400);
      await Promise.all(batch.map((_, j) => copies.doc(String(i + j)).set(base)));
      assert.ok(
        await commit(
          'owner',
          batch.map((f, j) => update(`copies/${i + j}`, f.field, f.value)),
        ),
      );
    }
    await fs.adminDb.doc('customers/alice').set(base);
    const schemaAccepts = new Map<number, boolean>();
    for (const snap of (await copies.get()).docs)
      schemaAccepts.set(Number(snap.id), CustomerProfile.safeParse(snap.data()).success);

    const letInButRejected: string[] = [];
    const refusedButValid: string[] = [];
    let allowed = 0;
    for (const [i, f] of fields.entries()) {
      const ok = await commit(token('alice'), [update('customers/alice', f.field, f.value)]);
      const parses = schemaAccepts.get(i)!;
      const what = `${f.field}: ${f.name}`;
      if (ok) {
        allowed++;
        // What the rules let in is what the functions read: check it there, then put the profile back.
        const stored = (await fs.adminDb.doc('customers/alice').get()).data();
        assert.equal(CustomerProfile.safeParse(stored).success, parses, what);
        if (!parses) letInButRejected.push(what);
        await fs.adminDb.doc('customers/alice').set(base);
      } else if (parses && f.sdk) {
        refusedButValid.push(what);
      }
    }
    assert.deepEqual(letInButRejected, [], 'the rules let in profiles CustomerProfile rejects');
    assert.deepEqual(refusedButValid, [], 'the rules refuse profiles CustomerProfile accepts');
    // Not vacuous: both verdicts are reached many times.
    assert.ok(allowed > 100 && fields.length - allowed > 100, `${allowed} of ${fields.length} allowed`);
  });
});
