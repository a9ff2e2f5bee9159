/** The customer's own data: profile on sign-in, consent, a copy of everything, erasure. */
import { z } from 'zod';
import {
  DeleteMyDataRequest,
  DeleteMyDataResponse,
  EnsureProfileRequest,
  EnsureProfileResponse,
  ExportMyDataResponse,
  SetConsentRequest,
  SetConsentResponse,
} from '../../functions/src/api/customers';
import { call } from './call';
import type { HearthClient } from './client';
import type { Result } from './errors';

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
