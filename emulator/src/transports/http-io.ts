/**
 * The HTTP plumbing every browser-facing endpoint shares: CORS as the official emulator answers it
 * (any origin, with credentials, since the web SDK sends its requests with credentials), bounded
 * request bodies, and Google's JSON error shape with the HTTP status each gRPC code maps to.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RpcError, status } from '../errors';

/** Largest request body accepted on any HTTP endpoint: the gRPC receive limit (see README). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  // A credentialed request is refused unless the exact origin is echoed together with
  // Allow-Credentials; `*` is only right when there is no Origin at all (curl, Node).
  if (!origin) return { 'access-control-allow-origin': '*' };
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': 'X-HTTP-Session-Id, Content-Type',
    vary: 'Origin',
  };
}

/** Answers a CORS preflight for any path: the method and headers asked for are allowed. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(204, {
    ...corsHeaders(req),
    'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
    'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
    'access-control-max-age': '3600',
  });
  res.end();
}

export class BodyTooLarge extends RpcError {
  constructor(limit: number) {
    super(status.INVALID_ARGUMENT, `Request payload size exceeds the limit: ${limit} bytes.`);
  }
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The HTTP status Google's APIs answer for each gRPC code (google.rpc.Code's documented mapping). */
const HTTP_STATUS: Record<number, number> = {
  [status.OK]: 200,
  [status.CANCELLED]: 499,
  [status.UNKNOWN]: 500,
  [status.INVALID_ARGUMENT]: 400,
  [status.DEADLINE_EXCEEDED]: 504,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.PERMISSION_DENIED]: 403,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.FAILED_PRECONDITION]: 400,
  [status.ABORTED]: 409,
  [status.OUT_OF_RANGE]: 400,
  [status.UNIMPLEMENTED]: 501,
  [status.INTERNAL]: 500,
  [status.UNAVAILABLE]: 503,
  [status.DATA_LOSS]: 500,
  [status.UNAUTHENTICATED]: 401,
};

export function httpStatusOf(code: number): number {
  return HTTP_STATUS[code] ?? 500;
}

/** google.rpc.Status as JSON: `status` is the gRPC code's name, which is what clients map from. */
export function errorBody(error: RpcError): { error: { code: number; message: string; status: string } } {
  return {
    error: {
      code: httpStatusOf(error.code),
      message: error.message,
      status: status[error.code] ?? 'UNKNOWN',
    },
  };
}

export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  code: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    ...corsHeaders(req),
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...extraHeaders,
  });
  res.end(text);
}

export function sendError(req: IncomingMessage, res: ServerResponse, error: RpcError): void {
  sendJson(req, res, httpStatusOf(error.code), errorBody(error));
}
