/** Errors as values: what an app switches on, from the SDK errors the callables produce. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FirebaseError, initializeApp } from 'firebase/app';
import { connectFunctionsEmulator, getFunctions } from 'firebase/functions';
import { toHearthError } from '../src/errors';
import { reserve, setConsent } from '../src';

const functionsError = (code: string, message: string, details?: unknown) =>
  Object.assign(new FirebaseError(`functions/${code}`, message), { details });

describe('toHearthError', () => {
  it('turns resource-exhausted into out-of-stock with how many are left', () => {
    const e = toHearthError(
      functionsError('resource-exhausted', 'Not enough stock', { sku: 'S1', requested: 3, available: 1 }),
    );
    assert.deepEqual(e, {
      code: 'out-of-stock',
      message: 'Not enough stock',
      sku: 'S1',
      requested: 3,
      available: 1,
    });
  });

  it('keeps how many more can be backordered when a backorder limit is full', () => {
    const e = toHearthError(
      functionsError(
        'resource-exhausted',
        'Not enough stock of S1: 2 requested, 0 available and 1 more can be backordered',
        {
          sku: 'S1',
          requested: 2,
          available: 0,
          backorderRoom: 1,
        },
      ),
    );
    assert.equal(e.code, 'out-of-stock');
    assert.equal(e.code === 'out-of-stock' && e.backorderRoom, 1);
  });

  it('keeps the field of invalid-argument, the reason of failed-precondition, the id of not-found', () => {
    const bad = toHearthError(
      functionsError('invalid-argument', 'lines.0.qty: must be at least 1', {
        field: 'lines.0.qty',
        issues: [{ field: 'lines.0.qty', message: 'must be at least 1' }],
      }),
    );
    assert.equal(bad.code === 'invalid-argument' && bad.field, 'lines.0.qty');
    const expired = toHearthError(functionsError('failed-precondition', 'expired', { reason: 'expired' }));
    assert.equal(expired.code === 'failed-precondition' && expired.reason, 'expired');
    const missing = toHearthError(functionsError('not-found', 'No sku X', { kind: 'sku', id: 'X' }));
    assert.deepEqual(missing.code === 'not-found' && [missing.kind, missing.id], ['sku', 'X']);
  });

  it('marks busy and network failures as retryable, and anything else as internal', () => {
    assert.deepEqual(toHearthError(functionsError('unavailable', 'busy')), {
      code: 'unavailable',
      message: 'busy',
      retryable: true,
    });
    assert.equal(toHearthError(functionsError('deadline-exceeded', 'slow')).code, 'unavailable');
    assert.deepEqual(
      toHearthError(functionsError('unavailable', 'busy', { retryAfterSeconds: 2, attempts: 7 })),
      {
        code: 'unavailable',
        message: 'busy',
        retryable: true,
        retryAfterSeconds: 2,
        attempts: 7,
      },
    );
    assert.deepEqual(toHearthError(functionsError('unavailable', 'busy', { retryAfterSeconds: 'soon' })), {
      code: 'unavailable',
      message: 'busy',
      retryable: true,
    });
    assert.equal(toHearthError(new Error('boom')).code, 'internal');
    assert.equal(toHearthError(new FirebaseError('permission-denied', 'no')).code, 'permission-denied');
  });
});

describe('typed calls', () => {
  // Nothing listens on this port: a call that reached the network would fail as unavailable/internal.
  const app = initializeApp({ projectId: 'demo-client-test', apiKey: 'k' }, 'typed-calls');
  const functions = getFunctions(app);
  connectFunctionsEmulator(functions, '127.0.0.1', 1);

  it('refuses bad input before any network call, naming the fields as the function would', async () => {
    const result = await reserve({ functions }, [{ sku: 'bad/sku', qty: 0 }]);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.error.code === 'invalid-argument');
    assert.deepEqual(
      !result.ok && result.error.code === 'invalid-argument' && result.error.issues.map((i) => i.field),
      ['lines.0.sku', 'lines.0.qty'],
    );
    const consent = await setConsent({ functions }, {});
    assert.ok(!consent.ok && consent.error.code === 'invalid-argument');
  });
});
