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

/** Who may call: any signed-in user, store staff (custom claim staff or admin), or admins only. */
export type Access = 'customer' | 'staff' | 'admin';

/** The caller as every domain sees it, from the ID token's uid and claims. */
export interface Caller {
  uid: string;
  role: 'customer' | 'staff' | 'admin';
  /** Staff or admin. */
  staff: boolean;
  email: string | null;
  name: string | null;
  /** Signed in with Firebase anonymous auth (no account yet): shorter holds (HOLD_MINUTES_ANONYMOUS). */
  anonymous: boolean;
}

/** The signed-in caller's auth, or `unauthenticated`. */
export function signedIn(req: CallRequest): NonNullable<CallRequest['auth']> {
  if (!req.auth?.uid)
    throw new HttpsError('unauthenticated', 'Sign in first: this call needs a signed-in user');
  return req.auth;
}

/** The signed-in caller allowed by `access`, or `unauthenticated` / `permission-denied`. */
export function callerOf(req: CallRequest, access: Access): Caller {
  const auth = signedIn(req);
  const token = auth.token as
    | {
        admin?: unknown;
        staff?: unknown;
        email?: unknown;
        name?: unknown;
        firebase?: { sign_in_provider?: unknown };
      }
    | undefined;
  const role = token?.admin === true ? 'admin' : token?.staff === true ? 'staff' : 'customer';
  if (access === 'admin' && role !== 'admin')
    throw new HttpsError('permission-denied', 'Only admins (custom claim admin) may do this');
  if (access === 'staff' && role === 'customer')
    throw new HttpsError('permission-denied', 'Only store staff (custom claim staff or admin) may do this');
  return {
    uid: auth.uid,
    role,
    staff: role !== 'customer',
    email: typeof token?.email === 'string' ? token.email : null,
    name: typeof token?.name === 'string' ? token.name : null,
    anonymous: token?.firebase?.sign_in_provider === 'anonymous',
  };
}

/**
 * The one callable handler factory: `const handler = callableHandler(deps)`, then
 * `handler(access, Schema, (deps, caller, request) => domain(...))` is a function of a
 * CallableRequest that checks the caller, parses the request with its zod contract, runs the domain
 * with fresh deps, and maps every error with toHttpsError. index.ts wires it to `onCall`; tests call
 * it with `{ data, auth }`.
 */
export function callableHandler<D>(deps: () => D) {
  return <S extends z.ZodType, Res>(
      access: Access,
      schema: S,
      run: (deps: D, caller: Caller, data: z.infer<S>) => Promise<Res>,
    ): ((req: CallRequest) => Promise<Res>) =>
    async (req) => {
      try {
        const caller = callerOf(req, access);
        return await run(deps(), caller, parseRequest(schema, req.data));
      } catch (err) {
        throw toHttpsError(err);
      }
    };
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

const GRPC_DEADLINE_EXCEEDED = 4;
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
  // A commit past its deadline may still have been applied, so "nothing changed" would be a lie;
  // the idempotency key is what makes the retry safe either way.
  if ((err as { code?: unknown } | null)?.code === GRPC_DEADLINE_EXCEEDED)
    return new HttpsError(
      'unavailable',
      'The store did not answer in time. Try again with the same idempotency key: the call takes effect at most once.',
    );
  console.error('callable failed', err);
  return new HttpsError(
    'internal',
    'Something went wrong on our side; nothing was changed. Try again shortly.',
  );
}
