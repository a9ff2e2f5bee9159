/**
 * BrowserChannel (VER=8) framing, which Firestore's WebChannel speaks: every response body is a
 * run of chunks, each a decimal length, a newline, then that many UTF-16 code units of JSON. The
 * length is a JavaScript string length, not a byte count: counting bytes stalls the client on the
 * first non-ASCII character.
 */
export function frame(json: string): string {
  return `${json.length}\n${json}`;
}

export function chunk(value: unknown): string {
  return frame(JSON.stringify(value));
}

/** The forward channel's form body: `count`, `ofs` and maps `req<K>___<key>`, after optional `headers`. */
export interface ForwardBody {
  headers: string | null;
  /** Map id of the first map in this request. */
  offset: number;
  /** Each map's `__data__` (the JSON text of one Firestore request), in map id order. */
  messages: string[];
}

export class ChannelProtocolError extends Error {}

export function parseForwardBody(text: string, maxMaps = 10_000): ForwardBody {
  const form = new URLSearchParams(text);
  const count = form.has('count') ? Number(form.get('count')) : 0;
  const offset = form.has('ofs') ? Number(form.get('ofs')) : 0;
  if (!Number.isInteger(count) || count < 0 || count > maxMaps) {
    throw new ChannelProtocolError(
      `"count" must be an integer from 0 to ${maxMaps}; got "${form.get('count')}".`,
    );
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ChannelProtocolError(`"ofs" must be a non-negative integer; got "${form.get('ofs')}".`);
  }
  const messages: string[] = [];
  for (let k = 0; k < count; k++) {
    const data = form.get(`req${k}___data__`);
    if (data === null) {
      throw new ChannelProtocolError(`Map req${k} has no "__data__" (count=${count}, ofs=${offset}).`);
    }
    messages.push(data);
  }
  return { headers: form.get('headers'), offset, messages };
}

/** The handshake's header block: `Name:value` lines joined by CRLF, as the SDK encodes them. */
export function parseHeaderBlock(block: string | null): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!block) return headers;
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
