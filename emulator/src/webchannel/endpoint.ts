/**
 * WebChannel for the Listen and Write streams, at `/google.firestore.v1.Firestore/{Listen|Write}/channel`
 * as the web SDK addresses it: a handshake POST opens a session (its body carries the stream's
 * headers, credentials included, which are read like gRPC metadata), forward POSTs carry requests,
 * a back channel GET streams (CI=0) or long-polls (CI=1) the responses, and `TYPE=terminate` ends
 * it. Sessions that lose every channel are reaped. The wire format is in
 * ../../README.md#webchannel and ../../../shared/notes/webchannel-protocol.md.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RpcError } from '../errors';
import { firestoreServiceType } from '../protos';
import { corsHeaders, readBody } from '../transports/http-io';
import { metadataFrom, openDuplex, type ServiceImplementation } from '../transports/service-calls';
import { chunk, ChannelProtocolError, parseForwardBody, parseHeaderBlock } from './framing';
import { ChannelSession, type SessionSettings } from './session';

export interface WebChannelSettings extends SessionSettings {
  /** A session with no back channel and no request for this long is closed (default 60 s). */
  sessionIdleMs: number;
  /** Open sessions beyond which a handshake is refused with 503 (default 10,000). */
  maxSessions: number;
  /** Largest forward request body (default 16 MiB; a Firestore request is at most 10 MiB). */
  maxForwardBytes: number;
}

export const DEFAULT_WEBCHANNEL_SETTINGS: WebChannelSettings = {
  keepaliveMs: 20_000,
  maxUnackedChars: 64 * 1024 * 1024,
  sessionIdleMs: 60_000,
  maxSessions: 10_000,
  maxForwardBytes: 16 * 1024 * 1024,
};

const CHANNEL_PATH = /^\/google\.firestore\.v1\.Firestore\/(Listen|Write)\/channel$/;

export interface WebChannelEndpoint {
  /** True when the request was for a channel path (and has been or will be answered). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Sessions open now, for stats. */
  sessionCount(): number;
  close(): void;
}

export function webChannelEndpoint(
  service: ServiceImplementation,
  overrides: Partial<WebChannelSettings> = {},
): WebChannelEndpoint {
  const settings = { ...DEFAULT_WEBCHANNEL_SETTINGS, ...overrides };
  const sessions = new Map<string, ChannelSession>();
  const serviceType = firestoreServiceType();

  const reaper = setInterval(
    () => {
      const now = Date.now();
      for (const session of sessions.values()) {
        if (!session.hasBackChannel && now - session.lastSeen > settings.sessionIdleMs) session.close();
      }
    },
    Math.min(10_000, settings.sessionIdleMs),
  );
  reaper.unref();

  const fail = (req: IncomingMessage, res: ServerResponse, code: number, message: string) => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(code, { ...corsHeaders(req), 'content-type': 'text/plain; charset=utf-8' });
    res.end(message);
  };

  const handshake = async (req: IncomingMessage, res: ServerResponse, rpc: 'Listen' | 'Write', url: URL) => {
    if (url.searchParams.get('VER') !== '8') {
      return fail(
        req,
        res,
        400,
        `Only WebChannel protocol VER=8 is served; got VER=${url.searchParams.get('VER')}.`,
      );
    }
    if (sessions.size >= settings.maxSessions) {
      return fail(
        req,
        res,
        503,
        `Too many open channel sessions (${settings.maxSessions}); try again later.`,
      );
    }
    const body = parseForwardBody(await readBody(req, settings.maxForwardBytes));
    const headers = {
      ...parseHeaderBlock(url.searchParams.get('$httpHeaders')),
      ...parseHeaderBlock(body.headers),
    };
    const method = serviceType.methods[rpc]!;
    const id = randomBytes(12).toString('base64url');
    const session = new ChannelSession(
      id,
      { request: method.resolvedRequestType!, response: method.resolvedResponseType! },
      settings,
      (s) => sessions.delete(s.id),
    );
    sessions.set(id, session);
    session.attach(openDuplex(service, rpc, metadataFrom(headers), session));
    try {
      session.receive(body.offset, body.messages);
    } catch (error) {
      // Refused (a gap in map ids): the client never learns the SID, so nothing may stay open.
      session.close();
      throw error;
    }
    res.writeHead(200, { ...corsHeaders(req), 'content-type': 'text/plain; charset=utf-8' });
    // hostPrefix must be null: Firestore's client would move the back channel to <prefix>.<host>.
    res.end(chunk([[0, ['c', id, null, 8]]]));
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, rpc: 'Listen' | 'Write') => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const params = url.searchParams;
    const sid = params.get('SID');
    const type = params.get('TYPE');
    if (req.method === 'POST' && sid === null) return handshake(req, res, rpc, url);
    if (sid === null)
      return fail(req, res, 400, 'A channel request other than the handshake POST needs a SID.');
    const session = sessions.get(sid);
    // The SDK recognises an unknown session by this text after the first character, and opens a new one.
    const unknownSid = () =>
      fail(
        req,
        res,
        400,
        `Error: Unknown SID "${sid}": the session ended or was reaped; open a new channel.`,
      );
    if (!session) return unknownSid();
    if (type === 'terminate') {
      session.close();
      res.writeHead(200, corsHeaders(req));
      return void res.end();
    }
    const aid = params.has('AID') ? Number(params.get('AID')) : 0;
    if (!Number.isInteger(aid) || aid < 0)
      return fail(req, res, 400, `"AID" must be a non-negative integer; got "${params.get('AID')}".`);
    if (req.method === 'GET') {
      if (params.get('RID') !== 'rpc' || type !== 'xmlhttp') {
        return fail(req, res, 400, 'A back channel GET needs RID=rpc and TYPE=xmlhttp.');
      }
      const timeout = params.has('TO') ? Number(params.get('TO')) : null;
      return session.openBackChannel(
        res,
        corsHeaders(req),
        params.get('CI') === '1',
        aid,
        timeout && timeout > 0 ? timeout : null,
      );
    }
    if (req.method !== 'POST') return fail(req, res, 405, `${req.method} is not a channel request.`);
    if (!/^\d+$/.test(params.get('RID') ?? ''))
      return fail(req, res, 400, 'A forward POST needs a numeric RID.');
    const body = parseForwardBody(await readBody(req, settings.maxForwardBytes));
    // Ended (terminated, reaped) while the body arrived: its maps would vanish under a 200.
    if (session.closed) return unknownSid();
    session.acknowledge(aid);
    session.receive(body.offset, body.messages);
    res.writeHead(200, { ...corsHeaders(req), 'content-type': 'text/plain; charset=utf-8' });
    res.end(chunk(session.forwardAck()));
  };

  return {
    handle(req, res) {
      const path = (req.url ?? '/').split('?', 1)[0]!;
      const match = CHANNEL_PATH.exec(path);
      if (!match) return false;
      serve(req, res, match[1] as 'Listen' | 'Write').catch((error: unknown) => {
        if (error instanceof ChannelProtocolError || error instanceof RpcError)
          return fail(req, res, 400, error.message);
        console.error('[firestore-emulator] internal error in WebChannel:', error);
        fail(req, res, 500, `Internal error in the Firestore emulator: ${String(error)}`);
      });
      return true;
    },
    sessionCount: () => sessions.size,
    close() {
      clearInterval(reaper);
      for (const session of [...sessions.values()]) session.close();
    },
  };
}
