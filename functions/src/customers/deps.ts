/** What the customer domain needs from outside: Firestore, Firebase Auth (accounts) and a clock. */
import type { Auth } from 'firebase-admin/auth';
import { DomainError } from '../platform/callable';
import type { Deps } from '../platform/deps';

export interface CustomerDeps extends Deps {
  /** The sign-in accounts: read for the export, deleted on erasure. */
  auth: Pick<Auth, 'getUser' | 'deleteUser'>;
}

/** Who is calling, as the callable's auth token says. */
export interface Customer {
  uid: string;
  email: string | null;
  name: string | null;
}

export type CustomerErrorCode = 'failed-precondition' | 'not-found';

export class CustomerError extends DomainError<CustomerErrorCode> {}
