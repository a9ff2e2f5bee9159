/** What a callable refused with, as `code: message`, for tables of bad input; fails the test if it answered. */
import assert from 'node:assert/strict';
import { HttpsError } from 'firebase-functions/v2/https';

export async function refusalOf(call: Promise<unknown>): Promise<string> {
  const err = await call.then(
    () => assert.fail('expected an error'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof HttpsError, String(err));
  return `${err.code}: ${err.message}`;
}
