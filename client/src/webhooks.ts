/**
 * Webhooks: `verifyWebhook` for consumers (any server or worker with Web Crypto: Node 20+, Deno,
 * Cloudflare Workers, browsers), and the staff helpers that manage subscriptions.
 *
 * A delivery carries `Hearth-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]`: HMAC-SHA256 of
 * `<t>.<raw body>` under the subscription's secret (two v1 while a rotated-out secret is honoured).
 * Verify the raw bytes as received, before any JSON parsing, then dedupe by the event's `id`:
 * delivery is at least once.
 */
import type { z } from 'zod';
import { collection, limit, onSnapshot, orderBy, query, type Unsubscribe, where } from 'firebase/firestore';
import type { WebhookDeliveryDoc, WebhookSubscriptionDoc } from '@hearth/contracts';
import {
  CreateWebhookSubscriptionRequest,
  DeleteWebhookSubscriptionRequest,
  DeleteWebhookSubscriptionResponse,
  ReplayWebhookEventsRequest,
  ReplayWebhookEventsResponse,
  RotateWebhookSecretRequest,
  SetWebhookStatusRequest,
  WebhookPayload,
  WebhookSecretResponse,
  WebhookSubscriptionResponse,
} from '@hearth/contracts';
import { call, keyed, type Keyed } from './call';
import type { HearthClient } from './client';
import { type HearthError, type Result, toHearthError } from './errors';

export type WebhookVerification =
  | { ok: true; event: WebhookPayload; timestamp: number }
  | {
      ok: false;
      reason: 'malformed_header' | 'timestamp_out_of_tolerance' | 'bad_signature' | 'malformed_body';
    };

const encoder = new TextEncoder();

const hex = (buf: ArrayBuffer) =>
  [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** Equal-length strings compared without an early exit, so timing says nothing about the match. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function parseHeader(header: string): { t: number; v1: string[] } | null {
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const [k, v] = [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v);
    if (k === 'v1' && /^[0-9a-f]{64}$/.test(v)) v1.push(v);
  }
  return t === null || v1.length === 0 ? null : { t, v1 };
}

/**
 * Checks a delivery: the signature under `secret` and the timestamp within `toleranceSeconds`
 * (default 300) of `now`. `rawBody` is the request body exactly as received (string or bytes).
 */
export async function verifyWebhook(
  secret: string,
  rawBody: string | Uint8Array,
  signatureHeader: string | null | undefined,
  options: { toleranceSeconds?: number; now?: Date } = {},
): Promise<WebhookVerification> {
  const parsed = parseHeader(signatureHeader ?? '');
  if (!parsed) return { ok: false, reason: 'malformed_header' };
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - parsed.t) > (options.toleranceSeconds ?? 300))
    return { ok: false, reason: 'timestamp_out_of_tolerance' };
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : rawBody;
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signed = new Uint8Array([...encoder.encode(`${parsed.t}.`), ...body]);
  const expected = hex(await crypto.subtle.sign('HMAC', key, signed));
  // Every candidate is compared, so which one matched (if any) does not show in the timing either.
  let match = false;
  for (const v of parsed.v1) match = constantTimeEqual(expected, v) || match;
  if (!match) return { ok: false, reason: 'bad_signature' };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return { ok: false, reason: 'malformed_body' };
  }
  const event = WebhookPayload.safeParse(json);
  if (!event.success) return { ok: false, reason: 'malformed_body' };
  return { ok: true, event: event.data, timestamp: parsed.t };
}

type Client = Pick<HearthClient, 'functions'>;

/** A new subscription (staff); the answer holds its secret, shown this once. */
export const createWebhookSubscription = (
  client: Client,
  req: Keyed<typeof CreateWebhookSubscriptionRequest>,
): Promise<Result<z.infer<typeof WebhookSecretResponse>>> =>
  call(
    client,
    'createWebhookSubscription',
    CreateWebhookSubscriptionRequest,
    WebhookSecretResponse,
    keyed(req),
  );

export const setWebhookSubscriptionStatus = (
  client: Client,
  req: z.input<typeof SetWebhookStatusRequest>,
): Promise<Result<z.infer<typeof WebhookSubscriptionResponse>>> =>
  call(client, 'setWebhookSubscriptionStatus', SetWebhookStatusRequest, WebhookSubscriptionResponse, req);

export const rotateWebhookSecret = (
  client: Client,
  req: Keyed<typeof RotateWebhookSecretRequest>,
): Promise<Result<z.infer<typeof WebhookSecretResponse>>> =>
  call(client, 'rotateWebhookSecret', RotateWebhookSecretRequest, WebhookSecretResponse, keyed(req));

export const deleteWebhookSubscription = (
  client: Client,
  req: z.input<typeof DeleteWebhookSubscriptionRequest>,
): Promise<Result<z.infer<typeof DeleteWebhookSubscriptionResponse>>> =>
  call(
    client,
    'deleteWebhookSubscription',
    DeleteWebhookSubscriptionRequest,
    DeleteWebhookSubscriptionResponse,
    req,
  );

export const replayWebhookEvents = (
  client: Client,
  req: Keyed<typeof ReplayWebhookEventsRequest>,
): Promise<Result<z.infer<typeof ReplayWebhookEventsResponse>>> =>
  call(client, 'replayWebhookEvents', ReplayWebhookEventsRequest, ReplayWebhookEventsResponse, keyed(req));

type OnError = (e: HearthError) => void;
const logError: OnError = (e) => console.error(`webhook watch: ${e.message}`);

/** Every webhook subscription, newest first (staff only; the documents hold no secret). */
export const watchWebhookSubscriptions = (
  client: Pick<HearthClient, 'db'>,
  onChange: (subs: WebhookSubscriptionDoc[]) => void,
  onError: OnError = logError,
): Unsubscribe =>
  onSnapshot(
    query(collection(client.db, 'webhookSubscriptions'), orderBy('createdAt', 'desc'), limit(100)),
    (snap) => onChange(snap.docs.map((d) => d.data() as WebhookSubscriptionDoc)),
    (err) => onError(toHearthError(err)),
  );

/**
 * A subscription's delivery log, newest event first: each delivery's status, attempts and every
 * try's status code, error and latency. `status` narrows it (e.g. 'dead' for the failures).
 */
export const watchWebhookDeliveries = (
  client: Pick<HearthClient, 'db'>,
  subscriptionId: string,
  onChange: (rows: (WebhookDeliveryDoc & { id: string })[]) => void,
  opts: { status?: WebhookDeliveryDoc['status']; limit?: number; onError?: OnError } = {},
): Unsubscribe =>
  onSnapshot(
    query(
      collection(client.db, 'webhookDeliveries'),
      where('subscriptionId', '==', subscriptionId),
      ...(opts.status ? [where('status', '==', opts.status)] : []),
      orderBy('eventAt', 'desc'),
      limit(opts.limit ?? 50),
    ),
    (snap) => onChange(snap.docs.map((d) => ({ ...(d.data() as WebhookDeliveryDoc), id: d.id }))),
    (err) => (opts.onError ?? logError)(toHearthError(err)),
  );
