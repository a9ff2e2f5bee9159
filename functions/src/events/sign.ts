/**
 * Webhook signatures, Stripe's scheme: `Hearth-Signature: t=<unix seconds>,v1=<hex>` where v1 is
 * HMAC-SHA256 of `<t>.<raw body>` under the subscription's secret. While a rotated-out secret is
 * still honoured, a second v1 (under the old secret) lets consumers switch at their own pace. The
 * timestamp is signed so a captured request cannot be replayed later than the consumer's tolerance.
 */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'Hearth-Signature';

export const signPayload = (secret: string, t: number, body: string) =>
  createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

export function signatureHeader(secrets: string[], t: number, body: string): string {
  return [`t=${t}`, ...secrets.map((s) => `v1=${signPayload(s, t, body)}`)].join(',');
}
