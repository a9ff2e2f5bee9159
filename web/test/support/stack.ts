/**
 * The whole store for the browser tests, on ports of its own (so a running `npm start` does not
 * collide): the project's Firestore emulator in this process with firestore.rules, the
 * firebase-tools Auth and Functions emulators running the built functions (web/test/firebase.json),
 * the small test store, and the web app built and served with a /config.json pointing at them.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { start, type RunningEmulator } from '@hearth/firestore-emulator';
import { buildWeb } from '../../build/build';
import { serveWeb, type WebConfig, type WebServer } from '../../build/serve';
import { seedTestStore } from './store';

const root = join(__dirname, '..', '..', '..');
const toolsConfig = join(__dirname, '..', 'firebase.json');
export const projectId = 'demo-hearth';

export interface TestStack {
  url: string;
  config: WebConfig;
  db: Firestore;
  stop(): Promise<void>;
}

function startFirebaseTools(firestoreHost: string): Promise<ChildProcess> {
  const child = spawn(
    join(root, 'node_modules', '.bin', 'firebase'),
    ['emulators:start', '--config', toolsConfig, '--only', 'functions,auth', '--project', projectId],
    {
      env: { ...process.env, FIRESTORE_EMULATOR_HOST: firestoreHost },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`firebase-tools did not start within 120 s:\n${output}`));
    }, 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('All emulators ready')) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      child.stdout!.resume();
      child.stderr!.resume();
      resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`firebase-tools exited (${code}):\n${output}`));
    });
  });
}

async function stopFirebaseTools(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGINT');
  await exited;
}

export async function startTestStack(): Promise<TestStack> {
  const tools = JSON.parse(readFileSync(toolsConfig, 'utf8')).emulators;
  const built = spawnSync('npm', ['--prefix', join(root, 'functions'), 'run', 'build'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`functions build failed:\n${built.stdout}${built.stderr}`);
  const outDir = mkdtempSync(join(tmpdir(), 'hearth-web-'));
  await buildWeb({ outDir, minify: false });

  let firestore: RunningEmulator | undefined;
  let child: ChildProcess | undefined;
  let web: WebServer | undefined;
  let admin: App | undefined;
  const stop = async () => {
    await web?.close();
    if (child) await stopFirebaseTools(child);
    if (admin) await deleteApp(admin);
    await firestore?.stop();
    rmSync(outDir, { recursive: true, force: true });
  };
  try {
    firestore = await start({ port: 0, projectId, rulesFile: join(root, 'firestore.rules') });
    const firestoreHost = `${firestore.host}:${firestore.port}`;
    child = await startFirebaseTools(firestoreHost);
    process.env.FIREBASE_AUTH_EMULATOR_HOST = `127.0.0.1:${tools.auth.port}`;
    admin = initializeApp({ projectId }, `web-test-${process.pid}`);
    const db = getFirestore(admin);
    db.settings({ host: firestoreHost, ssl: false });
    await seedTestStore(db, getAuth(admin));
    const config: WebConfig = {
      projectId,
      apiKey: 'demo-key',
      emulators: {
        host: '127.0.0.1',
        firestorePort: firestore.port,
        authPort: tools.auth.port,
        functionsPort: tools.functions.port,
      },
    };
    web = await serveWeb({ dir: outDir, config });
    return { url: web.url, config, db, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
