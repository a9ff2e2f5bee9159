/**
 * The flash sale as apps reach it, through the dev stack's own path: HTTP_BUYERS shoppers signed in
 * to the firebase-tools Auth emulator call reserveStock over HTTP (the callable protocol, as the web
 * SDK sends it) on the functions host (functions-host.ts: long-lived runtimes of the built
 * functions/lib behind the admission gate), which writes to the project's Firestore emulator;
 * HTTP_UNITS units of one SKU. The three servers are started exactly as `npm start` starts them, on
 * free ports (FreePortStack), so the leg runs beside a developer's stack. Reports p50/p99 of all
 * calls and of successes, and units oversold (from what Firestore holds).
 */
import { cpus, loadavg } from 'node:os';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { type Firestore, getFirestore } from 'firebase-admin/firestore';
import { systemClock } from '../../../functions/src/inventory/deps';
import { defineSku, upsertLocation } from '../../../functions/src/inventory/setup';
import { restock } from '../../../functions/src/inventory/stock-changes';
import { buildFunctions } from '../build/functions-bundle';
import { FreePortStack } from '../dev/stack-on-free-ports';
import { functionsRegion, host, projectId } from '../dev/stack';
import { percentile, round } from './_support';

const HTTP_BUYERS = 200;
const HTTP_UNITS = 50;
const SKU = 'flash-http-lamp';

async function signUp(auth: string, i: number): Promise<string> {
  const response = await fetch(`${auth}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=bench`, {
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

const load = () => loadavg().map((n) => round(n, 2));

export async function httpFlashSale() {
  const measuredAt = new Date().toISOString();
  const loadAverageAtStart = load();
  await buildFunctions();
  const stack = new FreePortStack();
  let app: ReturnType<typeof initializeApp> | undefined;
  const emulatorHost = process.env.FIRESTORE_EMULATOR_HOST;
  try {
    await stack.startFirestore();
    await stack.startAuth();
    // The functions host as `npm start` runs it: its default runtimes and gate.
    const functions = await stack.startFunctionsHost(['--project', projectId]);
    app = initializeApp({ projectId }, 'flash-http');
    const db = getFirestore(app);
    db.settings({ host: `${host}:${stack.firestorePort}`, ssl: false });
    await seed(db);
    const auth = `http://${host}:${stack.authPort}`;
    const url = `http://${host}:${functions.port}/${projectId}/${functionsRegion}/reserveStock`;
    const tokens = await Promise.all(Array.from({ length: HTTP_BUYERS }, (_, i) => signUp(auth, i)));
    // One call first, so the runtimes have served a request before the clock starts.
    await call(url, tokens[0]!, { idempotencyKey: 'http-warm-up', lines: [{ sku: 'no-such-sku', qty: 1 }] });
    const loadAverageAtSale = load();
    const { latencies, okLatencies, outcomes, seconds } = await sale(url, tokens);
    const held = await db.collection('reservations').where('status', '==', 'held').get();
    const unitsHeld = held.docs.reduce((sum, d) => sum + d.data().lines[0].qty, 0);
    return {
      path: 'web client -> HTTP -> functions host (functions-host.ts: long-lived runtimes of functions/lib, admission gate) -> project Firestore emulator; firebase-tools Auth emulator for sign-in; all started as npm start does, on free ports',
      measuredAt,
      machine: {
        cpus: cpus().length,
        loadAverageAtStart,
        loadAverageAtSale,
        loadAverageAtEnd: load(),
      },
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
      unitsHeld,
      oversold: Math.max(0, unitsHeld - HTTP_UNITS),
    };
  } finally {
    if (app) await deleteApp(app);
    await stack.stop();
    if (emulatorHost === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
    else process.env.FIRESTORE_EMULATOR_HOST = emulatorHost;
  }
}

/** Every buyer at once, one unit each; each call timed, each outcome counted. */
async function sale(url: string, tokens: string[]) {
  const latencies: number[] = [];
  const okLatencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const started = performance.now();
  await Promise.all(
    tokens.map(async (token, i) => {
      const t0 = performance.now();
      const outcome = await call(url, token, {
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
  return { latencies, okLatencies, outcomes, seconds };
}

/** A callable over HTTP as the web SDK sends it; the outcome is 'ok', the error's status, or no answer. */
async function call(url: string, idToken: string, data: unknown): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
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
