/**
 * What the persistence suites share: SDK clients bound to one given emulator (these suites start
 * several, one after another, so the shared `useEmulator()` does not fit), temporary directories,
 * and the emulator's HTTP control calls.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after } from 'node:test';
import { deleteApp as deleteAdminApp, initializeApp as initializeAdminApp } from 'firebase-admin/app';
import {
  getFirestore as getAdminFirestore,
  type Firestore as AdminFirestore,
} from 'firebase-admin/firestore';
import { deleteApp, initializeApp } from 'firebase/app';
import {
  connectFirestoreEmulator,
  getFirestore,
  terminate,
  type Firestore as WebFirestore,
} from 'firebase/firestore';

// These suites start their own emulators; an external one named here must not capture the SDKs.
delete process.env.FIRESTORE_EMULATOR_HOST;

export interface Address {
  host: string;
  port: number;
}

const cleanups: Array<() => Promise<unknown>> = [];

/** Closes every client and removes every directory made so far (also after the file's tests). */
export async function cleanUp(): Promise<void> {
  await closeClients();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
}
after(cleanUp);

/** Closes the SDK clients made so far (before stopping their emulator, so they log no errors). */
export async function closeClients(): Promise<void> {
  const clients = clientCleanups.splice(0).reverse();
  for (const close of clients) await close().catch(() => undefined);
}
const clientCleanups: Array<() => Promise<unknown>> = [];

export const freshProject = () => `persist-${randomUUID().slice(0, 8)}`;

/** firebase-admin's Firestore for one emulator, project and database; `useBigInt` keeps int64 exact. */
export function adminFor(emulator: Address, projectId: string, databaseId = '(default)'): AdminFirestore {
  const app = initializeAdminApp({ projectId }, `admin-${randomUUID()}`);
  const db = getAdminFirestore(app, databaseId);
  db.settings({ host: `${emulator.host}:${emulator.port}`, ssl: false, useBigInt: true });
  clientCleanups.push(async () => {
    await db.terminate();
    await deleteAdminApp(app);
  });
  return db;
}

/** The web SDK's Firestore (Node build, gRPC) for one emulator and project. */
export function webFor(emulator: Address, projectId: string, databaseId = '(default)'): WebFirestore {
  const app = initializeApp({ projectId, apiKey: 'test-api-key' }, `web-${randomUUID()}`);
  const db = getFirestore(app, databaseId);
  connectFirestoreEmulator(db, emulator.host, emulator.port);
  clientCleanups.push(async () => {
    await terminate(db);
    await deleteApp(app);
  });
  return db;
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-persist-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every file under `dir` (relative path -> contents), to show that an export was left as it was. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at)) {
      const path = join(at, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** The emulator's export call, as firebase-tools makes it. */
export async function exportOverHttp(
  emulator: Address,
  projectId: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(
    `http://${emulator.host}:${emulator.port}/emulator/v1/projects/${projectId}:export`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    },
  );
  return { status: response.status, body: await response.json() };
}

/** A REST call as the owner (rules bypassed), answering parsed JSON. */
export async function rest(emulator: Address, path: string, init: RequestInit = {}): Promise<any> {
  const response = await fetch(`http://${emulator.host}:${emulator.port}/v1/${path}`, {
    ...init,
    headers: { authorization: 'Bearer owner', 'content-type': 'application/json', ...init.headers },
    signal: AbortSignal.timeout(30_000),
  });
  const body = await response.json();
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Parsed lines of one database's file in an export. */
export function exportedDocuments(dir: string, file: string): Array<Record<string, any>> {
  return readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}
