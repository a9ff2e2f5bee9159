/**
 * One HTTP try of one delivery: POST the event's JSON, signed, with a timeout; redirects are not
 * followed (a redirect could lead anywhere the URL check refused). Any 2xx is success.
 */
import { randomUUID } from 'node:crypto';
import { deliverySettings, type EventDeps, urlPolicyOf } from './deps';
import { SIGNATURE_HEADER, signatureHeader } from './sign';
import { checkWebhookUrl } from './ssrf';

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
}

export async function attemptDelivery(
  deps: EventDeps,
  target: { url: string; secrets: string[] },
  event: { id: string; type: string },
  body: string,
): Promise<AttemptResult> {
  const { timeoutMs } = deliverySettings(deps);
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): AttemptResult => ({
    ok: statusCode !== null && statusCode >= 200 && statusCode < 300,
    statusCode,
    error,
    latencyMs: Math.round((performance.now() - started) * 10) / 10,
  });
  try {
    await checkWebhookUrl(target.url, urlPolicyOf(deps));
    const t = Math.floor(deps.clock.now().getTime() / 1000);
    const res = await (deps.fetch ?? fetch)(target.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Hearth-Webhooks/1',
        [SIGNATURE_HEADER]: signatureHeader(target.secrets, t, body),
        'Hearth-Event-Id': event.id,
        'Hearth-Event-Type': event.type,
        'Hearth-Delivery-Attempt': randomUUID(),
      },
      body,
    });
    await res.arrayBuffer().catch(() => undefined);
    return done(res.status, res.ok ? null : `HTTP ${res.status}`);
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError')
      return done(null, `no answer within ${timeoutMs} ms`);
    return done(null, (err as Error).message);
  }
}

/** The wait before try n+1 after n failures: exponential, capped, with jitter in [0.5, 1). */
export function backoffMs(deps: EventDeps, failures: number): number {
  const { baseDelayMs, maxDelayMs } = deliverySettings(deps);
  const raw = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(raw * (0.5 + 0.5 * (deps.random ?? Math.random)()));
}
