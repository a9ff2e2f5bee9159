/** A customer's copy of everything the store holds about them, as one JSON document. */
import type { ExportMyDataResponse } from '@hearth/contracts';
import type { CustomerDeps } from './deps';
import { exportedDoc } from './json';
import { all, ownedDocs, queries } from './personal-data';

export async function exportMyData(deps: CustomerDeps, uid: string): Promise<ExportMyDataResponse> {
  const owned = ownedDocs(deps.db, uid);
  const q = queries(deps.db, uid);
  const [profile, recommendations, events, orders, reservations, account, exposures] = await Promise.all([
    owned.profile.get(),
    owned.recommendations.get(),
    all(q.events),
    all(q.orders),
    all(q.reservations),
    deps.auth.getUser(uid).catch((err: { code?: string }) => {
      if (err.code === 'auth/user-not-found') return null;
      throw err;
    }),
    all(q.exposures),
  ]);
  return {
    format: 'hearth-export/1',
    uid,
    exportedAt: deps.clock.now().toISOString(),
    account: account && {
      email: account.email ?? null,
      displayName: account.displayName ?? null,
      createdAt: account.metadata.creationTime ? new Date(account.metadata.creationTime).toISOString() : null,
    },
    profile: profile.exists ? exportedDoc(profile) : null,
    events: events.map(exportedDoc),
    orders: orders.map(exportedDoc),
    reservations: reservations.map(exportedDoc),
    recommendations: recommendations.exists ? exportedDoc(recommendations) : null,
    exposures: exposures.map(exportedDoc),
  };
}
