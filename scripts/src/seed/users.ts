/** The demo users in the Auth emulator: created once, brought back to the demo state on every seed. */
import type { Auth } from 'firebase-admin/auth';
import { DEMO_PASSWORD, type DemoUser } from './customers';

export type UserAdmin = Pick<Auth, 'updateUser' | 'createUser' | 'setCustomUserClaims'>;

export async function upsertUsers(
  auth: UserAdmin,
  users: DemoUser[],
): Promise<{ created: number; updated: number }> {
  const counts = { created: 0, updated: 0 };
  for (const u of users) {
    const fields = {
      email: u.email,
      password: DEMO_PASSWORD,
      displayName: u.displayName,
      emailVerified: true,
    };
    try {
      await auth.updateUser(u.uid, fields);
      counts.updated++;
    } catch (err) {
      if ((err as { code?: string }).code !== 'auth/user-not-found') throw err;
      await auth.createUser({ uid: u.uid, ...fields });
      counts.created++;
    }
    await auth.setCustomUserClaims(u.uid, u.claims);
  }
  return counts;
}
