/**
 * The idempotency record itself: ids and hashes that stay the same across deploys (records and the
 * reservations named after them outlive the code that wrote them), how long a record is kept, the
 * refusal of a reused key, and the retry answered without a transaction.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Timestamp } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { hashRequest, idempotencyRecord, once, operationId } from '../../src/inventory/idempotency';
import { newMetrics } from '../../src/platform/deps';
import { FakeClock } from './support/store';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('request hashes and operation ids', () => {
  test('a request hashes as its canonical JSON: keys sorted at every depth, the key itself left out', () => {
    const request = { lines: [{ sku: 'sofa', qty: 2 }], idempotencyKey: 'k1', allowSplit: false };
    assert.equal(hashRequest(request), sha256('{"allowSplit":false,"lines":[{"qty":2,"sku":"sofa"}]}'));
  });

  test('the order keys arrive in and the idempotency key do not change the hash; values and array order do', () => {
    const a = hashRequest({ idempotencyKey: 'k1', region: 'north', lines: [{ sku: 'a', qty: 1 }] });
    assert.equal(a, hashRequest({ lines: [{ qty: 1, sku: 'a' }], region: 'north', idempotencyKey: 'k2' }));
    assert.notEqual(a, hashRequest({ idempotencyKey: 'k1', region: 'south', lines: [{ sku: 'a', qty: 1 }] }));
    const two = [
      { sku: 'a', qty: 1 },
      { sku: 'b', qty: 1 },
    ];
    assert.notEqual(hashRequest({ lines: two }), hashRequest({ lines: [...two].reverse() }));
  });

  test('an operation id is the first 32 hex digits of the hash of (callable, caller, key)', () => {
    const id = operationId('reserveStock', 'alice', 'k1');
    assert.equal(id, sha256('reserveStock\nalice\nk1').slice(0, 32));
    assert.notEqual(id, operationId('checkout', 'alice', 'k1'));
    assert.notEqual(id, operationId('reserveStock', 'bob', 'k1'));
  });

  test('a record is kept for 7 days after the call', () => {
    const now = Date.parse('2026-12-02T10:00:00Z');
    const record = idempotencyRecord({ scope: 'restock', uid: 'sam' }, 'h', { ok: 1 }, now);
    assert.deepEqual(record.createdAt, Timestamp.fromMillis(now));
    assert.deepEqual(record.expireAt, Timestamp.fromMillis(now + 7 * 24 * 3600 * 1000));
  });
});

describe('once', () => {
  let fs: TestFirestore;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());

  const call = (request: unknown) => ({ scope: 'test', uid: 'alice', key: 'same-key', request });

  test('a key reused for another request is refused on its field, naming why, and runs nothing', async () => {
    const deps = { db: fs.adminDb, clock: new FakeClock() };
    let runs = 0;
    const effect = async () => ({ n: ++runs });
    assert.deepEqual(await once(deps, call({ qty: 1 }), 'test', effect), { n: 1 });
    await assert.rejects(
      once(deps, call({ qty: 2 }), 'test', effect),
      (err: Error & { code?: string; details?: { field?: string } }) =>
        err.code === 'invalid-argument' &&
        err.details?.field === 'idempotencyKey' &&
        /already used for a different request; use a new key/.test(err.message),
    );
    assert.equal(runs, 1);
  });

  test('a retry after the first call finished is answered from one read, without a transaction', async () => {
    const metrics = newMetrics();
    const deps = { db: fs.adminDb, clock: new FakeClock(), metrics };
    const request = { qty: 1 };
    const first = await once(deps, { ...call(request), key: 'fast-path' }, 'test', async () => ({ n: 1 }));
    Object.assign(metrics, newMetrics());
    const again = await once(deps, { ...call(request), key: 'fast-path' }, 'test', async () => ({ n: 2 }));
    assert.deepEqual(again, first);
    assert.deepEqual([metrics.attempts, metrics.reads], [0, 1]);
  });
});
