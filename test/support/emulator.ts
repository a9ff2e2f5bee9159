/**
 * The Firestore every test suite talks to. `useEmulator()` starts the project's emulator in this
 * process on a free port, unless FIRESTORE_EMULATOR_HOST already names one (the official emulator,
 * say), in which case that one is used, so every suite can check our emulator against it.
 * Each call gets a fresh project id, so suites and tests running side by side never share data.
 */
import { randomUUID } from 'node:crypto';
import { deleteApp as deleteAdminApp, initializeApp as initializeAdminApp } from 'firebase-admin/app';
import {
  getFirestore as getAdminFirestore,
  type Firestore as AdminFirestore,
} from 'firebase-admin/firestore';
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import {
  connectFirestoreEmulator,
  getFirestore,
  terminate,
  type Firestore as WebFirestore,
} from 'firebase/firestore';
import { start, type EmulatorOptions, type RunningEmulator } from '@hearth/firestore-emulator';

type EmulatorSettings = Parameters<typeof connectFirestoreEmulator>[3];

/** Claims of a signed-in web user; `uid` becomes the token's subject. */
export type WebAuth = { uid: string; [claim: string]: unknown } | 'owner';

export interface TestFirestore {
  /** host:port of the emulator. */
  host: string;
  projectId: string;
  /** firebase-admin Firestore for `projectId` (rules bypassed, as for the real admin SDK). */
  adminDb: AdminFirestore;
  /** A web SDK Firestore for `projectId`, signed in as `auth` (anonymous when omitted). */
  webDb(auth?: WebAuth): WebFirestore;
  /** Deletes every document of `projectId`. */
  clear(): Promise<void>;
  /** Closes the SDK clients, and the emulator when this process started it and nobody else uses it. */
  stop(): Promise<void>;
  /** True when the emulator runs in this process (so emulator-specific options apply). */
  inProcess: boolean;
}

const externalHost = process.env.FIRESTORE_EMULATOR_HOST;
let shared: { emulator: RunningEmulator; users: number } | null = null;
let sharedStarting: Promise<RunningEmulator> | null = null;

async function acquireEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  if (shared) {
    shared.users++;
    return shared.emulator;
  }
  sharedStarting ??= start({ ...options, port: 0 });
  const emulator = await sharedStarting;
  if (shared) (shared as { users: number }).users++;
  else shared = { emulator, users: 1 };
  process.env.FIRESTORE_EMULATOR_HOST = `${emulator.host}:${emulator.port}`;
  return emulator;
}

async function releaseEmulator(): Promise<void> {
  if (!shared || --shared.users > 0) return;
  const { emulator } = shared;
  shared = null;
  sharedStarting = null;
  delete process.env.FIRESTORE_EMULATOR_HOST;
  await emulator.stop();
}

/**
 * Options apply only to an emulator this process starts (the first call starts it; later calls in
 * the same process share it).
 */
export async function useEmulator(options: EmulatorOptions = {}): Promise<TestFirestore> {
  const inProcess = !externalHost;
  const host: string = externalHost ?? (await acquireEmulator(options).then((e) => `${e.host}:${e.port}`));
  const projectId = `test-${randomUUID().slice(0, 13)}`;
  const [hostname, port] = [
    host.slice(0, host.lastIndexOf(':')),
    Number(host.slice(host.lastIndexOf(':') + 1)),
  ];

  const adminApp = initializeAdminApp({ projectId }, `admin-${projectId}`);
  // FIRESTORE_EMULATOR_HOST is set by now: the admin SDK connects there as owner, without credentials.
  const adminDb = getAdminFirestore(adminApp);
  const webApps: FirebaseApp[] = [];
  const webDbs: WebFirestore[] = [];

  return {
    host,
    projectId,
    adminDb,
    inProcess,
    webDb(auth?: WebAuth): WebFirestore {
      const app = initializeApp({ projectId, apiKey: 'test-api-key' }, `web-${projectId}-${webApps.length}`);
      const db = getFirestore(app);
      if (auth === undefined) connectFirestoreEmulator(db, hostname, port);
      else {
        const { uid, ...claims } = auth === 'owner' ? { uid: '' } : auth;
        const mockUserToken = auth === 'owner' ? 'owner' : { ...claims, sub: uid, user_id: uid };
        connectFirestoreEmulator(db, hostname, port, { mockUserToken } as EmulatorSettings);
      }
      webApps.push(app);
      webDbs.push(db);
      return db;
    },
    async clear(): Promise<void> {
      const response = await fetch(
        `http://${host}/emulator/v1/projects/${projectId}/databases/(default)/documents`,
        {
          method: 'DELETE',
        },
      );
      if (!response.ok)
        throw new Error(`clearing ${projectId} failed: ${response.status} ${await response.text()}`);
    },
    async stop(): Promise<void> {
      await Promise.all(webDbs.map((db) => terminate(db)));
      await Promise.all(webApps.map((app) => deleteApp(app)));
      await adminDb.terminate();
      await deleteAdminApp(adminApp);
      if (inProcess) await releaseEmulator();
    },
  };
}
