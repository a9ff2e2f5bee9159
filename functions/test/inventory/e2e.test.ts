/**
 * End to end, as an app calls it: the web SDK signs in against the firebase-tools Auth emulator and
 * calls the callables over HTTP on the firebase-tools Functions emulator, which runs the built
 * functions (lib/) against the project's Firestore emulator started here.
 * Slow (firebase-tools takes tens of seconds to start), so it is one test doing the whole tour.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deleteApp as deleteAdminApp, initializeApp as initializeAdminApp } from 'firebase-admin/app';
import { getAuth as getAdminAuth } from 'firebase-admin/auth';
import { getFirestore as getAdminFirestore } from 'firebase-admin/firestore';
import { deleteApp, initializeApp } from 'firebase/app';
import { connectAuthEmulator, createUserWithEmailAndPassword, getAuth } from 'firebase/auth';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import { type RunningEmulator, start } from '@hearth/firestore-emulator';
import type { Deps } from '../../src/inventory/deps';
import { assertInvariants } from './support/invariants';
import { FakeClock, key, seedStore } from './support/store';
import { within } from '../../../test/support/within';

const PROJECT = 'demo-hearth';
const AUTH = '127.0.0.1:9199';
const FUNCTIONS_PORT = 5101;
const functionsDir = join(__dirname, '..', '..');
const root = join(functionsDir, '..');

function startFirebaseTools(firestoreHost: string): Promise<ChildProcess> {
  const child = spawn(
    join(root, 'node_modules', '.bin', 'firebase'),
    [
      'emulators:start',
      '--config',
      join(__dirname, 'e2e', 'firebase.json'),
      '--only',
      'functions,auth',
      '--project',
      PROJECT,
    ],
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
      reject(new Error(`firebase-tools did not start:\n${output}`));
    }, 150_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('All emulators ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`firebase-tools exited (${code}):\n${output}`)));
  });
}

async function stopFirebaseTools(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGINT');
  await within(exited, 'firebase-tools exiting after SIGINT', 30_000);
}

describe('end to end through the Functions and Auth emulators', () => {
  let firestore: RunningEmulator;
  let tools: ChildProcess;
  before(async () => {
    // The functions' own build: @hearth/contracts (which lib/ requires) first, then tsc.
    const built = spawnSync('npm', ['--prefix', functionsDir, 'run', 'build'], { encoding: 'utf8' });
    assert.equal(built.status, 0, `functions build failed:\n${built.stdout}${built.stderr}`);
    firestore = await start({ port: 0 });
    tools = await startFirebaseTools(`${firestore.host}:${firestore.port}`);
  });
  after(async () => {
    if (tools) await stopFirebaseTools(tools);
    await firestore?.stop();
  });

  test('a shopper reserves and checks out; staff restock once given the claim; errors arrive typed', async () => {
    process.env.FIRESTORE_EMULATOR_HOST = `${firestore.host}:${firestore.port}`;
    const admin = initializeAdminApp({ projectId: PROJECT }, 'e2e-admin');
    const db = getAdminFirestore(admin);
    db.settings({ host: `${firestore.host}:${firestore.port}`, ssl: false });
    process.env.FIREBASE_AUTH_EMULATOR_HOST = AUTH;
    const deps: Deps = { db, clock: new FakeClock() };
    await seedStore(deps, [{ sku: 'e2e-sofa', stock: { 'wh-north': 3 } }]);

    const app = initializeApp({ projectId: PROJECT, apiKey: 'e2e-api-key' }, 'e2e-web');
    const auth = getAuth(app);
    connectAuthEmulator(auth, `http://${AUTH}`, { disableWarnings: true });
    const functions = getFunctions(app);
    connectFunctionsEmulator(functions, '127.0.0.1', FUNCTIONS_PORT);
    const call = <T>(name: string, data: unknown) =>
      httpsCallable<unknown, T>(functions, name)(data).then((r) => r.data);
    const { user } = await createUserWithEmailAndPassword(
      auth,
      `shopper-${Date.now()}@example.com`,
      'secret-123',
    );

    const held = await call<{ reservationId: string; lines: unknown[] }>('reserveStock', {
      idempotencyKey: key('e2e'),
      lines: [{ sku: 'e2e-sofa', qty: 2 }],
    });
    const order = await call<{ totalMinor: number }>('checkout', {
      idempotencyKey: key('e2e'),
      reservationId: held.reservationId,
    });
    assert.equal(order.totalMinor, 2 * 12_500);

    await assert.rejects(
      call('reserveStock', { idempotencyKey: key('e2e'), lines: [{ sku: 'e2e-sofa', qty: 2 }] }),
      {
        code: 'functions/resource-exhausted',
        details: { sku: 'e2e-sofa', requested: 2, available: 1 },
      },
    );
    await assert.rejects(
      call('reserveStock', { idempotencyKey: key('e2e'), lines: [{ sku: 'e2e-sofa', qty: -1 }] }),
      (err: { code: string; details: { field: string } }) =>
        err.code === 'functions/invalid-argument' && err.details.field === 'lines.0.qty',
    );
    const restock = { idempotencyKey: key('e2e'), sku: 'e2e-sofa', locationId: 'wh-north', qty: 4 };
    await assert.rejects(call('restock', restock), { code: 'functions/permission-denied' });

    await getAdminAuth(admin).setCustomUserClaims(user.uid, { staff: true });
    await user.getIdToken(true);
    await call('restock', restock);
    const sofa = (await db.doc('inventory/e2e-sofa').get()).data()!;
    assert.deepEqual([sofa.onHand, sofa.available], [5, 5]);
    await assertInvariants(db);

    await deleteApp(app);
    await deleteAdminApp(admin);
  });
});
