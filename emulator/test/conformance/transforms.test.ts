import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FieldValue } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { databaseName, documentName, rawClient, type RawClient } from './raw-client';

describe('field transforms', () => {
  let fs: TestFirestore;
  let raw: RawClient;
  before(async () => {
    fs = await useEmulator();
    raw = rawClient(fs.host);
  });
  after(async () => {
    await raw.close();
    await fs.stop();
  });

  /** Commits one update with transforms through the v1 API; returns the stored fields. */
  const transform = async (path: string, fields: Record<string, object>, transforms: object[]) => {
    const name = documentName(fs.projectId, path);
    const [response] = await raw.commit(<Parameters<RawClient['commit']>[0]>{
      database: databaseName(fs.projectId),
      writes: [
        { update: { name, fields }, updateTransforms: transforms.map((t) => ({ fieldPath: 'v', ...t })) },
      ],
    });
    const [doc] = await raw.getDocument({ name });
    return { fields: doc.fields!, results: response.writeResults![0]!.transformResults! };
  };

  it('serverTimestamp is the commit time, to the microsecond', async () => {
    const ref = fs.adminDb.doc('t/server');
    const result = await ref.set({ at: FieldValue.serverTimestamp(), also: FieldValue.serverTimestamp() });
    const snap = await ref.get();
    assert.ok(snap.get('at').isEqual(result.writeTime));
    assert.ok(snap.get('at').isEqual(snap.get('also')));
    assert.ok(snap.updateTime!.isEqual(result.writeTime));
  });

  it('increment keeps integers integer, mixes into doubles, starts missing fields at the operand', async () => {
    const ref = fs.adminDb.doc('t/inc');
    await ref.set({ i: 1, d: 1.5, s: 'text' });
    await ref.update({
      i: FieldValue.increment(2),
      d: FieldValue.increment(1),
      s: FieldValue.increment(5),
      fresh: FieldValue.increment(7),
    });
    assert.deepEqual((await ref.get()).data(), { i: 3, d: 2.5, s: 5, fresh: 7 });
    const { fields } = await transform('t/inc-types', { v: { integerValue: '1' } }, [
      { increment: { doubleValue: 0.5 } },
    ]);
    assert.deepEqual(fields.v, { doubleValue: 1.5, valueType: 'doubleValue' });
  });

  it('integer increments saturate at the int64 limits', async () => {
    const max = '9223372036854775807';
    const { fields } = await transform('t/sat', { v: { integerValue: max } }, [
      { increment: { integerValue: '1' } },
    ]);
    assert.equal(fields.v!.integerValue, max);
    const low = await transform('t/sat-low', { v: { integerValue: '-9223372036854775808' } }, [
      { increment: { integerValue: '-5' } },
    ]);
    assert.equal(low.fields.v!.integerValue, '-9223372036854775808');
  });

  it('maximum and minimum, with mixed types and missing fields', async () => {
    const max = await transform('t/max', { v: { integerValue: '3' } }, [{ maximum: { doubleValue: 4.5 } }]);
    assert.equal(max.fields.v!.doubleValue, 4.5);
    const keep = await transform('t/max-keep', { v: { integerValue: '3' } }, [
      { maximum: { doubleValue: 3 } },
    ]);
    assert.equal(keep.fields.v!.integerValue, '3');
    const min = await transform('t/min', { v: { doubleValue: 2.5 } }, [{ minimum: { integerValue: '1' } }]);
    assert.equal(min.fields.v!.integerValue, '1');
    const missing = await transform('t/min-missing', {}, [{ minimum: { integerValue: '9' } }]);
    assert.equal(missing.fields.v!.integerValue, '9');
    assert.equal(missing.results[0]!.integerValue, '9');
  });

  it('arrayUnion appends what is missing, arrayRemove removes every equal element', async () => {
    const ref = fs.adminDb.doc('t/arrays');
    await ref.set({ a: [1, 2, 2], b: [1, 2, 1, 3], c: 'not an array' });
    await ref.update({
      a: FieldValue.arrayUnion(2, 3, 3, 1.0),
      b: FieldValue.arrayRemove(1),
      c: FieldValue.arrayUnion('x'),
      d: FieldValue.arrayRemove('y'),
    });
    assert.deepEqual((await ref.get()).data(), { a: [1, 2, 2, 3], b: [2, 3], c: ['x'], d: [] });
  });

  it('numbers that are equal across int and double count as equal in arrayUnion and arrayRemove; NaN equals NaN', async () => {
    const int = (n: string) => ({ integerValue: n });
    const dbl = (d: number) => ({ doubleValue: d });
    const stored = async (path: string, v: object, op: object) =>
      ((await transform(path, { v }, [op])).fields.v as any).arrayValue.values.map((e: any) => [
        e.valueType,
        e[e.valueType],
      ]);
    const arr = (...values: object[]) => ({ arrayValue: { values } });
    assert.deepEqual(await stored('t/u1', arr(int('1')), { appendMissingElements: { values: [dbl(1)] } }), [
      ['integerValue', '1'],
    ]);
    assert.deepEqual(
      await stored('t/u2', arr(dbl(NaN)), {
        appendMissingElements: { values: [dbl(NaN), dbl(-0), int('0')] },
      }),
      [
        ['doubleValue', NaN],
        ['doubleValue', -0],
      ],
    );
    // 2^53 + 1 as an integer is not the double 2^53.
    assert.deepEqual(
      await stored('t/u3', arr(int('9007199254740993')), {
        appendMissingElements: { values: [dbl(2 ** 53)] },
      }),
      [
        ['integerValue', '9007199254740993'],
        ['doubleValue', 2 ** 53],
      ],
    );
    assert.deepEqual(
      await stored('t/r1', arr(int('1'), int('2'), dbl(1), dbl(NaN)), {
        removeAllFromArray: { values: [dbl(1), dbl(NaN)] },
      }),
      [['integerValue', '2']],
    );
  });

  it('increment: a double on either side makes a double (also past int64), NaN propagates, non-numbers are replaced', async () => {
    const v = async (path: string, field: object, operand: object, kind = 'increment') => {
      const value = (await transform(path, { v: field }, [{ [kind]: operand }])).fields.v as any;
      return [value.valueType, value[value.valueType]];
    };
    assert.deepEqual(await v('t/i1', { doubleValue: 1 }, { integerValue: '2' }), ['doubleValue', 3]);
    assert.deepEqual(await v('t/i2', { integerValue: '9223372036854775807' }, { doubleValue: 1 }), [
      'doubleValue',
      2 ** 63,
    ]);
    assert.deepEqual(await v('t/i3', { doubleValue: NaN }, { integerValue: '1' }), ['doubleValue', NaN]);
    assert.deepEqual(await v('t/i4', { stringValue: 'x' }, { doubleValue: 2.5 }), ['doubleValue', 2.5]);
    assert.deepEqual(await v('t/m1', { integerValue: '3' }, { doubleValue: NaN }, 'maximum'), [
      'doubleValue',
      NaN,
    ]);
    assert.deepEqual(await v('t/m2', { doubleValue: NaN }, { integerValue: '3' }, 'minimum'), [
      'doubleValue',
      NaN,
    ]);
    assert.deepEqual(await v('t/m3', { stringValue: 'x' }, { integerValue: '3' }, 'maximum'), [
      'integerValue',
      '3',
    ]);
    await assert.rejects(
      transform('t/bad', {}, [{ increment: { stringValue: '1' } }]),
      (e: any) => e.code === 3 && /must be an integer or a double/.test(e.message),
    );
  });

  it('transforms apply after the write of the same document, in a set with merge too', async () => {
    const ref = fs.adminDb.doc('t/merge');
    await ref.set({ n: 1, keep: true });
    await ref.set({ n: FieldValue.increment(1), other: 'x' }, { merge: true });
    assert.deepEqual((await ref.get()).data(), { n: 2, keep: true, other: 'x' });
  });
});
