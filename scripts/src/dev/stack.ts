/**
 * Where the local stack lives: the project id, and the hosts and ports of `firebase.json`'s
 * `emulators` section, read from that file so it is the only place they are written (firebase-tools
 * reads the same file for the Auth emulator it runs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..');
export const projectId = 'demo-hearth';
export const functionsRegion = 'us-central1';

const servers = ['firestore', 'auth', 'functions', 'hosting', 'hub', 'logging'] as const;
type Server = (typeof servers)[number];

function readEmulators(): { host: string; ports: Record<Server, number> } {
  const file = join(repoRoot, 'firebase.json');
  const emulators =
    (JSON.parse(readFileSync(file, 'utf8')) as { emulators?: Record<string, unknown> }).emulators ?? {};
  const ports = {} as Record<Server, number>;
  let host: string | undefined;
  for (const name of servers) {
    const entry = emulators[name] as { host?: unknown; port?: unknown } | undefined;
    if (!entry || !Number.isInteger(entry.port))
      throw new Error(`${file}: emulators.${name}.port must be set to a port number`);
    ports[name] = entry.port as number;
    if (typeof entry.host === 'string') {
      if (host !== undefined && entry.host !== host)
        throw new Error(
          `${file}: every emulator must listen on one host (${host} and ${entry.host} are given)`,
        );
      host = entry.host;
    }
  }
  return { host: host ?? '127.0.0.1', ports };
}

const emulators = readEmulators();
export const host = emulators.host;
export const ports: Readonly<Record<Server, number>> = emulators.ports;

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
