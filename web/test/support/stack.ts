/**
 * The whole store for the browser tests, as `npm start` runs it but on free ports (so it runs beside
 * a developer's stack): the project's Firestore emulator with firestore.rules, the firebase-tools
 * Auth emulator and the stack's functions host serving the built functions
 * (scripts/src/dev/stack-on-free-ports.ts); the small test store; and the web app built and served with a
 * /config.json pointing at them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { buildFunctions } from '../../../scripts/src/build/functions-bundle';
import { host, projectId } from '../../../scripts/src/dev/stack';
import { FreePortStack } from '../../../scripts/src/dev/stack-on-free-ports';
import { buildWeb } from '../../build/build';
import { serveWeb, type WebConfig, type WebServer } from '../../build/serve';
import { seedTestStore } from './store';

export interface TestStack {
  url: string;
  config: WebConfig;
  db: Firestore;
  /** The admin app (its Auth reaches the Auth emulator). */
  admin: App;
  stop(): Promise<void>;
}

export async function startTestStack(): Promise<TestStack> {
  const outDir = mkdtempSync(join(tmpdir(), 'hearth-web-'));
  const servers = new FreePortStack();
  let web: WebServer | undefined;
  let admin: App | undefined;
  const stop = async () => {
    await web?.close();
    if (admin) await deleteApp(admin);
    await servers.stop();
    rmSync(outDir, { recursive: true, force: true });
  };
  try {
    await Promise.all([buildFunctions(), buildWeb({ outDir, minify: false })]);
    await servers.startFirestore();
    await servers.startAuth();
    Object.assign(process.env, servers.env);
    const functions = await servers.startFunctionsHost();
    admin = initializeApp({ projectId }, `web-test-${process.pid}`);
    const db = getFirestore(admin);
    db.settings({ host: `${host}:${servers.firestorePort}`, ssl: false });
    await seedTestStore(db, getAuth(admin));
    const config: WebConfig = {
      projectId,
      apiKey: 'demo-key',
      emulators: {
        host,
        firestorePort: servers.firestorePort,
        authPort: servers.authPort,
        functionsPort: functions.port,
      },
    };
    web = await serveWeb({ dir: outDir, config });
    return { url: web.url, config, db, admin, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
