/**
 * The profile is made by a callable the app calls after every sign-in, not by an Auth trigger:
 * the Functions emulator runs callables exactly as production does, while v1 `auth.user().onCreate`
 * triggers are legacy and v2 blocking functions need Identity Platform; a callable also lets the
 * app wait for the profile (and send the sign-up screen's consent choices) before it writes events.
 * Calling it again is harmless: an existing profile is returned as it is.
 */
import { CustomerProfile, type EnsureProfileRequest, type EnsureProfileResponse } from '@hearth/contracts';
import { runInTransaction } from '../platform/transaction';
import type { Customer, CustomerDeps } from './deps';
import { customerRef, newProfile } from './profile';
import { storedProfile } from './stored-profile';

export async function ensureProfile(
  deps: CustomerDeps,
  who: Customer,
  req: EnsureProfileRequest,
): Promise<EnsureProfileResponse> {
  const ref = customerRef(deps.db, who.uid);
  return runInTransaction(deps, 'create your profile', async (tx) => {
    const snap = await tx.get(ref);
    // The call every app makes after sign-in checks the whole profile, so a broken one is reported
    // (with what to repair) where the app can act on it.
    if (snap.exists) return { created: false, consent: storedProfile(snap, CustomerProfile).consent };
    const profile = newProfile(
      {
        uid: who.uid,
        displayName: req.displayName || who.name || '',
        email: who.email,
        region: req.region ?? null,
        consent: {
          personalisation: req.consent?.personalisation ?? false,
          marketing: req.consent?.marketing ?? false,
        },
        consentSource: 'signup',
      },
      deps.clock.now(),
    );
    tx.create(ref, profile);
    return { created: true, consent: profile.consent };
  });
}
