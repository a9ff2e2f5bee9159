/** The customer's own data: profile on sign-in, consent, a copy of everything, erasure. */
import { doc, serverTimestamp, updateDoc } from 'firebase/firestore';
import { z } from 'zod';
import {
  DeleteMyDataRequest,
  DeleteMyDataResponse,
  EnsureProfileRequest,
  EnsureProfileResponse,
  ExportMyDataResponse,
  ProfileUpdate,
  SetConsentRequest,
  SetConsentResponse,
} from '@hearth/contracts';
import { call } from './call';
import type { HearthClient } from './client';
import { fail, invalidArgument, ok, toHearthError, type Result } from './errors';

type Client = Pick<HearthClient, 'functions'>;

/** Call after every sign-in: creates the profile the first time (with the sign-up consent choices). */
export const ensureProfile = (
  client: Client,
  req: z.input<typeof EnsureProfileRequest> = {},
): Promise<Result<EnsureProfileResponse>> =>
  call(client, 'ensureProfile', EnsureProfileRequest, EnsureProfileResponse, req);

export const setConsent = (client: Client, req: SetConsentRequest): Promise<Result<SetConsentResponse>> =>
  call(client, 'setConsent', SetConsentRequest, SetConsentResponse, req);

export const exportMyData = (client: Client): Promise<Result<ExportMyDataResponse>> =>
  call(client, 'exportMyData', z.object({}), ExportMyDataResponse, {});

/**
 * Erases the signed-in customer and their account (the app signs out afterwards). `confirm` is
 * the word the customer typed: the function refuses anything but "DELETE".
 */
export const deleteMyData = (
  client: Client,
  req: DeleteMyDataRequest,
): Promise<Result<DeleteMyDataResponse>> =>
  call(client, 'deleteMyData', DeleteMyDataRequest, DeleteMyDataResponse, req);

/**
 * Changes what the customer may change themselves (name, region, addresses, preferences), written
 * straight to their profile and checked by the rules; consent goes through `setConsent`.
 */
export async function updateProfile(
  client: Pick<HearthClient, 'db'>,
  uid: string,
  changes: ProfileUpdate,
): Promise<Result<void>> {
  const parsed = ProfileUpdate.safeParse(changes);
  if (!parsed.success) return fail(invalidArgument(parsed.error));
  try {
    await updateDoc(doc(client.db, 'customers', uid), { ...parsed.data, updatedAt: serverTimestamp() });
    return ok(undefined);
  } catch (err) {
    return fail(toHearthError(err));
  }
}
