/**
 * Consent changes go through here, never through a direct write, so that every change of a flag
 * lands in its history in the same transaction as the flag itself.
 */
import { Timestamp } from 'firebase-admin/firestore';
import {
  type ConsentChange,
  type ConsentPurpose,
  CustomerProfile,
  type SetConsentRequest,
  type SetConsentResponse,
} from '@hearth/contracts';
import { runInTransaction } from '../platform/transaction';
import { CustomerError, type CustomerDeps } from './deps';
import { customerRef } from './profile';
import { storedProfile } from './stored-profile';

/**
 * Only what a consent change reads and writes: a customer must be able to withdraw consent
 * whatever else in their profile needs repair.
 */
const ConsentState = CustomerProfile.pick({ consent: true, consentHistory: true });

export async function setConsent(
  deps: CustomerDeps,
  uid: string,
  req: SetConsentRequest,
): Promise<SetConsentResponse> {
  const ref = customerRef(deps.db, uid);
  return runInTransaction(deps, 'change your consent', async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists) {
      throw new CustomerError(
        'failed-precondition',
        'You have no profile yet: call ensureProfile after signing in',
        {
          reason: 'no-profile',
        },
      );
    }
    const profile = storedProfile(snap, ConsentState);
    const at = Timestamp.fromDate(deps.clock.now());
    const consent = { ...profile.consent };
    const changes: ConsentChange[] = [];
    for (const purpose of ['personalisation', 'marketing'] as ConsentPurpose[]) {
      const granted = req[purpose];
      if (granted === undefined || granted === consent[purpose]) continue;
      consent[purpose] = granted;
      changes.push({ purpose, granted, source: 'app', at });
    }
    if (changes.length > 0) {
      tx.update(ref, { consent, consentHistory: [...profile.consentHistory, ...changes], updatedAt: at });
    }
    return { consent, changed: changes.map((c) => c.purpose) };
  });
}
