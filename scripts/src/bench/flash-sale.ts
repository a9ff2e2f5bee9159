/**
 * Flash sale: BUYERS shoppers arrive at once for UNITS units of one SKU, each reserving one unit
 * through the reserveStock handler, against the project's emulator in this process. Runs once on a
 * single availability document and once per shard count, and writes bench/results/flash-sale.json:
 * reservations per second, latency percentiles, transaction retries, Firestore document reads and
 * writes per successful reservation, and units oversold (must be 0), checked from Firestore.
 *
 * The buyers are spread over FLASH_INSTANCES function instances (own Firestore clients, so their
 * own caches and local admission), as a deployed function scaled out would serve them.
 *
 * Overrides for quick runs: FLASH_BUYERS, FLASH_UNITS, FLASH_SHARDS (comma list, 0 = one document),
 * FLASH_INSTANCES.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { start } from '@hearth/firestore-emulator';
import { inventoryCallables } from '../../../functions/src/inventory/callables';
import { type Deps, newMetrics, systemClock } from '../../../functions/src/inventory/deps';
import { restock } from '../../../functions/src/inventory/stock-changes';
import { defineSku, upsertLocation } from '../../../functions/src/inventory/setup';
import { setShardCount } from '../../../functions/src/inventory/shards';
import { AvailabilityRefresher } from '../../../functions/src/inventory/refresh';

const BUYERS = Number(process.env.FLASH_BUYERS ?? 5000);
const UNITS = Number(process.env.FLASH_UNITS ?? 1000);
const SHARDS = (process.env.FLASH_SHARDS ?? '0,4,16,64').split(',').map(Number);
const INSTANCES = Number(process.env.FLASH_INSTANCES ?? 4);
const SKU = 'flash-armchair';
const LOCATION = 'wh-flash';
const admin = { uid: 'bench', role: 'admin' as const };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

async function run(host: string, shards: number) {
  const projectId = `flash-${shards}-${Date.now()}`;
  const app = initializeApp({ projectId }, `flash-${shards}`);
  const db = getFirestore(app);
  db.settings({ host, ssl: false });
  const base = { db, clock: systemClock };
  await upsertLocation(base, {
    id: LOCATION,
    name: 'Flash warehouse',
    kind: 'warehouse',
    region: 'south',
    leadTimeDays: 2,
    priority: 1,
    active: true,
  });
  await db
    .doc(`products/p-${SKU}/variants/${SKU}`)
    .set({ sku: SKU, productId: `p-${SKU}`, options: {}, priceMinor: 19900, currency: 'GBP' });
  await defineSku(base, { sku: SKU, productId: `p-${SKU}` });
  await restock(base, admin, {
    idempotencyKey: 'bench-restock',
    sku: SKU,
    locationId: LOCATION,
    qty: UNITS,
    reason: 'bench',
  });
  if (shards > 0)
    await setShardCount(base, admin, {
      idempotencyKey: 'bench-shards',
      sku: SKU,
      locationId: LOCATION,
      count: shards,
    });

  // Several function instances serve the buyers; they share only Firestore (and the metrics).
  const metrics = newMetrics();
  const instances = Array.from({ length: INSTANCES }, (_, i) => {
    const app = initializeApp({ projectId }, `flash-${shards}-instance-${i}`);
    const instanceDb = getFirestore(app);
    instanceDb.settings({ host, ssl: false });
    const d = { db: instanceDb, clock: systemClock, metrics };
    const refresher = new AvailabilityRefresher(d);
    const deps: Deps = { ...d, refresher };
    return { app, refresher, api: inventoryCallables(() => deps) };
  });
  const latencies: number[] = [];
  const okLatencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: BUYERS }, async (_, i) => {
      const t0 = performance.now();
      let outcome = 'ok';
      try {
        await instances[i % INSTANCES]!.api.reserveStock({
          data: { idempotencyKey: `flash-buyer-${i}`, lines: [{ sku: SKU, qty: 1 }] },
          auth: { uid: `buyer-${i}`, token: {} as never, rawToken: '' },
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
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(instances.map((x) => x.refresher.idle()));

  // Oversold, from what Firestore holds: units held by reservations against units there were.
  const held = await db.collection('reservations').where('status', '==', 'held').get();
  const unitsHeld = held.docs.reduce((sum, d) => sum + d.data().lines[0].qty, 0);
  const ledger = await db.collection('ledger').where('kind', '==', 'reserve').get();
  const inventory = (await db.doc(`inventory/${SKU}`).get()).data()!;
  latencies.sort((a, b) => a - b);
  okLatencies.sort((a, b) => a - b);
  const ok = outcomes.ok ?? 0;
  const result = {
    mode: shards === 0 ? 'single document' : `${shards} shards`,
    shards,
    buyers: BUYERS,
    units: UNITS,
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
    transactionAttempts: metrics.attempts,
    retries: metrics.retries,
    // Every buyer's reads and writes (and the aggregate refreshes), divided by the units sold.
    readsPerSuccess: round(metrics.reads / Math.max(1, ok), 2),
    writesPerSuccess: round(metrics.writes / Math.max(1, ok), 2),
    readsPerCall: round(metrics.reads / BUYERS, 2),
    oversold: Math.max(0, unitsHeld - UNITS),
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
  console.log(JSON.stringify(result));
  await Promise.all([app, ...instances.map((x) => x.app)].map((a) => deleteApp(a)));
  return result;
}

async function main() {
  const emulator = await start({ port: 0 });
  const host = `${emulator.host}:${emulator.port}`;
  // Tells the SDK it talks to an emulator: no credentials or metadata-server lookups.
  process.env.FIRESTORE_EMULATOR_HOST = host;
  const runs = [];
  try {
    for (const shards of SHARDS) runs.push(await run(host, shards));
  } finally {
    await emulator.stop();
  }
  const out = join(__dirname, '..', '..', '..', 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const report = {
    bench: 'flash-sale',
    at: new Date().toISOString(),
    node: process.version,
    note: 'One process: the project emulator (exclusive locks, FIFO queues) and the clients share its CPU.',
    machine: { cpus: cpus().length, loadAverage: loadavg().map((n) => round(n, 2)) },
    runs,
  };
  writeFileSync(join(out, 'flash-sale.json'), JSON.stringify(report, null, 2) + '\n');
  const bad = runs.filter((r) => r.oversold > 0 || r.succeeded !== Math.min(r.units, r.buyers));
  if (bad.length > 0) {
    console.error(
      'FAILED: oversold or units left unsold',
      bad.map((r) => r.mode),
    );
    process.exit(1);
  }
  process.exit(0);
}

void main();
