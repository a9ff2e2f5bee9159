/** What callers see when things go wrong below the domain: never a raw Firestore error. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HttpsError } from 'firebase-functions/v2/https';
import { toHttpsError } from '../../src/platform/callable';
import { outOfStock } from '../../src/inventory/errors';

describe('errors as callers see them', () => {
  test('contention (ABORTED) and transient UNAVAILABLE become unavailable: nothing changed, try again', () => {
    for (const code of [10, 14]) {
      const err = toHttpsError(
        Object.assign(new Error('10 ABORTED: Too much contention on these documents'), { code }),
      );
      assert.equal(err.code, 'unavailable');
      assert.doesNotMatch(err.message, /ABORTED|contention/);
      assert.match(err.message, /nothing was changed/);
    }
  });

  test('a Firestore deadline becomes unavailable, telling the caller to retry with the same key', () => {
    const err = toHttpsError(Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), { code: 4 }));
    assert.equal(err.code, 'unavailable');
    assert.doesNotMatch(err.message, /DEADLINE|nothing was changed/);
    assert.match(err.message, /same idempotency key/);
  });

  test('domain errors keep their code and details; anything else is internal and says nothing of it', () => {
    const short = toHttpsError(outOfStock('sofa', 3, 1, 2));
    assert.equal(short.code, 'resource-exhausted');
    assert.deepEqual(short.details, { sku: 'sofa', requested: 3, available: 1, availableIfSplit: 2 });
    const original = console.error;
    console.error = () => {};
    try {
      const odd = toHttpsError(
        Object.assign(new Error('9 FAILED_PRECONDITION: secret index name'), { code: 9 }),
      );
      assert.equal(odd.code, 'internal');
      assert.doesNotMatch(odd.message, /secret/);
    } finally {
      console.error = original;
    }
    const already = new HttpsError('permission-denied', 'no');
    assert.equal(toHttpsError(already), already);
  });
});
