/**
 * `npm run train`: runs the recommender's retraining job (the same code as the scheduled
 * `retrainRecommender`) against the local stack (or wherever FIRESTORE_EMULATOR_HOST points), or
 * against a real project with `--project`
 * (application default credentials), with a progress bar per phase.
 *
 *   npm run train [-- --project my-project] [--window-days 365] [--epochs 10] [--dim 64]
 */
import { SingleBar, Presets } from 'cli-progress';
import { deleteApp, getApps, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { retrainRecommender, type RetrainProgress } from '../../../functions/src/recommendations/retrain';
import { projectId as localProject, useLocalStack } from '../dev/stack';

function numberArg(name: string): number | undefined {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

function progressBars(): { update: (p: RetrainProgress) => void; stop: () => void } {
  let bar: SingleBar | undefined;
  let phase = '';
  return {
    update(p) {
      if (p.phase !== phase) {
        bar?.stop();
        phase = p.phase;
        const format =
          p.total > 0
            ? `${p.phase.padEnd(12)} [{bar}] {value}/{total}`
            : `${p.phase.padEnd(12)} {value} events`;
        bar = new SingleBar({ format, clearOnComplete: false, hideCursor: true }, Presets.shades_classic);
        bar.start(p.total, 0);
      }
      if (p.total > 0) bar?.setTotal(p.total);
      bar?.update(p.done);
    },
    stop: () => bar?.stop(),
  };
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--project');
  const project = at < 0 ? undefined : process.argv[at + 1];
  if (!project && !process.env.FIRESTORE_EMULATOR_HOST) useLocalStack();
  const app = getApps()[0] ?? initializeApp({ projectId: project ?? localProject });
  const bars = progressBars();
  const epochs = numberArg('epochs');
  const dim = numberArg('dim');
  const windowDays = numberArg('window-days');
  const started = Date.now();
  try {
    const result = await retrainRecommender(
      {
        db: getFirestore(app),
        clock: { now: () => new Date() },
        log: (line) => process.stderr.write(`${line}\n`),
        onProgress: bars.update,
      },
      {
        ...(windowDays ? { windowDays } : {}),
        train: { ...(epochs ? { epochs } : {}), ...(dim ? { dim } : {}) },
      },
    );
    bars.stop();
    console.log(
      `${result.version}: ${result.counts.customers} customers, ${result.counts.products} products, ` +
        `${result.counts.events} events (${result.counts.excludedCustomers} customers without consent left out); ` +
        `held-out recall@10 ${result.metrics.recall10.toFixed(4)} over ${result.metrics.holdoutUsers} customers; ` +
        (result.outcome.switched ? 'now live' : `not switched: ${result.outcome.reason}`) +
        ` (${((Date.now() - started) / 1000).toFixed(1)} s, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB)`,
    );
  } finally {
    bars.stop();
    // The Firestore client keeps its channel open; without this the process would not exit.
    await deleteApp(app);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
