/** Calling the inventory callables' handlers as a test does: a caller, a request, and a refusal. */
import assert from 'node:assert/strict';
import type { CallRequest } from '../../../src/platform/callable';

/** A signed-in caller; `claims` such as `{ staff: true }` or `{ admin: true }`. */
export const user = (uid: string, claims: Record<string, unknown> = {}) => ({
  uid,
  token: { uid, ...claims } as never,
  rawToken: 'test',
});

export const as = (auth: CallRequest['auth'], data: unknown): CallRequest => ({ data, auth });

export interface Failure {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** The error a call was refused with; fails the test if it was not. */
export async function refusal(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (err) {
    return err as Failure;
  }
  assert.fail('the call was expected to be refused');
}
