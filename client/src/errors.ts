/**
 * Errors as values an app can switch on: `result.ok` first, then `result.error.code`. Each code
 * carries what the app needs to act (which field, how many are left, why a reservation is closed):
 * the details the functions send, in the shapes @hearth/contracts defines for them.
 */
import {
  ErrorDetails,
  type InvalidArgumentDetails,
  type NotFoundDetails,
  type OutOfStockDetails,
  type PreconditionDetails,
  type UnavailableDetails,
} from '@hearth/contracts';
import { FirebaseError } from 'firebase/app';
import type { z } from 'zod';

export type HearthError =
  | ({ code: 'invalid-argument'; message: string } & InvalidArgumentDetails)
  | ({ code: 'out-of-stock'; message: string } & OutOfStockDetails)
  | ({ code: 'not-found'; message: string } & NotFoundDetails)
  | ({ code: 'failed-precondition'; message: string } & PreconditionDetails)
  | { code: 'unauthenticated'; message: string }
  | { code: 'permission-denied'; message: string }
  /**
   * Busy or unreachable; the same call (same idempotency key) may be retried, and has at most one
   * effect however often it is. `retryAfterSeconds` is the server's hint, when it gave one.
   */
  | ({ code: 'unavailable'; message: string; retryable: true } & UnavailableDetails)
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

/** The details an error came with, in its code's contract shape, or what fits when they do not parse. */
function detailsOf<C extends keyof typeof ErrorDetails>(
  code: C,
  details: unknown,
  fallback: z.infer<(typeof ErrorDetails)[C]>,
): z.infer<(typeof ErrorDetails)[C]> {
  const parsed = ErrorDetails[code].safeParse(details);
  return parsed.success ? (parsed.data as z.infer<(typeof ErrorDetails)[C]>) : fallback;
}

/** From an error of the Functions or Firestore SDK (codes like `functions/resource-exhausted`). */
export function toHearthError(err: unknown): HearthError {
  const code = err instanceof FirebaseError ? err.code.replace(/^(functions|firestore)\//, '') : '';
  const message = err instanceof Error ? err.message : String(err);
  const details = (err as { details?: unknown } | null)?.details;
  switch (code) {
    case 'invalid-argument':
      return {
        code,
        message,
        ...detailsOf(code, details, { field: '(request)', issues: [] }),
      };
    case 'resource-exhausted':
      return {
        code: 'out-of-stock',
        message,
        ...detailsOf(code, details, { sku: '', requested: 0, available: 0 }),
      };
    case 'not-found':
      return { code, message, ...detailsOf(code, details, { kind: '', id: '' }) };
    case 'failed-precondition':
      return { code, message, ...detailsOf(code, details, { reason: 'failed-precondition' }) };
    case 'unauthenticated':
    case 'permission-denied':
      return { code, message };
    case 'unavailable':
    case 'deadline-exceeded':
    case 'aborted':
      return { code: 'unavailable', message, retryable: true, ...detailsOf('unavailable', details, {}) };
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
