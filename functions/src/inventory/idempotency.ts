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

/** What identifies a request under its key (the key itself left out). */
export const hashRequest = (request: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(canonical(request)))
    .digest('hex');

/** The stored answer of the first call, for a call with the same key; a different request is refused. */
export function replay<Res>(record: unknown, requestHash: string): Res {
  const stored = IdempotencyRecord.parse(record);
  if (stored.requestHash !== requestHash)
    throw invalidField('idempotencyKey', 'was already used for a different request; use a new key');
  return stored.result as Res;
}

/** The record stored with a call's effect, in the same commit. */
export function idempotencyRecord(
  call: { scope: string; uid: string },
  requestHash: string,
  result: Record<string, unknown>,
  now: number,
): IdempotencyRecord {
  return {
    scope: call.scope,
    uid: call.uid,
    requestHash,
    result,
    createdAt: Timestamp.fromMillis(now),
    expireAt: Timestamp.fromMillis(now + KEEP_RECORDS_MS),
  };
}

/** Where the record of (callable, caller, key) lives. */
export const recordId = (scope: string, opId: string) => `${scope}-${opId}`;

/**
 * Runs `effect` at most once per (scope, uid, key) and returns the first answer to every call.
 * `effect` must do all its reads before its writes, and must not write `undefined` into its result.
 */
export async function once<Req, Res extends Record<string, unknown>>(
  deps: Deps,
  call: Call<Req>,
  what: string,
  effect: (tx: Tx, opId: string) => Promise<Res>,
): Promise<Res> {
  const opId = operationId(call.scope, call.uid, call.key);
  const ref = idempotencyRef(deps.db, recordId(call.scope, opId));
  const requestHash = hashRequest(call.request);

  // Most retries arrive after the first call finished: answer them without a transaction.
  const seen = await ref.get();
  countReads(deps, 1);
  if (seen.exists) return replay<Res>(seen.data(), requestHash);

  return runInTransaction(deps, what, async (tx) => {
    const prior = await tx.get(ref);
    if (prior.exists) return replay<Res>(prior.data(), requestHash);
    const result = await effect(tx, opId);
    tx.create(ref, idempotencyRecord(call, requestHash, result, deps.clock.now().getTime()));
    return result;
  });
}
