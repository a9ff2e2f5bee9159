/**
 * How every callable answers, whatever its domain: the request checked against its zod contract
 * (invalid-argument naming the field), the caller required to be signed in, and errors mapped to
 * HttpsError so an app can switch on the code. Domain logic throws DomainError (or a subclass
 * named for its domain); anything else is a bug and reaches the caller as `internal`.
 */
import { type CallableRequest, type FunctionsErrorCode, HttpsError } from 'firebase-functions/v2/https';
import type { InvalidArgumentDetails } from '@hearth/contracts';
import type { z } from 'zod';

/** The part of a CallableRequest the handlers read, so tests need not fake the rest. */
export type CallRequest = Pick<CallableRequest<unknown>, 'data' | 'auth'>;

/**
 * An error the caller can act on, carrying the callable error code that fits it. The code is a
 * string on purpose: the Firestore SDK retries a transaction whose callback throws an error with a
 * numeric gRPC code, and a domain refusal must end the transaction, not repeat it.
 */
export class DomainError<Code extends FunctionsErrorCode = FunctionsErrorCode> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The signed-in caller's auth, or `unauthenticated`. */
export function signedIn(req: CallRequest): NonNullable<CallRequest['auth']> {
  if (!req.auth?.uid)
    throw new HttpsError('unauthenticated', 'Sign in first: this call needs a signed-in user');
  return req.auth;
}

export function parseRequest<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const parsed = schema.safeParse(data ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({
    field: i.path.join('.') || '(request)',
    message: i.message,
  }));
  const first = issues[0]!;
  const details: InvalidArgumentDetails = { field: first.field, issues };
  throw new HttpsError('invalid-argument', issues.map((i) => `${i.field}: ${i.message}`).join('; '), details);
}

const GRPC_ABORTED = 10;
const GRPC_UNAVAILABLE = 14;

/** Firestore contention (ABORTED, or a transient UNAVAILABLE): worth retrying, never shown raw. */
export function isContention(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === GRPC_ABORTED || code === GRPC_UNAVAILABLE;
}

export function toHttpsError(err: unknown): HttpsError {
  if (err instanceof HttpsError) return err;
  if (err instanceof DomainError) return new HttpsError(err.code, err.message, err.details);
  if (isContention(err))
    return new HttpsError(
      'unavailable',
      'The store is too busy right now; nothing was changed. Try again shortly.',
    );
  console.error('callable failed', err);
  return new HttpsError(
    'internal',
    'Something went wrong on our side; nothing was changed. Try again shortly.',
  );
}
