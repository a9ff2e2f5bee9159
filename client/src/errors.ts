/**
 * Errors as values an app can switch on: `result.ok` first, then `result.error.code`. Each code
 * carries what the app needs to act (which field, how many are left, why a reservation is closed).
 */
import { FirebaseError } from 'firebase/app';
import type { z } from 'zod';

export type HearthError =
  | { code: 'invalid-argument'; message: string; field: string; issues: { field: string; message: string }[] }
  | { code: 'out-of-stock'; message: string; sku: string; requested: number; available: number }
  | { code: 'not-found'; message: string; kind: string; id: string }
  | { code: 'failed-precondition'; message: string; reason: string }
  | { code: 'unauthenticated'; message: string }
  | { code: 'permission-denied'; message: string }
  /** Busy or unreachable; nothing changed, the same call (same idempotency key) may be retried. */
  | { code: 'unavailable'; message: string; retryable: true }
  | { code: 'internal'; message: string };

export type HearthErrorCode = HearthError['code'];

export type Result<T> = { ok: true; value: T } | { ok: false; error: HearthError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T>(error: HearthError): Result<T> => ({ ok: false, error });

/** What `Result.value` is, or throws the error (for scripts and tests that expect success). */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { hearth: result.error });
}

const str = (v: unknown, fallback = '') => (typeof v === 'string' ? v : fallback);
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

/** From an error of the Functions or Firestore SDK (codes like `functions/resource-exhausted`). */
export function toHearthError(err: unknown): HearthError {
  const code = err instanceof FirebaseError ? err.code.replace(/^(functions|firestore)\//, '') : '';
  const message = err instanceof Error ? err.message : String(err);
  const details = ((err as { details?: unknown }).details ?? {}) as Record<string, unknown>;
  switch (code) {
    case 'invalid-argument': {
      const issues = Array.isArray(details.issues)
        ? (details.issues as { field: string; message: string }[])
        : [];
      return { code, message, field: str(details.field, issues[0]?.field ?? '(request)'), issues };
    }
    case 'resource-exhausted':
      return {
        code: 'out-of-stock',
        message,
        sku: str(details.sku),
        requested: num(details.requested),
        available: num(details.available),
      };
    case 'not-found':
      return { code, message, kind: str(details.kind), id: str(details.id) };
    case 'failed-precondition':
      return { code, message, reason: str(details.reason, 'failed-precondition') };
    case 'unauthenticated':
    case 'permission-denied':
      return { code, message };
    case 'unavailable':
    case 'deadline-exceeded':
    case 'aborted':
      return { code: 'unavailable', message, retryable: true };
    default:
      return { code: 'internal', message };
  }
}

/** A request or event that fails its zod contract, reported as the function itself would. */
export function invalidArgument(error: z.ZodError, what = '(request)'): HearthError {
  const issues = error.issues.map((i) => ({ field: i.path.join('.') || what, message: i.message }));
  return {
    code: 'invalid-argument',
    message: issues.map((i) => `${i.field}: ${i.message}`).join('; '),
    field: issues[0]?.field ?? what,
    issues,
  };
}
