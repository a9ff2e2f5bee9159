/**
 * What the functions of one instance share, made on first use: the admin app, its Firestore client
 * and the availability refresher (and Auth, for the customer functions). index.ts loads this
 * module only when a function first runs, so an instance's module load never pays for it.
 */
import { initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore } from 'firebase-admin/firestore';
import type { CustomerDeps } from './customers/deps';
import { type Deps, systemClock } from './inventory/deps';
import { AvailabilityRefresher } from './inventory/refresh';

let deps: Deps | undefined;

export function inventoryDeps(): Deps {
  if (!deps) {
    initializeApp();
    const base = { db: getFirestore(), clock: systemClock };
    deps = { ...base, refresher: new AvailabilityRefresher(base) };
  }
  return deps;
}

export const customerDeps = (): CustomerDeps => ({ ...inventoryDeps(), auth: getAuth() });
