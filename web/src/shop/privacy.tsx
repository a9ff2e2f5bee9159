/** The shopper's privacy page: consent toggles (each change recorded), a copy of their data, erasure. */
import { useState } from 'preact/hooks';
import { doc, onSnapshot } from 'firebase/firestore';
import { signOut } from 'firebase/auth';
import type { CustomerProfile } from '@hearth/contracts';
import { deleteMyData, exportMyData, setConsent, toHearthError } from '@hearth/client';
import { dateTime } from '../format';
import { useClient, useSession } from '../session';
import { Alert, Field } from '../ui/field';
import { useLive } from '../ui/hooks';

const PURPOSES = {
  personalisation: 'Use what I view and buy to recommend products to me',
  marketing: 'Send me offers and news',
} as const;

function Consent({ profile }: { profile: CustomerProfile }) {
  const client = useClient();
  const [error, setError] = useState<string | null>(null);
  return (
    <fieldset>
      <legend>Consent</legend>
      {(Object.keys(PURPOSES) as Array<keyof typeof PURPOSES>).map((purpose) => (
        <label class="toggle">
          <input
            type="checkbox"
            checked={profile.consent[purpose]}
            onChange={async (e) => {
              setError(null);
              const res = await setConsent(client, { [purpose]: e.currentTarget.checked });
              if (!res.ok) setError(res.error.message);
            }}
          />{' '}
          {PURPOSES[purpose]}
        </label>
      ))}
      {error && <Alert>{error}</Alert>}
      <details>
        <summary>History of your choices ({profile.consentHistory.length})</summary>
        <ul>
          {profile.consentHistory.map((c) => (
            <li>
              {dateTime(c.at.toMillis())}: {c.purpose} {c.granted ? 'given' : 'withdrawn'} ({c.source})
            </li>
          ))}
        </ul>
      </details>
    </fieldset>
  );
}

function Download() {
  const client = useClient();
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <p>
      <button
        type="button"
        onClick={async () => {
          setError(null);
          const res = await exportMyData(client);
          if (!res.ok) return setError(res.error.message);
          const blob = new Blob([JSON.stringify(res.value, null, 2)], { type: 'application/json' });
          setLink(URL.createObjectURL(blob));
        }}
      >
        Prepare a copy of my data
      </button>{' '}
      {link && (
        <a href={link} download="hearth-my-data.json">
          Download my data (JSON)
        </a>
      )}
      {error && <Alert>{error}</Alert>}
    </p>
  );
}

function Erase() {
  const client = useClient();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | undefined>();
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        const res = await deleteMyData(client, { confirm: typed as 'DELETE' });
        if (!res.ok)
          return setError(
            res.error.code === 'invalid-argument' ? 'Type DELETE to confirm' : res.error.message,
          );
        await signOut(client.auth);
        location.hash = '#/';
      }}
    >
      <Field label="Type DELETE to erase your account and data" error={error}>
        {(attrs) => <input {...attrs} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />}
      </Field>
      <button type="submit" class="danger">
        Delete my account
      </button>
    </form>
  );
}

export function PrivacyPage() {
  const client = useClient();
  const { user } = useSession();
  const profile = useLive<CustomerProfile | null>(
    (set, fail) =>
      user
        ? onSnapshot(
            doc(client.db, 'customers', user.uid),
            (s) => set(s.exists() ? (s.data() as CustomerProfile) : null),
            (err) => fail(toHearthError(err)),
          )
        : () => undefined,
    [user?.uid],
  );
  if (!user) return <p>Sign in to manage your privacy choices.</p>;
  return (
    <section aria-labelledby="privacy-title">
      <h1 id="privacy-title">Privacy</h1>
      {profile.error && <Alert>{profile.error.message}</Alert>}
      {profile.value && <Consent profile={profile.value} />}
      <h2>Your data</h2>
      <Download />
      <h2>Delete your account</h2>
      <p>Orders keep their accounting facts under a pseudonym; everything else about you is erased.</p>
      <Erase />
    </section>
  );
}
