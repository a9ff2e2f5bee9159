/**
 * Webhooks: the subscriptions (create, pause, resume, rotate the secret, delete), each one's
 * delivery log (status, attempts, every try's status code, error and latency), its failures
 * (dead-lettered deliveries) and a replay of a time range. A secret is shown once, when made.
 */
import { useState } from 'preact/hooks';
import { EVENT_TYPES, type WebhookDeliveryDoc, type WebhookSubscriptionDoc } from '@hearth/contracts';
import {
  createWebhookSubscription,
  deleteWebhookSubscription,
  replayWebhookEvents,
  rotateWebhookSecret,
  setWebhookSubscriptionStatus,
  watchWebhookDeliveries,
  watchWebhookSubscriptions,
} from '@hearth/client';
import { dateTime } from '../format';
import { useClient } from '../session';
import { Alert } from '../ui/field';
import { useLive } from '../ui/hooks';

type Said = { kind: 'ok' | 'error'; text: string } | null;

function NewSubscription({ onSecret }: { onSecret: (s: string) => void }) {
  const client = useClient();
  const [url, setUrl] = useState('');
  const [topics, setTopics] = useState('*');
  const [said, setSaid] = useState<Said>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const list = topics
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const r = await createWebhookSubscription(client, { url, topics: list as never, description: '' });
    if (r.ok) onSecret(r.value.secret);
    setSaid(
      r.ok
        ? { kind: 'ok', text: `Subscription ${r.value.subscription.id} made` }
        : { kind: 'error', text: r.error.message },
    );
  };
  return (
    <form onSubmit={submit} aria-label="New webhook subscription">
      <label>
        URL{' '}
        <input
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
          placeholder="https://erp.example.com/hooks"
        />
      </label>
      <label>
        Topics{' '}
        <input
          value={topics}
          onInput={(e) => setTopics(e.currentTarget.value)}
          title={`* or ${EVENT_TYPES.join(', ')}`}
        />
      </label>
      <button type="submit">Subscribe</button>
      {said && <Alert kind={said.kind}>{said.text}</Alert>}
    </form>
  );
}

function Deliveries({ sub, failures }: { sub: string; failures: boolean }) {
  const client = useClient();
  const rows = useLive<(WebhookDeliveryDoc & { id: string })[]>(
    (set, fail) =>
      watchWebhookDeliveries(client, sub, set, { status: failures ? 'dead' : undefined, onError: fail }),
    [sub, failures],
  );
  if (rows.error) return <Alert>{rows.error.message}</Alert>;
  if (rows.value?.length === 0) return <p>{failures ? 'No failed deliveries.' : 'No deliveries yet.'}</p>;
  return (
    <table class="deliveries">
      <thead>
        <tr>
          <th>Event</th>
          <th>Type</th>
          <th>Status</th>
          <th>Attempts</th>
          <th>Tries (status, latency)</th>
        </tr>
      </thead>
      <tbody>
        {rows.value?.map((d) => (
          <tr>
            <td>
              {d.eventId}
              {d.replayId ? ' (replay)' : ''}
            </td>
            <td>{d.type}</td>
            <td>{d.status}</td>
            <td>{d.attempts}</td>
            <td>
              {d.log.map((l) => `${l.statusCode ?? l.error ?? '–'} ${Math.round(l.latencyMs)} ms`).join('; ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Subscription({ s, onSecret }: { s: WebhookSubscriptionDoc; onSecret: (x: string) => void }) {
  const client = useClient();
  const [said, setSaid] = useState<Said>(null);
  const [failures, setFailures] = useState(false);
  const [from, setFrom] = useState(new Date(Date.now() - 3_600_000).toISOString().slice(0, 16));
  const [to, setTo] = useState(new Date(Date.now() + 60_000).toISOString().slice(0, 16));
  const act = async (run: () => Promise<{ ok: boolean; error?: { message: string } }>, done: string) => {
    const r = await run();
    setSaid(r.ok ? { kind: 'ok', text: done } : { kind: 'error', text: r.error!.message });
  };
  const status = s.status === 'active' ? 'paused' : 'active';
  return (
    <li>
      <strong>{s.url}</strong> — {s.status}, topics {s.topics.join(', ')}, since{' '}
      {dateTime(s.createdAt.toMillis())}
      <div class="actions">
        <button
          onClick={() =>
            void act(
              () => setWebhookSubscriptionStatus(client, { subscriptionId: s.id, status }),
              `Now ${status}`,
            )
          }
        >
          {s.status === 'active' ? 'Pause' : 'Resume'}
        </button>
        <button
          onClick={() =>
            void act(async () => {
              const r = await rotateWebhookSecret(client, { subscriptionId: s.id });
              if (r.ok) onSecret(r.value.secret);
              return r;
            }, 'Secret rotated; the old one still signs for 24 hours')
          }
        >
          Rotate secret
        </button>
        <button
          onClick={() =>
            void act(() => deleteWebhookSubscription(client, { subscriptionId: s.id }), 'Deleted')
          }
        >
          Delete
        </button>
        <label>
          <input type="checkbox" checked={failures} onChange={(e) => setFailures(e.currentTarget.checked)} />{' '}
          Failures only
        </label>
      </div>
      <form
        aria-label={`Replay for ${s.url}`}
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => {
            const r = await replayWebhookEvents(client, {
              subscriptionId: s.id,
              from: new Date(from).toISOString(),
              to: new Date(to).toISOString(),
            });
            if (r.ok) setSaid({ kind: 'ok', text: `Replaying ${r.value.events} events` });
            return r;
          }, 'Replay started');
        }}
      >
        <label>
          From <input type="datetime-local" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          To <input type="datetime-local" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <button type="submit">Replay</button>
      </form>
      {said && <Alert kind={said.kind}>{said.text}</Alert>}
      <Deliveries sub={s.id} failures={failures} />
    </li>
  );
}

export function WebhooksPage() {
  const client = useClient();
  const [secret, setSecret] = useState<string | null>(null);
  const subs = useLive<WebhookSubscriptionDoc[]>(
    (set, fail) => watchWebhookSubscriptions(client, set, fail),
    [],
  );
  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      <NewSubscription onSecret={setSecret} />
      {secret && (
        <Alert kind="info">
          Signing secret (shown this once; keep it in the consumer): <code>{secret}</code>
        </Alert>
      )}
      {subs.error && <Alert>{subs.error.message}</Alert>}
      {subs.value?.length === 0 && <p>No subscriptions yet.</p>}
      <ul class="subscriptions">
        {subs.value?.map((s) => (
          <Subscription s={s} onSecret={setSecret} />
        ))}
      </ul>
    </section>
  );
}
