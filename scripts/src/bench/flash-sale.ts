/**
 * Flash sale: BUYERS shoppers arrive at once for UNITS units of one SKU, each reserving one unit
 * through the reserveStock handler, spread over INSTANCES function instances (own Firestore
 * clients, so their own group-commit queues), against the project's emulator in this process.
 *
 * One run of this file measures, in order:
 * - `emulatorHotDocTxnPerSecond`: what the emulator commits on one document with 64 clients each
 *   running read-increment-write transactions back to back (latency 0), the ceiling the
 *   single-document reservation path is compared with;
 * - every combination of the latency model (0 and 10 ms per round trip, emulator/src/server/latency.ts),
 *   single document vs 4, 16 and 64 shards, and group commit on and off: reservations per second,
 *   p50/p99 of all calls and of successes, commits, reads and writes per success, units oversold
 *   (from what Firestore holds);
 * - the HTTP path: 200 buyers for 50 units through the dev stack's own servers on free ports (the
 *   functions host serving the built functions, the firebase-tools Auth emulator, the project's
 *   Firestore emulator in its own process; _flash-http.ts), p50/p99;
 * and writes bench/results/flash-sale.json with the goals as ratios of numbers from this one run.
 *
 * Overrides for quick runs: FLASH_BUYERS, FLASH_UNITS, FLASH_SHARDS (comma list, 0 = one document),
 * FLASH_LATENCIES (comma list of ms), FLASH_INSTANCES, FLASH_ONLY_GC=1 (group commit on only),
 * FLASH_HTTP=0 (skip the HTTP path), FLASH_ONLY=http (only the HTTP path: its result replaces the
 * `http` section of the existing bench/results/flash-sale.json, the other runs stay as they are).
 *
 * With per-customer limits on (FLASH_LIMIT=N): the SKU is capped at N units per customer
 * (setPurchaseLimit's field), and each buyer sends FLASH_CARTS_PER_BUYER carts of one unit (default
 * N + 1) at once, spread over the instances, so every buyer's carts race their own cap inside the
 * batches' transactions; the check counts any customer holding more than N. Written to
 * bench/results/flash-sale-limits.json beside the others.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { type App, deleteApp, initializeApp } from 'firebase-admin/app';
import { type Firestore, getFirestore } from 'firebase-admin/firestore';
import { type RunningEmulator, start } from '@hearth/firestore-emulator';
import { inventoryCallables } from '../../../functions/src/inventory/callables';
import { type Deps, newMetrics, systemClock } from '../../../functions/src/inventory/deps';
import { AvailabilityRefresher } from '../../../functions/src/inventory/refresh';
import { httpFlashSale } from './_flash-http';
import { seedHotSku } from './_hot-sku';
import { percentile, root, round, runBenchmark, writeResult } from './_support';

const BUYERS = Number(process.env.FLASH_BUYERS ?? 5000);
const UNITS = Number(process.env.FLASH_UNITS ?? 1000);
const SHARDS = (process.env.FLASH_SHARDS ?? '0,4,16,64').split(',').map(Number);
const LATENCIES = (process.env.FLASH_LATENCIES ?? '0,10').split(',').map(Number);
const INSTANCES = Number(process.env.FLASH_INSTANCES ?? 4);
/** Per-customer cap (0: off) and carts per buyer (the calls are BUYERS in all either way). */
const LIMIT = Number(process.env.FLASH_LIMIT ?? 0);
const CARTS_PER_BUYER = LIMIT > 0 ? Number(process.env.FLASH_CARTS_PER_BUYER ?? LIMIT + 1) : 1;
const CUSTOMERS = Math.ceil(BUYERS / CARTS_PER_BUYER);
const HOT_DOC_CLIENTS = 64;
const HOT_DOC_SECONDS = 3;
const SKU = 'flash-armchair';
const LOCATION = 'wh-flash';

let apps = 0;
function client(host: string, projectId: string): { app: App; db: Firestore } {
  const app = initializeApp({ projectId }, `flash-${++apps}`);
  const db = getFirestore(app);
  db.settings({ host, ssl: false });
  return { app, db };
}

/** The emulator's own ceiling on one document: 64 clients incrementing it in transactions. */
async function hotDocTransactions(host: string) {
  const { app, db } = client(host, `flash-hot-${Date.now()}`);
  const ref = db.doc('hot/counter');
  await ref.set({ n: 0 });
  let committed = 0;
  const deadline = performance.now() + HOT_DOC_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: HOT_DOC_CLIENTS }, async () => {
      while (performance.now() < deadline) {
        await db.runTransaction(async (tx) => {
          const n = (await tx.get(ref)).get('n') as number;
          tx.update(ref, { n: n + 1 });
        });
        committed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const counter = (await ref.get()).get('n') as number;
  await deleteApp(app);
  return { perSecond: round(committed / seconds), committed, counterMatches: counter === committed };
}

async function seed(db: Firestore, shards: number, limit: number) {
  await seedHotSku(
    { db, clock: systemClock },
    {
      sku: SKU,
      locationId: LOCATION,
      locationName: 'Flash warehouse',
      priceMinor: 19900,
      units: UNITS,
      shards,
    },
  );
  if (limit > 0)
    await db.doc(`inventory/${SKU}`).update({ purchaseLimit: { units: limit, periodHours: 24 } });
}

/** Oversold, from what Firestore holds: units held by reservations against units there were. */
async function check(db: Firestore, limit: number) {
  const held = await db.collection('reservations').where('status', '==', 'held').get();
  const unitsHeld = held.docs.reduce((sum, d) => sum + d.data().lines[0].qty, 0);
  const perCustomer = new Map<string, number>();
  for (const d of held.docs)
    perCustomer.set(d.data().customerId, (perCustomer.get(d.data().customerId) ?? 0) + d.data().lines[0].qty);
  const overCap = limit > 0 ? [...perCustomer.values()].filter((n) => n > limit).length : 0;
  const ledger = await db.collection('ledger').where('kind', '==', 'reserve').get();
  const inventory = (await db.doc(`inventory/${SKU}`).get()).data()!;
  return {
    oversold: Math.max(0, unitsHeld - UNITS),
    customersOverCap: overCap,
    check: {
      unitsHeld,
      reserveLedgerEntries: ledger.size,
      availabilityDoc: {
        onHand: inventory.onHand,
        reserved: inventory.reserved,
        available: inventory.available,
      },
    },
  };
}

async function run(host: string, modelLatencyMs: number, shards: number, groupCommit: boolean, limit = 0) {
  const projectId = `flash-${modelLatencyMs}-${shards}-${groupCommit}-${limit}-${Date.now()}`;
  const setup = client(host, projectId);
  await seed(setup.db, shards, limit);
  // Several function instances serve the buyers; they share only Firestore (and the metrics).
  const metrics = newMetrics();
  const instances = Array.from({ length: INSTANCES }, () => {
    const { app, db } = client(host, projectId);
    const base = { db, clock: systemClock, metrics };
    const refresher = new AvailabilityRefresher(base);
    const deps: Deps = { ...base, refresher, groupCommit };
    return { app, refresher, api: inventoryCallables(() => deps) };
  });
  const { latencies, okLatencies, outcomes, seconds } = await sale(instances);
  await Promise.all(instances.map((x) => x.refresher.idle()));
  const checked = await check(setup.db, limit);
  latencies.sort((a, b) => a - b);
  okLatencies.sort((a, b) => a - b);
  const ok = outcomes.ok ?? 0;
  const perSuccess = (n: number) => round(n / Math.max(1, ok), 2);
  const result = {
    mode: shards === 0 ? 'single document' : `${shards} shards`,
    shards,
    modelLatencyMs,
    groupCommit,
    buyers: BUYERS,
    units: UNITS,
    ...(LIMIT > 0
      ? { perCustomerLimit: limit || null, customers: CUSTOMERS, cartsPerCustomer: CARTS_PER_BUYER }
      : {}),
    instances: INSTANCES,
    succeeded: ok,
    outcomes,
    seconds: round(seconds, 2),
    reservationsPerSecond: round(ok / seconds),
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p99: round(percentile(latencies, 99)),
      successP50: round(percentile(okLatencies, 50)),
      successP99: round(percentile(okLatencies, 99)),
    },
    // Every buyer's transactions, reads and writes (and the aggregate refreshes), per unit sold.
    commitsPerSuccess: perSuccess(metrics.commits),
    readsPerSuccess: perSuccess(metrics.reads),
    writesPerSuccess: perSuccess(metrics.writes),
    transactionAttempts: metrics.attempts,
    retries: metrics.retries,
    ...checked,
  };
  console.log(JSON.stringify(result));
  await Promise.all([setup.app, ...instances.map((x) => x.app)].map((a) => deleteApp(a)));
  return result;
}

/** Every buyer at once, round robin over the instances; each call timed, each outcome counted. */
async function sale(instances: { api: ReturnType<typeof inventoryCallables> }[]) {
  const latencies: number[] = [];
  const okLatencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: BUYERS }, async (_, i) => {
      const t0 = performance.now();
      let outcome = 'ok';
      try {
        await instances[i % instances.length]!.api.reserveStock({
          data: { idempotencyKey: `flash-buyer-${i}`, lines: [{ sku: SKU, qty: 1 }] },
          // With limits on, CARTS_PER_BUYER carts per customer, consecutive ones on different instances.
          auth: { uid: `buyer-${i % CUSTOMERS}`, token: {} as never, rawToken: '' },
        });
      } catch (err) {
        outcome = String((err as { code?: string }).code ?? err);
      }
      const ms = performance.now() - t0;
      latencies.push(ms);
      if (outcome === 'ok') okLatencies.push(ms);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }),
  );
  return { latencies, okLatencies, outcomes, seconds: (performance.now() - started) / 1000 };
}

type Run = Awaited<ReturnType<typeof run>>;

function goals(hotDoc: number, runs: Run[]) {
  const find = (latency: number, shards: number, groupCommit: boolean) =>
    runs.find((r) => r.modelLatencyMs === latency && r.shards === shards && r.groupCommit === groupCommit);
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 ? null : round(a / b, 2);
  const singleAt0 = find(0, 0, true);
  const sharded16At10 = find(10, 16, true);
  const singleOffAt10 = find(10, 0, false);
  const at0 = runs.filter((r) => r.modelLatencyMs === 0);
  const grouped = runs.filter((r) => r.groupCommit);
  const worst = (rs: Run[], pick: (r: Run) => number) => (rs.length ? Math.max(...rs.map(pick)) : null);
  const singleVsHotDoc = ratio(singleAt0?.reservationsPerSecond, hotDoc);
  const shardedVsSingle = ratio(sharded16At10?.reservationsPerSecond, singleOffAt10?.reservationsPerSecond);
  const p99At0 = worst(
    at0.filter((r) => r.groupCommit),
    (r) => r.latencyMs.p99,
  );
  const reads = worst(grouped, (r) => r.readsPerSuccess);
  const oversold = runs.reduce((sum, r) => sum + r.oversold, 0);
  return {
    singleDocumentVsEmulatorHotDoc: {
      ratio: singleVsHotDoc,
      goal: '>= 0.8',
      met: singleVsHotDoc !== null && singleVsHotDoc >= 0.8,
    },
    shards16GroupCommitVsSingleDocumentWithoutAt10ms: {
      ratio: shardedVsSingle,
      goal: '>= 10',
      met: shardedVsSingle !== null && shardedVsSingle >= 10,
    },
    worstP99AllCallsAtLatency0GroupCommitMs: {
      value: p99At0,
      goal: '< 2000',
      met: p99At0 !== null && p99At0 < 2000,
    },
    worstP99AllCallsAtLatency0AnyModeMs: worst(at0, (r) => r.latencyMs.p99),
    worstReadsPerSuccessGroupCommit: { value: reads, goal: '<= 3', met: reads !== null && reads <= 3 },
    worstReadsPerSuccessAnyMode: worst(runs, (r) => r.readsPerSuccess),
    oversoldAllModes: { value: oversold, goal: '0', met: oversold === 0 },
  };
}

/** FLASH_ONLY=http: the HTTP leg alone, merged into the last full run's file. */
async function httpOnly() {
  const file = join(root, 'bench', 'results', 'flash-sale.json');
  const previous = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const http = await httpFlashSale();
  writeResult('flash-sale', {
    ...previous,
    http: {
      ...http,
      note: `Measured alone (FLASH_ONLY=http npm run bench -- flash) at ${http.measuredAt}, after the runs above; the rest of this file is from the run at ${String(previous.at)}.`,
    },
  });
  if (http.oversold > 0) throw new Error(`HTTP leg oversold ${http.oversold} units`);
}

async function main() {
  if (process.env.FLASH_ONLY === 'http') return httpOnly();
  const emulators = new Map<number, RunningEmulator>();
  const runs: Run[] = [];
  let hotDoc: Awaited<ReturnType<typeof hotDocTransactions>>;
  let http: unknown = null;
  try {
    for (const latencyMs of LATENCIES) emulators.set(latencyMs, await start({ port: 0, latencyMs }));
    const at0 = emulators.get(0) ?? (await start({ port: 0 }));
    if (!emulators.has(0)) emulators.set(-1, at0);
    // Tells the SDK it talks to an emulator: no credentials or metadata-server lookups.
    process.env.FIRESTORE_EMULATOR_HOST = `${at0.host}:${at0.port}`;
    hotDoc = await hotDocTransactions(`${at0.host}:${at0.port}`);
    console.log(`emulator hot-document transactions: ${hotDoc.perSecond}/s`);
    for (const [latencyMs, emulator] of emulators) {
      if (latencyMs < 0) continue;
      for (const shards of SHARDS)
        for (const groupCommit of process.env.FLASH_ONLY_GC === '1' ? [true] : [true, false])
          // With limits on, each mode also runs uncapped with the same carts: the cap's own cost.
          for (const limit of LIMIT > 0 ? [0, LIMIT] : [0])
            runs.push(await run(`${emulator.host}:${emulator.port}`, latencyMs, shards, groupCommit, limit));
    }
    // The HTTP leg failing (a server not starting, say) must not lose the runs above.
    if (process.env.FLASH_HTTP !== '0')
      http = await httpFlashSale().catch((error: unknown) => ({ error: String(error) }));
  } finally {
    for (const emulator of emulators.values()) await emulator.stop();
  }
  const report = {
    bench: 'flash-sale',
    at: new Date().toISOString(),
    node: process.version,
    command: `${Object.entries(process.env)
      .filter(([k]) => k.startsWith('FLASH_'))
      .map(([k, v]) => `${k}=${v} `)
      .join('')}npm run bench -- flash`,
    note: 'One process: the project emulator (exclusive locks, FIFO queues) and the function instances share its CPU. modelLatencyMs is the latency model: that many ms added to every RPC round trip, half each way, so transactions hold their locks across round trips.',
    machine: { cpus: cpus().length, loadAverage: loadavg().map((n) => round(n, 2)) },
    emulatorHotDocTxnPerSecond: hotDoc.perSecond,
    emulatorHotDoc: { clients: HOT_DOC_CLIENTS, seconds: HOT_DOC_SECONDS, ...hotDoc },
    goals: goals(hotDoc.perSecond, runs),
    runs,
    http,
  };
  writeResult(
    LIMIT > 0 ? 'flash-sale-limits' : 'flash-sale',
    LIMIT > 0 ? { ...report, bench: 'flash-sale-limits' } : report,
  );
  const overCap = runs.filter((r) => r.customersOverCap > 0);
  if (overCap.length > 0)
    throw new Error(`a customer passed the cap in ${overCap.map((r) => r.mode).join(', ')}`);
  const oversold = runs.filter((r) => r.oversold > 0);
  if (oversold.length > 0) throw new Error(`oversold in ${oversold.map((r) => r.mode).join(', ')}`);
}

runBenchmark(main);
