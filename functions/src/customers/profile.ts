/** A customer's profile document: how a new one looks, and where it lives. */
import { Timestamp } from 'firebase-admin/firestore';
import type { Consent, ConsentChange, CustomerProfile, Preferences } from '@hearth/contracts';

export { customerRef, eventsOf, recommendationsRef } from '../platform/paths';

export const noPreferences = (): Preferences => ({ styles: [], rooms: [], budgetMinor: null });

export interface NewProfile {
  uid: string;
  displayName: string;
  email: string | null;
  region: string | null;
  consent: Consent;
  consentSource: ConsentChange['source'];
  preferences?: Preferences;
}

/** The history starts with the first choice of each flag, so it always explains the current value. */
export function newProfile(p: NewProfile, now: Date): CustomerProfile {
  const at = Timestamp.fromDate(now);
  return {
    uid: p.uid,
    displayName: p.displayName,
    email: p.email,
    region: p.region,
    addresses: [],
    preferences: p.preferences ?? noPreferences(),
    consent: p.consent,
    consentHistory: (['personalisation', 'marketing'] as const).map((purpose) => ({
      purpose,
      granted: p.consent[purpose],
      source: p.consentSource,
      at,
    })),
    createdAt: at,
    updatedAt: at,
  };
}
