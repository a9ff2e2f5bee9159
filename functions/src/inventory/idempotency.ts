/**
 * Exactly-once effects for callables. The first successful answer is stored in the same
 * transaction as the effect, under an id derived from (callable, caller, key); a retry, even one
 * racing the first call, either sees the record or conflicts with its creation and, retried, sees
 * it. Failed calls change nothing and store nothing, so a retry of a failure runs again.
 */
import { createHash } from 'node:crypto';
import { Timestamp } from 'firebase-admin/firestore';
import { IdempotencyRecord } from '@hearth/contracts';
import { countReads } from '../platform/deps';
import type { Deps } from './deps';
import { invalidField } from './errors';
import { idempotencyRef } from './paths';
import { runInTransaction, type Tx } from '../platform/transaction';

/** Records outlive any client's retry window; a TTL policy on `expireAt` deletes them after that. */
const KEEP_RECORDS_MS = 7 * 24 * 3600 * 1000;

export interface Call<Req> {
  /** The callable's name. */
  scope: string;
  uid: string;
  key: string;
  request: Req;
}

/** Stable across retries and processes; also names what the call creates (reservations, ledger entries). */
export function operationId(scope: string, uid: string, key: string): string {
  return createHash('sha256').update(`${scope}\n${uid}\n${key}`).digest('hex').slice(0, 32);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => k !== 'idempotencyKey')
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
}

const hashRequest = (request: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(canonical(request)))
    .digest('hex');

function replay<Res>(record: unknown, requestHash: string): Res {
  const stored = IdempotencyRecord.parse(record);
  if (stored.requestHash !== requestHash)
    throw invalidField('idempotencyKey', 'was already used for a different request; use a new key');
  return stored.result as Res;
}

/**
 * Runs `effect` at most once per (scope, uid, key) and returns the first answer to every call.
 * `effect` must do all its reads before its writes, and must not write `undefined` into its result.
 * `precheck` may refuse the call before any transaction (say, from a consistent read showing no
 * stock); its refusal stands unless the call has meanwhile succeeded under the same key. It may
 * return a function called once the call is settled, told whether this call's effect committed.
 */
export async function once<Req, Res extends Record<string, unknown>>(
  deps: Deps,
  call: Call<Req>,
  what: string,
  effect: (tx: Tx, opId: string) => Promise<Res>,
  precheck?: () => Promise<((settledByThisCall: boolean) => void) | void>,
): Promise<Res> {
  const opId = operationId(call.scope, call.uid, call.key);
  const ref = idempotencyRef(deps.db, `${call.scope}-${opId}`);
  const requestHash = hashRequest(call.request);

  // Most retries arrive after the first call finished: answer them without a transaction. With a
  // precheck this read is left out: a refusal re-reads the record anyway and the transaction reads
  // it first, so it would only cost first calls (in a sell-out, most calls) a read.
  if (!precheck) {
    const seen = await ref.get();
    countReads(deps, 1);
    if (seen.exists) return replay<Res>(seen.data(), requestHash);
  }
  let release: ((settledByThisCall: boolean) => void) | void = undefined;
  let effectCommitted = false;
  if (precheck) {
    try {
      release = await precheck();
    } catch (err) {
      const again = await ref.get();
      countReads(deps, 1);
      if (again.exists) return replay<Res>(again.data(), requestHash);
      throw err;
    }
  }

  try {
    const answer = await runInTransaction(deps, what, async (tx) => {
      effectCommitted = false;
      const prior = await tx.get(ref);
      if (prior.exists) return replay<Res>(prior.data(), requestHash);
      const result = await effect(tx, opId);
      const now = deps.clock.now().getTime();
      const record: IdempotencyRecord = {
        scope: call.scope,
        uid: call.uid,
        requestHash,
        result,
        createdAt: Timestamp.fromMillis(now),
        expireAt: Timestamp.fromMillis(now + KEEP_RECORDS_MS),
      };
      tx.create(ref, record);
      effectCommitted = true;
      return result;
    });
    return answer;
  } catch (err) {
    effectCommitted = false;
    throw err;
  } finally {
    release?.(effectCommitted);
  }
}
