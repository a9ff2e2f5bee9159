/**
 * Event-to-list latency of the real-time fold-in on the local stack (fold-in-scenario.ts): a
 * signed-in shopper writes one view at a time as the app does (trackEvents, under the rules and
 * the event quota); the stack's trigger relay runs recommendationBoughtOnEvent, which folds the
 * shopper in against the live model and rewrites their list; the shopper's onSnapshot listener
 * receives it. Measured per event: from the event's commit (the write's promise resolving) to the
 * listener delivering a list generated after it, and from before the write to the same moment.
 * Writes bench/results/fold-in.json. FOLD_IN_EVENTS (default 60) events.
 */
import { loadavg } from 'node:os';
import { clusterItems, FoldInScenario } from '../dev/fold-in-scenario';
import { percentile, round, runBenchmark, writeResult, machineOf } from './_support';

const events = Number(process.env.FOLD_IN_EVENTS ?? 60);

async function main(): Promise<void> {
  const scenario = new FoldInScenario();
  const loadBefore = loadavg();
  try {
    await scenario.start();
    const shopper = await scenario.newShopper('fold-in-bench');
    const items = [...clusterItems('a'), ...clusterItems('b')];
    const fromCommit: number[] = [];
    const fromWrite: number[] = [];
    for (let n = 0; n < events; n++) {
      const productId = items[(n * 13) % items.length]!;
      const before = performance.now();
      const wallBefore = Date.now();
      shopper.tracker.track({ kind: 'view', productId });
      const flushed = await shopper.tracker.flush();
      if (!flushed.ok) throw new Error(`event ${n}: ${flushed.error.message}`);
      const committed = performance.now();
      const { at } = await scenario.nextList(
        shopper,
        before,
        (l) => l.generatedAt.toMillis() >= wallBefore,
        30_000,
        `the list after event ${n}`,
      );
      // The list can reach the listener before the write's own acknowledgement reaches the writer.
      fromCommit.push(Math.max(0, at - committed));
      fromWrite.push(at - before);
    }
    const stats = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return {
        p50Ms: round(percentile(s, 50)),
        p95Ms: round(percentile(s, 95)),
        p99Ms: round(percentile(s, 99)),
        maxMs: round(s[s.length - 1] ?? 0),
      };
    };
    const result = {
      generatedBy: 'npm run bench -- fold-in',
      what:
        'one shopper, one view per write, sequential; the trigger relay of the local stack delivers ' +
        'each created event to recommendationBoughtOnEvent (fold-in of one customer, 16-dim model of ' +
        '48 products); latency to the shopper onSnapshot listener delivering the rewritten list',
      events,
      commitToList: stats(fromCommit),
      writeToList: stats(fromWrite),
      machine: machineOf(loadBefore),
      at: new Date().toISOString(),
    };
    writeResult('fold-in', result);
  } finally {
    await scenario.stop();
  }
}

runBenchmark(main);
