/**
 * The flash sale as apps reach it: HTTP_BUYERS signed-in shoppers (Auth emulator) call reserveStock
 * over HTTP on the firebase-tools Functions emulator, which runs the built functions (lib/) against
 * the project's Firestore emulator; HTTP_UNITS units of one SKU. Reports p50/p99 of all calls and
 * of successes, and units oversold. Uses the end-to-end test's firebase.json (its own ports).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { type Firestore, getFirestore } from 'firebase-admin/firestore';
import type { RunningEmulator } from '@hearth/firestore-emulator';
import { systemClock } from '../../../functions/src/inventory/deps';
import { defineSku, upsertLocation } from '../../../functions/src/inventory/setup';
import { restock } from '../../../functions/src/inventory/stock-changes';
import { percentile, root, round } from './_support';

const HTTP_BUYERS = 200;
const HTTP_UNITS = 50;
const PROJECT = 'demo-hearth';
const AUTH = 'http://127.0.0.1:9199';
const FUNCTIONS = 'http://127.0.0.1:5101';
const SKU = 'flash-http-lamp';

function startFirebaseTools(firestoreHost: string): Promise<ChildProcess> {
  const config = join(root, 'functions', 'test', 'inventory', 'e2e', 'firebase.json');
  const child = spawn(
    join(root, 'node_modules', '.bin', 'firebase'),
    ['emulators:start', '--config', config, '--only', 'functions,auth', '--project', PROJECT],
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
      reject(new Error(`firebase-tools did not start in 150 s:\n${output}`));
    }, 150_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('All emulators ready')) return;
      clearTimeout(timer);
      resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`firebase-tools exited (${code}):\n${output}`)));
  });
}

async function stopFirebaseTools(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 30_000);
  process.kill(-child.pid!, 'SIGINT');
  await exited;
  clearTimeout(timer);
}

async function signUp(i: number): Promise<string> {
  const response = await fetch(`${AUTH}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=bench`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `http-buyer-${i}-${Date.now()}@bench.hearth`,
      password: 'bench-123',
      returnSecureToken: true,
    }),
  });
  if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { idToken: string }).idToken;
}

async function seed(db: Firestore): Promise<void> {
  const base = { db, clock: systemClock };
  const staff = { uid: 'bench', role: 'admin' as const };
  await upsertLocation(base, {
    id: 'wh-http',
    name: 'HTTP warehouse',
    kind: 'warehouse',
    region: 'south',
    leadTimeDays: 2,
    priority: 1,
    active: true,
  });
  await defineSku(base, { sku: SKU, productId: `p-${SKU}` });
  await restock(base, staff, {
    idempotencyKey: 'http-restock',
    sku: SKU,
    locationId: 'wh-http',
    qty: HTTP_UNITS,
    reason: 'bench',
  });
}

export async function httpFlashSale(firestore: RunningEmulator) {
  const host = `${firestore.host}:${firestore.port}`;
  const built = spawnSync('npm', ['--prefix', join(root, 'functions'), 'run', 'build'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`functions build failed:\n${built.stdout}${built.stderr}`);
  const app = initializeApp({ projectId: PROJECT }, 'flash-http');
  const db = getFirestore(app);
  db.settings({ host, ssl: false });
  await seed(db);
  const tools = await startFirebaseTools(host);
  try {
    const tokens = await Promise.all(Array.from({ length: HTTP_BUYERS }, (_, i) => signUp(i)));
    // One call first, so the Functions emulator has loaded the code before the clock starts.
    await call(tokens[0]!, { idempotencyKey: 'http-warm-up', lines: [{ sku: 'no-such-sku', qty: 1 }] });
    const latencies: number[] = [];
    const okLatencies: number[] = [];
    const outcomes: Record<string, number> = {};
    const started = performance.now();
    await Promise.all(
      tokens.map(async (token, i) => {
        const t0 = performance.now();
        const outcome = await call(token, {
          idempotencyKey: `http-buyer-${i}`,
          lines: [{ sku: SKU, qty: 1 }],
        });
        const ms = performance.now() - t0;
        latencies.push(ms);
        if (outcome === 'ok') okLatencies.push(ms);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    okLatencies.sort((a, b) => a - b);
    const held = await db.collection('reservations').where('status', '==', 'held').get();
    const unitsHeld = held.docs.reduce((sum, d) => sum + d.data().lines[0].qty, 0);
    return {
      path: 'web client -> HTTP -> firebase-tools Functions emulator -> functions/lib -> project Firestore emulator',
      buyers: HTTP_BUYERS,
      units: HTTP_UNITS,
      outcomes,
      seconds: round(seconds, 2),
      latencyMs: {
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        successP50: round(percentile(okLatencies, 50)),
        successP99: round(percentile(okLatencies, 99)),
      },
      oversold: Math.max(0, unitsHeld - HTTP_UNITS),
    };
  } finally {
    await stopFirebaseTools(tools);
    await deleteApp(app);
  }
}

/** A callable over HTTP as the web SDK sends it; the outcome is 'ok', the error's status, or no answer. */
async function call(idToken: string, data: unknown): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${FUNCTIONS}/${PROJECT}/us-central1/reserveStock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${idToken}` },
      body: JSON.stringify({ data }),
    });
  } catch (error) {
    // No answer at all (fetch gives up after 300 s without response headers): counted, not fatal.
    return `no answer (${(error as { cause?: { code?: string } }).cause?.code ?? String(error)})`;
  }
  const body = (await response.json()) as { result?: unknown; error?: { status?: string } };
  return body.error ? String(body.error.status ?? response.status) : 'ok';
}
