/**
 * One WebChannel session: one Listen or Write stream of one browser tab. Requests arrive as
 * numbered maps on forward POSTs (a retry resends maps already taken, which are dropped); the
 * stream's responses become numbered arrays, kept until the client acknowledges them (`AID`) so
 * that a back channel reopened after a drop resends what the old one may have lost.
 */
import type { ServerResponse } from 'node:http';
import type * as protobuf from 'protobufjs';
import { RpcError, status } from '../errors';
import type { DuplexCall, StreamSink } from '../transports/service-calls';
import { decodeJson, encodeJson } from '../transports/proto-json';
import { frame } from './framing';

export interface SessionSettings {
  /** Longest silence on an open back channel before a `noop` (the client's watchdog is 45 s). */
  keepaliveMs: number;
  /** Bytes sent but not acknowledged beyond which the client is taken as gone. */
  maxUnackedChars: number;
}

/** Unacknowledged characters after which a streaming back channel is ended (see flush). */
const RECYCLE_STREAMING_CHARS = 1024 * 1024;

interface Outgoing {
  id: number;
  text: string;
}

interface BackChannel {
  res: ServerResponse;
  longPoll: boolean;
  /** Highest array id written on this back channel. */
  cursor: number;
  keepalive: NodeJS.Timeout;
}

export class ChannelSession implements StreamSink {
  private call: DuplexCall | null = null;
  private readonly outbox: Outgoing[] = [];
  /** Characters held in the outbox (sent or not, unacknowledged). */
  private outboxChars = 0;
  private nextArrayId = 1;
  private lastSentId = 0;
  private nextMapId = 0;
  private back: BackChannel | null = null;
  private pendingFlush: NodeJS.Immediate | null = null;
  private inputClosed = false;
  closed = false;
  lastSeen = Date.now();

  constructor(
    readonly id: string,
    private readonly types: { request: protobuf.Type; response: protobuf.Type },
    private readonly settings: SessionSettings,
    private readonly onClose: (session: ChannelSession) => void,
  ) {}

  attach(call: DuplexCall): void {
    this.call = call;
  }

  get hasBackChannel(): boolean {
    return this.back !== null;
  }

  /** Feeds the maps of a forward request; maps already taken (a retry) are skipped. */
  receive(offset: number, messages: string[]): void {
    this.lastSeen = Date.now();
    for (let k = 0; k < messages.length; k++) {
      const mapId = offset + k;
      if (mapId < this.nextMapId) continue;
      if (mapId > this.nextMapId) {
        throw new RpcError(
          status.INVALID_ARGUMENT,
          `Map ${mapId} arrived before map ${this.nextMapId}: forward requests must resend every unacknowledged map.`,
        );
      }
      this.nextMapId++;
      if (this.inputClosed) continue;
      let request: unknown;
      try {
        request = decodeJson(this.types.request, JSON.parse(messages[k]!));
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        this.error(
          error instanceof RpcError
            ? error
            : new RpcError(status.INVALID_ARGUMENT, `Invalid JSON payload received. ${detail}`),
        );
        continue;
      }
      this.call?.push(request);
    }
  }

  /** The answer to a forward POST: back channel open, last array id sent, characters unacknowledged. */
  forwardAck(): [number, number, number] {
    const unacked = this.outbox.reduce((n, o) => (o.id <= this.lastSentId ? n + o.text.length : n), 0);
    return [this.back ? 1 : 0, this.lastSentId, unacked];
  }

  acknowledge(arrayId: number): void {
    while (this.outbox.length > 0 && this.outbox[0]!.id <= arrayId)
      this.outboxChars -= this.outbox.shift()!.text.length;
  }

  /** A back channel GET: resends everything after `acknowledged`, then streams or long-polls. */
  openBackChannel(
    res: ServerResponse,
    headers: Record<string, string>,
    longPoll: boolean,
    acknowledged: number,
    timeoutMs: number | null,
  ): void {
    this.lastSeen = Date.now();
    this.acknowledge(acknowledged);
    this.closeBackChannel();
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-cache, no-store, max-age=0',
      'x-content-type-options': 'nosniff',
    });
    const every = Math.max(50, Math.min(this.settings.keepaliveMs, timeoutMs ? timeoutMs / 2 : Infinity));
    const back: BackChannel = {
      res,
      longPoll,
      cursor: acknowledged,
      keepalive: setInterval(() => this.enqueue(['noop']), every),
    };
    back.keepalive.unref();
    this.back = back;
    res.on('close', () => {
      if (this.back === back) this.closeBackChannel();
    });
    const pending = this.outbox.some((o) => o.id > back.cursor);
    // A streaming back channel must show a byte at once, or the SDK decides a proxy buffers it
    // and moves the session to long-polling.
    if (pending) this.flush();
    else if (!longPoll) this.enqueue(['noop']);
  }

  message(response: unknown): void {
    this.enqueue([encodeJson(this.types.response, response)]);
  }

  /** The stream ended normally: `close` makes the client terminate and reopen if it still needs one. */
  end(): void {
    this.inputClosed = true;
    this.enqueue(['close']);
  }

  /** The stream failed: the error travels in the channel as the SDK reads it (status by name). */
  error(error: RpcError): void {
    if (this.inputClosed) return;
    this.inputClosed = true;
    this.call?.cancel();
    this.enqueue([
      { error: { code: error.code, message: error.message, status: status[error.code] ?? 'UNKNOWN' } },
    ]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.inputClosed = true;
    this.call?.cancel();
    this.closeBackChannel();
    this.outbox.length = 0;
    this.outboxChars = 0;
    this.onClose(this);
  }

  private enqueue(payload: unknown): void {
    if (this.closed) return;
    const id = this.nextArrayId++;
    const text = JSON.stringify([id, payload]);
    this.outbox.push({ id, text });
    this.outboxChars += text.length;
    // A client that stopped reading (a frozen tab) must not hold unbounded memory here; it finds its
    // session gone and opens a new one, resuming its targets by token.
    if (this.outboxChars > this.settings.maxUnackedChars) return this.close();
    // A long-poll ends with its first chunk: what the same event produces (a commit's changes and
    // the snapshot after them) goes in that one chunk, not one poll each.
    if (this.back?.longPoll) this.pendingFlush ??= setImmediate(() => this.flush());
    else this.flush();
  }

  private flush(): void {
    if (this.pendingFlush) clearImmediate(this.pendingFlush);
    this.pendingFlush = null;
    const back = this.back;
    if (!back) return;
    const due = this.outbox.filter((o) => o.id > back.cursor);
    if (due.length === 0) return;
    back.res.write(frame(`[${due.map((o) => o.text).join(',')}]`));
    back.cursor = due.at(-1)!.id;
    this.lastSentId = Math.max(this.lastSentId, back.cursor);
    // The SDK acknowledges (AID) only on its next request, and a Listen client may send none for
    // hours: a streaming back channel is ended after a complete chunk once much is unacknowledged,
    // and the client reopens it at once with the new AID, which frees what it had received.
    const recycleAt = Math.min(RECYCLE_STREAMING_CHARS, this.settings.maxUnackedChars / 2);
    if (back.longPoll || this.outboxChars > recycleAt) this.closeBackChannel();
  }

  private closeBackChannel(): void {
    const back = this.back;
    if (!back) return;
    this.back = null;
    this.lastSeen = Date.now();
    clearInterval(back.keepalive);
    if (!back.res.writableEnded) back.res.end();
  }
}
