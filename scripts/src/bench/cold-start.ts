/**
 * Cold starts of the built functions (`functions/lib/index.js`, as deployed): fresh Node processes,
 * each one function's instance as Cloud Functions starts it (FUNCTION_TARGET names the function),
 * timing `require` of the bundle (the module load, before the instance can take a request), the
 * CPU it took, the modules loaded and whether TensorFlow.js was among them; and, for reserveStock,
 * its first call (which loads what the module load left for it) and a warm second call, against
 * the project's emulator. Also the whole codebase at once (no FUNCTION_TARGET: firebase-tools'
 * discovery, the dev stack's runtimes), and firebase-functions' HTTPS provider alone, the floor under
 * any callable. Writes bench/results/cold-start.json.
 *
 * Target: the inventory callables' module load below 150 ms (p50 of COLD_RUNS, default 10).
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { systemClock } from '../../../functions/src/inventory/deps';
import { defineSku, upsertLocation } from '../../../functions/src/inventory/setup';
import { restock } from '../../../functions/src/inventory/stock-changes';
import { buildFunctions } from '../build/functions-bundle';
import { percentile, root, round, runBenchmark, startEmulator, writeResult } from './_support';

const RUNS = Number(process.env.COLD_RUNS ?? 10);
const TARGET_MS = 150;
const PROJECT = 'bench-cold-start';
const SKU = 'cold-sofa';
const entry = join(root, 'functions', 'lib', 'index.js');

interface Probe {
  loadMs: number;
  cpuMs: number;
  modules: number;
  tensorflow: boolean;
  exported: number;
  firstCallMs?: number;
  warmCallMs?: number;
}

/** Runs in the fresh process: load the bundle, then (with CALL) call reserveStock twice. */
const probe = `
const t0 = performance.now();
const c0 = process.cpuUsage();
const m = require(process.env.ENTRY);
const loadMs = performance.now() - t0;
const cpu = process.cpuUsage(c0);
const modules = Object.keys(require.cache);
const out = {
  loadMs, cpuMs: (cpu.user + cpu.system) / 1000, modules: modules.length,
  tensorflow: modules.some((k) => k.includes('@tensorflow')),
  exported: Object.values(m).filter((f) => f && f.__endpoint).length,
};
const call = async (i) => {
  const t = performance.now();
  await m.reserveStock.run({
    data: { idempotencyKey: 'cold-' + process.pid + '-' + i, lines: [{ sku: process.env.SKU, qty: 1 }] },
    auth: { uid: 'cold-' + process.pid, token: {} },
    rawRequest: {},
  });
  return performance.now() - t;
};
(async () => {
  if (process.env.CALL) { out.firstCallMs = await call(1); out.warmCallMs = await call(2); }
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
`;

function runProbe(env: Record<string, string>): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', probe], {
      env: { ...process.env, ENTRY: entry, ...env, SKU },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as Probe);
      else reject(new Error(`probe ${JSON.stringify(env)} exited ${code}`));
    });
  });
}

const p50 = (xs: number[]) =>
  round(
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    ),
  );
const max = (xs: number[]) => round(Math.max(...xs));

async function measure(target: string | undefined, env: Record<string, string>, call = false) {
  const probes: Probe[] = [];
  const targetEnv: Record<string, string> = target ? { FUNCTION_TARGET: target } : {};
  for (let i = 0; i < RUNS; i++)
    probes.push(await runProbe({ ...env, ...targetEnv, ...(call ? { CALL: '1' } : {}) }));
  const pick = (f: (p: Probe) => number | undefined) =>
    probes.map(f).filter((x): x is number => x !== undefined);
  return {
    functionTarget: target ?? '(none: every function)',
    exportedTriggers: probes[0]!.exported,
    moduleLoadMs: { p50: p50(pick((p) => p.loadMs)), max: max(pick((p) => p.loadMs)) },
    moduleLoadCpuMs: { p50: p50(pick((p) => p.cpuMs)) },
    modulesLoaded: probes[0]!.modules,
    loadsTensorflow: probes.some((p) => p.tensorflow),
    ...(call
      ? {
          firstCallMs: { p50: p50(pick((p) => p.firstCallMs)), max: max(pick((p) => p.firstCallMs)) },
          warmCallMs: { p50: p50(pick((p) => p.warmCallMs)) },
        }
      : {}),
  };
}

async function seed(host: string): Promise<void> {
  const app = initializeApp({ projectId: PROJECT }, 'cold-start-seed');
  const db = getFirestore(app);
  db.settings({ host, ssl: false });
  const deps = { db, clock: systemClock };
  await upsertLocation(deps, {
    id: 'wh-cold',
    name: 'Cold warehouse',
    kind: 'warehouse',
    region: 'north',
    leadTimeDays: 2,
    priority: 1,
    active: true,
  });
  await defineSku(deps, { sku: SKU, productId: `p-${SKU}` });
  const staff = { uid: 'bench', role: 'admin' as const };
  await restock(deps, staff, {
    idempotencyKey: `cold-${Date.now()}`,
    sku: SKU,
    locationId: 'wh-cold',
    qty: 1000,
    reason: 'bench',
  });
  await deleteApp(app);
}

async function main(): Promise<void> {
  await buildFunctions();
  const emulator = await startEmulator();
  try {
    await seed(emulator.host);
    const env = {
      FIRESTORE_EMULATOR_HOST: emulator.host,
      GCLOUD_PROJECT: PROJECT,
      METADATA_SERVER_DETECTION: 'none',
    };
    const reserveStock = await measure('reserveStock', env, true);
    const results = [
      reserveStock,
      await measure('checkout', env),
      await measure('getRecommendations', env),
      await measure('retrainRecommender', env),
      await measure(undefined, env),
    ];
    // The floor under any callable's module load: firebase-functions' HTTPS provider alone.
    const floor = await measure(undefined, { ...env, ENTRY: require.resolve('firebase-functions/v2/https') });
    const inventory = results.slice(0, 2).map((r) => r.moduleLoadMs.p50);
    writeResult('cold-start', {
      setup: {
        runs: RUNS,
        node: process.version,
        cpus: cpus().length,
        loadAverage1m: round(loadavg()[0]!, 2),
      },
      target: { inventoryModuleLoadMsBelow: TARGET_MS, met: inventory.every((ms) => ms < TARGET_MS) },
      results,
      httpsProviderAlone: {
        moduleLoadMs: floor.moduleLoadMs,
        moduleLoadCpuMs: floor.moduleLoadCpuMs,
        modulesLoaded: floor.modulesLoaded,
      },
    });
  } finally {
    emulator.child.kill('SIGINT');
  }
}

runBenchmark(main);
