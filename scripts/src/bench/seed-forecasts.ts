/**
 * What the forecasts' demo data costs `npm start`: the project's Firestore emulator and the Auth
 * emulator on free ports (their own processes, as under npm start), the seed with its year of past
 * sales, then the jobs npm start runs once that read them (refreshForecasts, reconcileInventory),
 * then a second seed (the reseed finds the history there). Writes bench/results/seed-forecasts.json
 * with each seed step's own line (its time) and what the jobs found.
 */
import { loadavg } from 'node:os';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore } from 'firebase-admin/firestore';
import type { ForecastDoc } from '@hearth/contracts';
import { refreshForecasts } from '../../../functions/src/forecasting/refresh-forecasts';
import { systemClock } from '../../../functions/src/platform/deps';
import { reconcileInventory } from '../../../functions/src/inventory/reconcile';
import { projectId } from '../dev/stack';
import { FreePortStack } from '../dev/stack-on-free-ports';
import { seed } from '../seed/seed';
import { round, runBenchmark, writeResult, machineOf } from './_support';

const seconds = (since: number) => round((Date.now() - since) / 1000, 2);

async function main(): Promise<void> {
  const stack = new FreePortStack();
  const loadBefore = loadavg();
  try {
    await stack.startFirestore();
    await stack.startAuth();
    Object.assign(process.env, stack.env);
    const app = initializeApp({ projectId }, 'seed-forecasts');
    const db = getFirestore(app);
    const seedOnce = async () => {
      const lines: string[] = [];
      const result = await seed({ db, auth: getAuth(app), log: (l) => lines.push(l.trim()) });
      return {
        seconds: round(result.seconds, 2),
        steps: lines.filter((l) => / in [\d.]+ s|already there/.test(l)),
      };
    };
    const first = await seedOnce();
    let t = Date.now();
    const forecasts = await refreshForecasts({ db, clock: systemClock });
    const forecastSeconds = seconds(t);
    const docs = (await db.collection('forecasts').get()).docs.map((d) => d.data() as ForecastDoc);
    const plans = docs.flatMap((d) => Object.values(d.locations).map((l) => l.replenishment));
    t = Date.now();
    const reconciled = await reconcileInventory({ db, clock: systemClock });
    const reconcileSeconds = seconds(t);
    const reseed = await seedOnce();
    writeResult('seed-forecasts', {
      generatedBy: 'npm run bench -- seed-forecasts',
      seed: first,
      refreshForecasts: {
        seconds: forecastSeconds,
        ...forecasts,
        locationPlans: plans.length,
        locationPlansToReorder: plans.filter((p) => p.reorder).length,
        leadTimeWeeks: [...new Set(docs.map((d) => d.replenishment.leadTimeWeeks))].sort(),
      },
      reconcileInventory: {
        seconds: reconcileSeconds,
        ledgerEntries: reconciled.ledgerEntries,
        drift: reconciled.drift.length,
      },
      reseed,
      machine: machineOf(loadBefore),
      at: new Date().toISOString(),
    });
    await deleteApp(app);
  } finally {
    await stack.stop();
  }
}

runBenchmark(main);
