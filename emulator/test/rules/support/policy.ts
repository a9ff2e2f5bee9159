/**
 * What the access-policy tests share: the database's documents path, a signed-in caller, a ruleset
 * compiled with no issues, and the message of a refusal.
 */
import assert from 'node:assert/strict';
import { RpcError, status } from '../../../src/errors';
import type { Caller } from '../../../src/server/auth';
import { compileRulesPolicy, type RulesPolicy } from '../../../src/rules/policy';

export const DB = 'projects/p/databases/(default)/documents';
export const alice: Caller = { kind: 'user', uid: 'alice', token: { sub: 'alice' } };

/** `body` as the match blocks of a ruleset under /databases/{database}/documents. */
export const inDocuments = (body: string, version = "rules_version = '2';") => `${version}
service cloud.firestore {
  match /databases/{database}/documents {
${body}
  }
}`;

/** The policy of project `p`, failing the test if the ruleset has any issue. */
export function compilePolicy(source: string): RulesPolicy {
  const { policy, issues } = compileRulesPolicy(source, 'p');
  assert.deepEqual(issues, []);
  return policy as RulesPolicy;
}

/** The message of the PERMISSION_DENIED that `f` throws; fails the test if it throws nothing or anything else. */
export function denied(f: () => void): string {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof RpcError, String(err));
    assert.equal(err.code, status.PERMISSION_DENIED);
    return err.message;
  }
  assert.fail('expected PERMISSION_DENIED');
}
