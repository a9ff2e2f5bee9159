/**
 * How long the nightly retraining takes on the seeded demo store: the project's Firestore emulator
 * and the Auth emulator on free ports, `npm run seed`'s data (about 800 customers with their
 * histories, 3,549 products), then the retraining job exactly as scheduled (the hybrid model by
 * default), timed per phase. Writes bench/results/train-seeded.json.
 */
import { loadavg } from 'node:os';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore } from 'firebase-admin/firestore';
import { retrainRecommender } from '../../../functions/src/recommendations/retrain';
import { projectId } from '../dev/stack';
import { FreePortStack } from '../dev/stack-on-free-ports';
import { seed } from '../seed/seed';
import { runBenchmark, writeResult, machineOf } from './_support';

async function main(): Promise<void> {
  const stack = new FreePortStack();
  const loadBefore = loadavg();
  try {
    await stack.startFirestore();
    await stack.startAuth();
    Object.assign(process.env, stack.env);
    const app = initializeApp({ projectId }, 'train-seeded');
    const db = getFirestore(app);
    const seeded = await seed({ db, auth: getAuth(app), log: () => {} });
    const started = Date.now();
    const result = await retrainRecommender({ db, clock: { now: () => new Date() }, log: console.log });
    const totalSeconds = (Date.now() - started) / 1000;
    writeResult('train-seeded', {
      generatedBy: 'npm run bench -- train-seeded',
      seeded: seeded.counts,
      counts: result.counts,
      outcome: result.outcome,
      metrics: result.metrics,
      totalSeconds,
      phaseSeconds: result.phaseSeconds,
      machine: machineOf(loadBefore),
      at: new Date().toISOString(),
    });
    await deleteApp(app);
  } finally {
    await stack.stop();
  }
}

runBenchmark(main);
