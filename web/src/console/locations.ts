/** The store's locations (warehouses, stores, dropship vendors), live, in allocation priority order. */
import { collection, onSnapshot, orderBy, query } from 'firebase/firestore';
import type { LocationDoc } from '@hearth/contracts';
import { toHearthError } from '@hearth/client';
import { useClient } from '../session';
import { useLive } from '../ui/hooks';

export function useLocations(): LocationDoc[] {
  const client = useClient();
  const { value } = useLive<LocationDoc[]>(
    (set, fail) =>
      onSnapshot(
        query(collection(client.db, 'locations'), orderBy('priority')),
        (s) => set(s.docs.map((d) => d.data() as LocationDoc)),
        (err) => fail(toHearthError(err)),
      ),
    [client],
  );
  return value ?? [];
}
