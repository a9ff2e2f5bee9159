/**
 * Reading a stored profile. Customers edit some of its fields through the SDK, checked by
 * firestore.rules against the same schema; a profile written before a rule was tightened (or by a
 * bug) can still fail the schema. Such a profile is answered with `failed-precondition`, naming
 * each field at fault and who can repair it, never with `internal`.
 */
import type { DocumentSnapshot } from 'firebase-admin/firestore';
import { ProfileUpdate } from '@hearth/contracts';
import type { z } from 'zod';
import { CustomerError } from './deps';

/** The fields a customer may rewrite themselves (the rules allow an update of just these). */
const CUSTOMER_FIELDS = new Set(Object.keys(ProfileUpdate.shape));

/** Parses the stored profile `snap` with `schema`: all of CustomerProfile, or the part a function needs. */
export function storedProfile<S extends z.ZodType>(snap: DocumentSnapshot, schema: S): z.infer<S> {
  const parsed = schema.safeParse(snap.data());
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(document)';
    const top = String(issue.path[0] ?? '');
    return {
      field,
      message: issue.message,
      repair: CUSTOMER_FIELDS.has(top) ? 'customer' : 'store',
    } as const;
  });
  const mine = fields.filter((f) => f.repair === 'customer');
  const theirs = fields.filter((f) => f.repair === 'store');
  const list = (fs: typeof fields) => fs.map((f) => `${f.field} (${f.message})`).join(', ');
  const steps = [
    mine.length > 0 &&
      `save ${list(mine)} again with valid values (an update of customers/${snap.id}, as the app's profile screen does), then retry`,
    theirs.length > 0 && `${list(theirs)} can only be repaired by the store: contact support`,
  ].filter(Boolean);
  throw new CustomerError('failed-precondition', `Your stored profile is not valid: ${steps.join('; ')}`, {
    reason: 'invalid-profile',
    fields,
  });
}
