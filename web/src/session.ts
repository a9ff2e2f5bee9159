/** Who is signed in, and whether their token carries the staff or admin claim. */
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { onIdTokenChanged, type User } from 'firebase/auth';
import type { HearthClient } from '@hearth/client';

export interface Session {
  /** Undefined until Auth has said who is signed in (or that nobody is). */
  user: User | null | undefined;
  staff: boolean;
  admin: boolean;
}

export const ClientContext = createContext<HearthClient | null>(null);

export function useClient(): HearthClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside <ClientContext.Provider>');
  return client;
}

export const SessionContext = createContext<Session>({ user: undefined, staff: false, admin: false });
export const useSession = () => useContext(SessionContext);

/** The session as Auth reports it; claims come from the ID token, as the rules and functions read them. */
export function useAuthSession(client: HearthClient): Session {
  const [session, setSession] = useState<Session>({ user: undefined, staff: false, admin: false });
  useEffect(
    () =>
      onIdTokenChanged(client.auth, async (user) => {
        if (!user) return setSession({ user: null, staff: false, admin: false });
        const { claims } = await user.getIdTokenResult();
        const admin = claims.admin === true;
        setSession({ user, admin, staff: admin || claims.staff === true });
      }),
    [client],
  );
  return session;
}
