/**
 * What the REST suites share: a fetch-based caller for the v1 REST API (as curl would call it), the
 * Google error shape, unsigned ID tokens, and an admin SDK Firestore forced onto REST behind a
 * relay that records every request it carries, so a test can show the SDK spoke HTTP/1.1 only.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import { Firestore as CloudFirestore } from '@google-cloud/firestore';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';

/** How long any single awaited step of a REST test may take before it fails instead of hanging. */
export const STEP_TIMEOUT_MS = 10_000;

export function within<T>(promise: Promise<T>, what: string, ms = STEP_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A promise with its resolve function, for steps a test releases itself. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export const database = (projectId: string) => `projects/${projectId}/databases/(default)`;
export const documents = (projectId: string) => `${database(projectId)}/documents`;
export const docName = (projectId: string, path: string) => `${documents(projectId)}/${path}`;

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  body: any;
}

export interface CallOptions {
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as it is. */
  raw?: string;
  headers?: Record<string, string>;
}

export type RestCall = (method: string, path: string, options?: CallOptions) => Promise<Reply>;

/** Calls `http://host{path}` the way curl would; `path` starts with `/`. */
export function restCaller(host: string, defaultHeaders: Record<string, string> = {}): RestCall {
  return async (method, path, options = {}) => {
    const body = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
    const response = await fetch(`http://${host}${path}`, {
      method,
      body,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...defaultHeaders,
        ...options.headers,
      },
      signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  };
}

/** Asserts a Google API error: `{"error":{"code":<http>,"message","status":"NAME"}}` and nothing else. */
export function assertGoogleError(
  reply: Reply,
  httpStatus: number,
  statusName: string,
  message: RegExp,
): void {
  assert.equal(reply.status, httpStatus, `HTTP status of ${reply.text}`);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(Object.keys(reply.body ?? {}), ['error'], reply.text);
  assert.deepEqual(Object.keys(reply.body.error).sort(), ['code', 'message', 'status']);
  assert.equal(reply.body.error.code, httpStatus);
  assert.equal(reply.body.error.status, statusName);
  assert.match(reply.body.error.message, message);
}

/**
 * `Bearer <token>` for a web SDK user: an unsigned JWT (`alg: none`, empty signature), which is
 * what the SDKs' mock user tokens are and what the emulator reads claims from.
 */
export function bearer(uid: string, claims: Record<string, unknown> = {}): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: 'https://securetoken.google.com/test', aud: 'test', iat: now, exp: now + 3600 };
  return `Bearer ${part({ alg: 'none', typ: 'JWT' })}.${part({ ...payload, ...claims, sub: uid, user_id: uid })}.`;
}

const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** Every connection and request a WireLog's relay carried. */
export interface WireLog {
  /** host:port of the relay. */
  host: string;
  /** Connections that opened with the HTTP/2 preface (gRPC), relayed as they are. */
  readonly http2Connections: number;
  /** HTTP/1.1 requests, as `METHOD /path?query`. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

/**
 * A relay in front of the emulator that sorts each connection by its first bytes, as the
 * emulator's own front door does: HTTP/2 connections are counted and piped through, HTTP/1.1
 * requests are parsed, logged and forwarded one by one.
 */
export async function wireLog(target: string): Promise<WireLog> {
  const i = target.lastIndexOf(':');
  const [targetHost, targetPort] = [target.slice(0, i), Number(target.slice(i + 1))];
  const requests: string[] = [];
  let http2Connections = 0;
  const agent = new http.Agent({ keepAlive: true });
  const sockets = new Set<net.Socket>();
  const forwarder = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const upstream = http.request(
      { host: targetHost, port: targetPort, method: req.method, path: req.url, headers: req.headers, agent },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    client.once('data', (chunk: Buffer) => {
      client.pause();
      client.unshift(chunk);
      const n = Math.min(chunk.length, HTTP2_PREFACE.length);
      if (chunk.subarray(0, n).equals(HTTP2_PREFACE.subarray(0, n))) {
        http2Connections++;
        const upstream = net.connect(targetPort, targetHost);
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        const cut = () => (client.destroy(), upstream.destroy());
        upstream.on('error', cut).on('close', cut);
        client.on('close', cut);
        client.pipe(upstream).pipe(client);
        client.resume();
      } else {
        forwarder.emit('connection', client);
        client.resume();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    get http2Connections() {
      return http2Connections;
    },
    get requests() {
      return requests;
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      forwarder.close();
      agent.destroy();
      await closed;
    },
  };
}

/**
 * Stands in for google-auth-library in the SDKs' REST transport (google-gax's fallback), which
 * asks for credentials even when it talks to an emulator (googleapis/nodejs-firestore#1811) and
 * fails where there are none. It adds no header: the SDKs' own emulator header,
 * `Authorization: Bearer owner`, goes with every request. google-gax 4 (firebase-admin's) calls
 * `getRequestHeaders` and fetches itself; google-gax 5 (@google-cloud/firestore 8) calls `fetch`.
 * The gRPC client an SDK still opens for Listen asks it for the universe domain only.
 */
const emulatorAuth = {
  getUniverseDomain: async () => 'googleapis.com',
  getRequestHeaders: async () => ({}),
  fetch: (url: string, init: RequestInit) =>
    fetch(url, { method: init.method, headers: init.headers, body: init.body, signal: init.signal }),
};

/** Runs `connect` with FIRESTORE_EMULATOR_HOST naming `host`, which the SDKs read when configured. */
function withEmulatorHost<T>(host: string, connect: () => T): T {
  const saved = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = host;
  try {
    return connect();
  } finally {
    if (saved === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = saved;
  }
}

const portOf = (host: string) => Number(host.slice(host.lastIndexOf(':') + 1));

export interface RestAdmin {
  /** firebase-admin Firestore with `preferRest: true`, connected through `wire`. */
  db: Firestore;
  wire: WireLog;
  stop(): Promise<void>;
}

/**
 * An admin SDK Firestore for `projectId` that uses REST, set up as an app does it:
 * `getFirestore(app)` and then `settings({ preferRest: true })`. The SDK takes its host from
 * FIRESTORE_EMULATOR_HOST when `settings()` runs, and keeps the port it had unless given one, so
 * the variable names the relay for that call and the port is named too.
 */
export async function restAdmin(host: string, projectId: string): Promise<RestAdmin> {
  const wire = await wireLog(host);
  const app = initializeApp({ projectId }, `rest-admin-${randomUUID()}`);
  const db = getFirestore(app);
  withEmulatorHost(wire.host, () =>
    db.settings({ preferRest: true, port: portOf(wire.host), auth: emulatorAuth }),
  );
  return {
    db,
    wire,
    stop: async () => {
      await db.terminate();
      await deleteApp(app);
      await wire.close();
    },
  };
}

export interface RestCloudFirestore {
  /** @google-cloud/firestore 8 (google-gax 5) with `preferRest: true`, connected through `wire`. */
  db: CloudFirestore;
  wire: WireLog;
  stop(): Promise<void>;
}

export async function restCloudFirestore(host: string, projectId: string): Promise<RestCloudFirestore> {
  const wire = await wireLog(host);
  const db = withEmulatorHost(
    wire.host,
    () => new CloudFirestore({ projectId, preferRest: true, port: portOf(wire.host), auth: emulatorAuth }),
  );
  return {
    db,
    wire,
    stop: async () => {
      await db.terminate();
      await wire.close();
    },
  };
}
