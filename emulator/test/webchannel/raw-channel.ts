/**
 * A small WebChannel (BrowserChannel VER=8) client speaking the bytes the Firestore web SDK sends
 * (see shared/notes/webchannel-protocol.md), over node:http so that every parameter, header and
 * body byte is the test's choice: handshake POST, forward POSTs with SID/RID/AID, back channel GETs
 * (streaming CI=0 or long-poll CI=1), terminate. Responses are parsed by a chunk parser that counts
 * UTF-16 code units, as the SDK does, and fails on anything that is not a well-formed chunk.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { Firestore } from '@google-cloud/firestore';
import { start, type EmulatorOptions, type RunningEmulator } from '../../src/index';

/** The Origin a browser page on another port would send; CORS answers must echo it. */
export const ORIGIN = 'http://app.localhost:5173';

export type Rpc = 'Listen' | 'Write';
export type Ack = [number, number, number];
export type ChannelArray = [number, unknown];

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface RequestOptions {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Origin header; `null` sends none. */
  origin?: string | null;
  timeoutMs?: number;
}

/** Rejects after `ms` with a message naming what was awaited. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function send(url: string, options: RequestOptions): http.ClientRequest {
  const origin = options.origin === undefined ? ORIGIN : options.origin;
  const headers: Record<string, string> = { ...options.headers };
  if (origin !== null) headers['origin'] = origin;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    headers['content-length'] = String(Buffer.byteLength(options.body));
  }
  // agent:false: one connection per request, so an aborted or unread response touches nothing else.
  const req = http.request(url, { method: options.method ?? 'GET', headers, agent: false });
  req.end(options.body);
  return req;
}

/** One whole HTTP exchange. */
export function request(url: string, options: RequestOptions = {}): Promise<RawResponse> {
  const req = send(url, options);
  const done = new Promise<RawResponse>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString() }),
      );
    });
  });
  return within(done, options.timeoutMs ?? 5000, `${options.method ?? 'GET'} ${url}`).finally(() =>
    req.destroy(),
  );
}

/**
 * Splits a channel response into its chunks: a decimal length, `\n`, then that many UTF-16 code
 * units. Bytes may arrive split anywhere, even inside a UTF-8 character.
 */
export class ChunkParser {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private buffer = '';

  push(bytes: Uint8Array): string[] {
    this.buffer += this.decoder.decode(bytes, { stream: true });
    const out: string[] = [];
    while (true) {
      const newline = this.buffer.indexOf('\n');
      const prefix = newline < 0 ? this.buffer : this.buffer.slice(0, newline);
      if (!/^\d*$/.test(prefix) || (newline === 0 && this.buffer.length > 0)) {
        throw new Error(`Not a chunk length: ${JSON.stringify(this.buffer.slice(0, 40))}`);
      }
      if (newline < 0) break;
      const length = Number(prefix);
      const start = newline + 1;
      if (this.buffer.length < start + length) break;
      out.push(this.buffer.slice(start, start + length));
      this.buffer = this.buffer.slice(start + length);
    }
    return out;
  }

  /** The body ended: anything left over is a truncated chunk. */
  end(): void {
    this.buffer += this.decoder.decode();
    if (this.buffer.length > 0)
      throw new Error(`Truncated chunk: ${JSON.stringify(this.buffer.slice(0, 80))}`);
  }
}

/** Parses a whole response body into its chunks' JSON values. */
export function chunksOf(text: string): unknown[] {
  const parser = new ChunkParser();
  const chunks = parser.push(Buffer.from(text));
  parser.end();
  return chunks.map((c) => JSON.parse(c) as unknown);
}

/** Form body of a forward request: optional header block, then `count`, `ofs` and one map per message. */
export function forwardBody(messages: unknown[], ofs: number, headers?: Record<string, string>): string {
  const parts: string[] = [];
  if (headers) {
    const block = Object.entries(headers)
      .map(([name, value]) => `${name}:${value}\r\n`)
      .join('');
    parts.push(`headers=${encodeURIComponent(block)}`);
  }
  parts.push(`count=${messages.length}`, `ofs=${ofs}`);
  messages.forEach((m, k) =>
    parts.push(`req${k}___data__=${encodeURIComponent(typeof m === 'string' ? m : JSON.stringify(m))}`),
  );
  return parts.join('&');
}

export function channelUrl(host: string, rpc: Rpc, params: Record<string, string | number | null>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null) query.set(key, String(value));
  query.set('zx', randomBytes(6).toString('hex'));
  return `http://${host}/google.firestore.v1.Firestore/${rpc}/channel?${query}`;
}

/** A back channel GET as it streams: its chunks, its arrays, and a way to wait for more. */
export class BackChannel {
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  /** Each chunk's text exactly as framed. */
  readonly chunks: string[] = [];
  readonly arrays: ChannelArray[] = [];
  /** Raw bytes received. */
  bytes = 0;
  /** The body of an answer other than 200. */
  text = '';
  ended = false;
  error: Error | null = null;
  /** How many arrays `next` has handed out. */
  private cursor = 0;
  private readonly listeners = new Set<() => void>();
  private readonly req: http.ClientRequest;
  readonly opened: Promise<void>;
  readonly finished: Promise<void>;

  constructor(url: string, onArray: (array: ChannelArray) => void, origin?: string | null) {
    this.req = send(url, { origin });
    const parser = new ChunkParser();
    let resolveOpened!: () => void;
    let rejectOpened!: (e: Error) => void;
    this.opened = new Promise((resolve, reject) => ((resolveOpened = resolve), (rejectOpened = reject)));
    this.finished = new Promise<void>((resolve) => {
      const finish = (error: Error | null) => {
        if (this.ended) return;
        this.ended = true;
        this.error ??= error;
        rejectOpened(error ?? new Error('back channel ended before its headers'));
        this.notify();
        resolve();
      };
      this.req.on('error', finish);
      this.req.on('response', (res) => {
        this.status = res.statusCode ?? 0;
        this.headers = res.headers;
        resolveOpened();
        res.on('data', (bytes: Buffer) => {
          this.bytes += bytes.length;
          // An error answer is plain text, not chunks.
          if (this.status !== 200) return void (this.text += bytes.toString());
          try {
            for (const text of parser.push(bytes)) {
              this.chunks.push(text);
              for (const array of JSON.parse(text) as ChannelArray[]) {
                this.arrays.push(array);
                onArray(array);
              }
            }
          } catch (error) {
            this.error = error as Error;
          }
          this.notify();
        });
        res.on('error', finish);
        res.on('aborted', () => finish(new Error('aborted')));
        res.on('end', () => {
          try {
            if (this.status === 200) parser.end();
          } catch (error) {
            this.error ??= error as Error;
          }
          finish(null);
        });
      });
    });
    void this.opened.catch(() => undefined);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Calls `listener` after every chunk and at the end; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with `probe()`'s first defined value, re-checked on every chunk and at the end. */
  waitUntil<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        if (this.error) return done(() => reject(this.error!));
        const value = probe();
        if (value !== undefined) return done(() => resolve(value));
        if (this.ended) done(() => reject(new Error(`back channel ended while waiting for ${what}`)));
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(
              new Error(
                `timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(this.arrays)}`,
              ),
            ),
          ),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** The next array not handed out yet. */
  async next(timeoutMs = 3000): Promise<ChannelArray> {
    const array = await this.waitUntil(() => this.arrays[this.cursor], timeoutMs, 'the next array');
    this.cursor++;
    return array;
  }

  /** Skips noops and hands out the next message (`payload[0]` of a message array). */
  async nextMessage(timeoutMs = 3000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const [, payload] = await this.next(Math.max(1, deadline - Date.now()));
      if (Array.isArray(payload) && payload[0] === 'noop') continue;
      return Array.isArray(payload) ? payload[0] : payload;
    }
  }

  /** Waits for a message matching `test`, skipping others. */
  async messageWhere(test: (message: any) => boolean, timeoutMs = 3000, what = 'a message'): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const message = await this.nextMessage(Math.max(1, deadline - Date.now())).catch((error: Error) => {
        throw new Error(`${what}: ${error.message}`);
      });
      if (test(message)) return message;
    }
  }

  /** Resolves when the response ends (rejects after the timeout). */
  end(timeoutMs = 3000): Promise<void> {
    return within(this.finished, timeoutMs, 'the back channel to end');
  }

  /** The client vanishes: the connection is dropped. */
  abort(): void {
    this.req.destroy();
  }
}

export interface OpenOptions {
  database: string;
  /** The handshake's header block (Authorization goes here). */
  headers?: Record<string, string>;
  /** Maps sent with the handshake. */
  messages?: unknown[];
  origin?: string | null;
}

/** One channel session as the SDK drives it. */
export class RawChannel {
  /** The RID of the last forward request. */
  rid = Math.floor(Math.random() * 90_000);
  nextMapId = 0;
  /** Highest array id received on any back channel (the SDK's AID). */
  lastArrayId = 0;
  readonly backChannels: BackChannel[] = [];

  private constructor(
    readonly host: string,
    readonly rpc: Rpc,
    readonly database: string,
    readonly sid: string,
    readonly handshake: RawResponse,
    private readonly origin: string | null | undefined,
  ) {}

  /** A client for a session id it did not get from a handshake (an unknown or reaped one). */
  static withSid(host: string, rpc: Rpc, database: string, sid: string): RawChannel {
    return new RawChannel(host, rpc, database, sid, { status: 0, headers: {}, text: '' }, undefined);
  }

  /** Performs the handshake; throws unless it is answered with a `c` array. */
  static async open(host: string, rpc: Rpc, options: OpenOptions): Promise<RawChannel> {
    const response = await handshake(host, rpc, options);
    if (response.status !== 200) throw new Error(`handshake failed: ${response.status} ${response.text}`);
    const [[[id, c]]] = chunksOf(response.text) as [[[number, [string, string, null, number]]]];
    if (id !== 0 || c[0] !== 'c') {
      throw new Error(`handshake failed: ${response.status} ${response.text}`);
    }
    const channel = new RawChannel(host, rpc, options.database, c[1], response, options.origin);
    channel.nextMapId = options.messages?.length ?? 0;
    return channel;
  }

  url(params: Record<string, string | number | null>): string {
    return channelUrl(this.host, this.rpc, { VER: 8, database: this.database, SID: this.sid, ...params });
  }

  /**
   * A forward POST with `messages` as maps from `ofs` (default: the next map id); `rid` defaults
   * to the next RID (a retry passes the old one), `aid` to the last array id received.
   */
  async send(
    messages: unknown[],
    options: { ofs?: number; rid?: number; aid?: number; body?: string; t?: number } = {},
  ): Promise<RawResponse & { ack: Ack | null }> {
    const ofs = options.ofs ?? this.nextMapId;
    const rid = options.rid ?? ++this.rid;
    const response = await request(
      this.url({ RID: rid, AID: options.aid ?? this.lastArrayId, t: options.t ?? 1 }),
      { method: 'POST', body: options.body ?? forwardBody(messages, ofs), origin: this.origin },
    );
    if (options.ofs === undefined && response.status === 200) this.nextMapId += messages.length;
    let ack: Ack | null = null;
    if (response.status === 200) [ack] = chunksOf(response.text) as [Ack];
    return { ...response, ack };
  }

  /**
   * Opens a back channel GET. A streaming one (CI=0) is returned once its headers arrive (the
   * server writes a byte at once); a long-poll (CI=1) at once, as it shows nothing until it answers.
   */
  openBack(options: { ci?: 0; aid?: number; to?: number }): Promise<BackChannel>;
  openBack(options: { ci: 1; aid?: number; to?: number }): BackChannel;
  openBack(): Promise<BackChannel>;
  openBack(options: { ci?: 0 | 1; aid?: number; to?: number } = {}): Promise<BackChannel> | BackChannel {
    const url = this.url({
      RID: 'rpc',
      AID: options.aid ?? this.lastArrayId,
      CI: options.ci ?? 0,
      TYPE: 'xmlhttp',
      TO: options.to ?? null,
      t: 1,
    });
    const back = new BackChannel(
      url,
      ([id]) => (this.lastArrayId = Math.max(this.lastArrayId, id)),
      this.origin,
    );
    this.backChannels.push(back);
    if (options.ci === 1) return back;
    return within(back.opened, 3000, 'the back channel headers').then(() => back);
  }

  async terminate(): Promise<RawResponse> {
    return request(this.url({ RID: ++this.rid, TYPE: 'terminate' }), {
      method: 'POST',
      body: '',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      origin: this.origin,
    });
  }

  /** Drops every back channel this client opened. */
  abortAll(): void {
    for (const back of this.backChannels) back.abort();
  }
}

export function handshake(host: string, rpc: Rpc, options: OpenOptions): Promise<RawResponse> {
  const url = channelUrl(host, rpc, {
    VER: 8,
    database: options.database,
    RID: Math.floor(Math.random() * 90_000),
    CVER: 22,
    'X-HTTP-Session-Id': 'gsessionid',
    t: 1,
  });
  const headers = {
    'X-Goog-Api-Client': 'gl-js/ fire/12.19.0',
    'Content-Type': 'text/plain',
    ...options.headers,
  };
  return request(url, {
    method: 'POST',
    body: forwardBody(options.messages ?? [], 0, headers),
    origin: options.origin,
  });
}

/** An unsigned ID token for `uid`, as the SDKs' mockUserToken makes them. */
export function mockIdToken(uid: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', type: 'JWT' })}.${part({
    iss: 'https://securetoken.google.com/demo',
    aud: 'demo',
    iat: now,
    exp: now + 3600,
    sub: uid,
    user_id: uid,
    firebase: { sign_in_provider: 'custom', identities: {} },
  })}.`;
}

export interface TestEmulator {
  emulator: RunningEmulator;
  host: string;
  projectId: string;
  database: string;
  /** Full name of a document of `projectId`. */
  doc(path: string): string;
  /** Admin SDK for `projectId` (owner: rules bypassed). */
  admin: Firestore;
  stats(): Promise<Record<string, number>>;
  loadRules(source: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts an emulator of its own in this process with `options` (these tests depend on its
 * WebChannel settings, so an emulator named by FIRESTORE_EMULATOR_HOST is not used).
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  // Not on Google Cloud: the admin SDK's auth library need not probe for a metadata server.
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const emulator = await start({ port: 0, ...options });
  const host = `${emulator.host}:${emulator.port}`;
  const projectId = `wc-${randomUUID().slice(0, 12)}`;
  const database = `projects/${projectId}/databases/(default)`;
  // The admin SDK reads the variable when constructed (it wins over a host setting); with it, the
  // SDK knows it talks to an emulator: owner credentials, no metadata-server lookup.
  const previous = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = host;
  const admin = new Firestore({ projectId });
  if (previous === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
  else process.env.FIRESTORE_EMULATOR_HOST = previous;
  return {
    emulator,
    host,
    projectId,
    database,
    doc: (path) => `${database}/documents/${path}`,
    admin,
    async stats() {
      const response = await request(`http://${host}/emulator/v1/stats`, { origin: null });
      return JSON.parse(response.text) as Record<string, number>;
    },
    async loadRules(source) {
      const response = await request(`http://${host}/emulator/v1/projects/${projectId}:securityRules`, {
        method: 'PUT',
        body: JSON.stringify({ rules: { files: [{ name: 'firestore.rules', content: source }] } }),
        headers: { 'content-type': 'application/json' },
        origin: null,
      });
      if (response.status !== 200) throw new Error(`rules: ${response.status} ${response.text}`);
    },
    async stop() {
      await admin.terminate();
      await emulator.stop();
    },
  };
}

/** `{"database":…,"addTarget":{"documents":{"documents":[names]},"targetId":id}}` */
export function addDocumentsTarget(database: string, targetId: number, names: string[]): object {
  return { database, addTarget: { documents: { documents: names }, targetId } };
}

/**
 * Polls `probe` until it gives a value: only for server state no event or response announces
 * (stats, whether the server holds a long-poll yet).
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Reads a session as the SDK does on a streaming back channel: when one ends normally, the next
 * opens at once with the new AID (which acknowledges what arrived); never a forward POST.
 */
export class Follower {
  readonly messages: any[] = [];
  /** Back channels opened so far. */
  opened = 0;
  private lastId = 0;
  private stopped = false;
  private failure: Error | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(readonly channel: RawChannel) {}

  async start(): Promise<void> {
    await this.openNext();
  }

  private async openNext(): Promise<void> {
    const back = await this.channel.openBack();
    this.opened++;
    let handled = 0;
    const pump = () => {
      for (; handled < back.arrays.length; handled++) {
        const [id, payload] = back.arrays[handled]!;
        // As the SDK: an array id at or below the last seen is a resend, ignored.
        if (id <= this.lastId) continue;
        this.lastId = id;
        if (Array.isArray(payload) && payload[0] === 'noop') continue;
        this.messages.push(Array.isArray(payload) ? payload[0] : payload);
      }
      this.notify();
    };
    back.onChange(pump);
    pump();
    void back.finished.then(() => {
      if (this.stopped) return;
      if (back.error || back.status !== 200) {
        this.failure = back.error ?? new Error(`back channel answered ${back.status}: ${back.text}`);
        return this.notify();
      }
      this.openNext().catch((error: Error) => {
        this.failure = error;
        this.notify();
      });
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Resolves with the first message matching `test` (from any back channel). */
  messageWhere(test: (message: any) => boolean, timeoutMs: number, what: string): Promise<any> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.find(test);
        if (found !== undefined) return done(() => resolve(found));
        if (this.failure) done(() => reject(new Error(`${what}: ${this.failure!.message}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  stop(): void {
    this.stopped = true;
    this.channel.abortAll();
  }
}
