/**
 * Customers: look one up by email or uid, and see their consent (with its history) and their
 * orders, live; act on their request made by phone or mail: a copy of their data (staff), their
 * erasure (admins, confirmed by typing DELETE).
 */
import { useState } from 'preact/hooks';
import type { CustomerProfile, OrderDoc } from '@hearth/contracts';
import { eraseCustomer, exportCustomerData, watchCustomer, watchMyOrders, type WithId } from '@hearth/client';
import { dateTime, money } from '../format';
import { href, type Route } from '../router';
import { useClient, useSession } from '../session';
import { Alert, Field } from '../ui/field';
import { useLive } from '../ui/hooks';

function Requests({ uid, onErased }: { uid: string; onErased: (what: string) => void }) {
  const client = useClient();
  const { admin } = useSession();
  const [link, setLink] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [confirmError, setConfirmError] = useState<string | undefined>();
  return (
    <div class="requests">
      <button
        type="button"
        onClick={async () => {
          setMessage(null);
          const res = await exportCustomerData(client, uid);
          if (!res.ok) return setMessage({ kind: 'error', text: res.error.message });
          const blob = new Blob([JSON.stringify(res.value, null, 2)], { type: 'application/json' });
          setLink(URL.createObjectURL(blob));
        }}
      >
        Prepare a copy of their data
      </button>{' '}
      {link && (
        <a href={link} download={`hearth-customer-${uid}.json`}>
          Download their data (JSON)
        </a>
      )}
      {admin ? (
        <form
          aria-label="Erase this customer"
          onSubmit={async (e) => {
            e.preventDefault();
            setConfirmError(undefined);
            const res = await eraseCustomer(client, { uid, confirm: typed as 'DELETE' });
            if (!res.ok) {
              if (res.error.code === 'invalid-argument' && res.error.field === 'confirm')
                return setConfirmError('Type DELETE to confirm');
              return setMessage({ kind: 'error', text: res.error.message });
            }
            const d = res.value;
            // The profile is gone, and this view with it: the lookup shows what happened.
            onErased(
              `Erased ${uid}: profile ${d.deleted.profile ? 'deleted' : 'already gone'}, ${d.deleted.events} events, account ${d.deleted.account ? 'deleted' : 'already gone'}; ${d.anonymised.orders} orders kept under a pseudonym.`,
            );
          }}
        >
          <Field label="Type DELETE to erase this customer's account and data" error={confirmError}>
            {(attrs) => <input {...attrs} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />}
          </Field>
          <button type="submit" class="danger">
            Erase this customer
          </button>
        </form>
      ) : (
        <p class="muted">Erasure on request is for admins (claim admin).</p>
      )}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
    </div>
  );
}

function Profile({
  profile,
  onErased,
}: {
  profile: WithId<CustomerProfile>;
  onErased: (what: string) => void;
}) {
  const client = useClient();
  const orders = useLive<Array<OrderDoc & { id: string }>>(
    (set, fail) => watchMyOrders(client, profile.id, set, { onError: fail }),
    [profile.id],
  );
  return (
    <article aria-labelledby="customer-title">
      <h2 id="customer-title">
        {profile.displayName || profile.id} <span class="muted">({profile.email ?? 'no email'})</span>
      </h2>
      <p>
        uid <code>{profile.id}</code> · region {profile.region ?? 'not given'} · customer since{' '}
        {dateTime(profile.createdAt.toMillis())}
      </p>
      <p>
        Personalisation: <strong>{profile.consent.personalisation ? 'given' : 'withheld'}</strong> ·
        Marketing: <strong>{profile.consent.marketing ? 'given' : 'withheld'}</strong>
      </p>
      <table>
        <caption>Consent history</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Purpose</th>
            <th scope="col">Choice</th>
            <th scope="col">Source</th>
          </tr>
        </thead>
        <tbody>
          {profile.consentHistory.map((c) => (
            <tr>
              <td>{dateTime(c.at.toMillis())}</td>
              <td>{c.purpose}</td>
              <td>{c.granted ? 'given' : 'withdrawn'}</td>
              <td>{c.source}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Orders</h3>
      {orders.error && <Alert>{orders.error.message}</Alert>}
      {orders.value?.length === 0 && <p>None.</p>}
      <ul>
        {orders.value?.map((o) => (
          <li>
            <a href={href('console', 'reservation', o.id)}>{o.id}</a>: {money(o.totalMinor)},{' '}
            {o.status.replace('_', ' ')}, {dateTime(o.createdAt.toMillis())}
          </li>
        ))}
      </ul>
      <h3>Their requests</h3>
      <Requests uid={profile.id} onErased={onErased} />
    </article>
  );
}

export function Customers({ route }: { route: Route }) {
  const client = useClient();
  const wanted = route.query.get('q') ?? '';
  const [erased, setErased] = useState<string | null>(null);
  const found = useLive<WithId<CustomerProfile> | null>(
    (set, fail) => (wanted ? watchCustomer(client, wanted, set, fail) : () => undefined),
    [wanted],
  );
  return (
    <section aria-labelledby="customers-title">
      <h1 id="customers-title">Customers</h1>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setErased(null);
          const q = String(new FormData(e.currentTarget).get('q') ?? '').trim();
          location.hash = `#/console/customers?${new URLSearchParams({ q })}`;
        }}
      >
        <label>
          Email or uid <input name="q" type="search" value={wanted} />
        </label>
        <button type="submit">Look up</button>
      </form>
      {erased && <Alert kind="ok">{erased}</Alert>}
      {found.error && <Alert>{found.error.message}</Alert>}
      {wanted && found.value === null && <p>No customer {wanted}.</p>}
      {found.value && <Profile profile={found.value} onErased={setErased} />}
    </section>
  );
}
