/**
 * Customers: look one up by email or uid, and see their consent (with its history), their orders
 * and open holds, live. Export and erasure stay the customer's own actions (the privacy page); no
 * staff callable does them on a customer's behalf yet.
 */
import type { CustomerProfile, OrderDoc } from '@hearth/contracts';
import { watchCustomer, watchMyOrders, type WithId } from '@hearth/client';
import { dateTime, money } from '../format';
import { href, type Route } from '../router';
import { useClient } from '../session';
import { Alert } from '../ui/field';
import { useLive } from '../ui/hooks';

function Profile({ profile }: { profile: WithId<CustomerProfile> }) {
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
      <p class="muted">
        A request to export or erase their data is done by the customer on the storefront's privacy page
        (exportMyData, deleteMyData); the console has no staff action for it yet.
      </p>
    </article>
  );
}

export function Customers({ route }: { route: Route }) {
  const client = useClient();
  const wanted = route.query.get('q') ?? '';
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
          const q = String(new FormData(e.currentTarget).get('q') ?? '').trim();
          location.hash = `#/console/customers?${new URLSearchParams({ q })}`;
        }}
      >
        <label>
          Email or uid <input name="q" type="search" value={wanted} />
        </label>
        <button type="submit">Look up</button>
      </form>
      {found.error && <Alert>{found.error.message}</Alert>}
      {wanted && found.value === null && <p>No customer {wanted}.</p>}
      {found.value && <Profile profile={found.value} />}
    </section>
  );
}
