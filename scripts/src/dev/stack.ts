/** Where the local stack lives: one place for the project id, hosts and ports. */
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..');
export const projectId = 'demo-hearth';
export const host = '127.0.0.1';
export const ports = { firestore: 8080, auth: 9099, functions: 5001, hub: 4400, logging: 4500 } as const;
export const functionsRegion = 'us-central1';

export const emulatorEnv = {
  FIRESTORE_EMULATOR_HOST: `${host}:${ports.firestore}`,
  FIREBASE_AUTH_EMULATOR_HOST: `${host}:${ports.auth}`,
  GCLOUD_PROJECT: projectId,
  // Not on Google Cloud: skip the SDKs' metadata-server probe (a network call and a warning).
  METADATA_SERVER_DETECTION: 'none',
} as const;

/** Points firebase-admin (in this process) at the local stack; call before the first admin call. */
export function useLocalStack(): void {
  Object.assign(process.env, emulatorEnv);
}
