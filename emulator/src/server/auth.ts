/**
 * Who is calling, from the `authorization` metadata, the way the official emulator reads it:
 * `Bearer owner` is an admin (rules bypassed); any other bearer token is taken as an unsigned
 * Firebase ID token (the SDKs' mock user tokens have `alg: none` and an empty signature) and its
 * claims are trusted as they are; no header at all is an anonymous client.
 */
import { RpcError, status } from '../errors';

export type Caller =
  { kind: 'owner' } | { kind: 'anonymous' } | { kind: 'user'; uid: string; token: Record<string, unknown> };

export function callerFromAuthorization(header: string | undefined): Caller {
  if (!header) return { kind: 'anonymous' };
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) throw unauthenticated('The authorization header must be "Bearer <token>".');
  const token = match[1]!;
  if (token === 'owner') return { kind: 'owner' };
  const parts = token.split('.');
  if (parts.length !== 3)
    throw unauthenticated('The bearer token is not a JWT (expected three dot-separated parts).');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    throw unauthenticated('The bearer token payload is not base64url-encoded JSON.');
  }
  if (typeof claims !== 'object' || claims === null)
    throw unauthenticated('The bearer token payload is not an object.');
  const record = claims as Record<string, unknown>;
  const uid = record.sub ?? record.user_id ?? record.uid;
  if (typeof uid !== 'string' || uid === '')
    throw unauthenticated('The bearer token has no "sub" (user id) claim.');
  return { kind: 'user', uid, token: record };
}

function unauthenticated(message: string): RpcError {
  return new RpcError(status.UNAUTHENTICATED, message);
}
