/**
 * `npm run bench -- soak`: the emulator under sustained load (see _soak.ts) for SOAK_MINUTES
 * (default 10), one sample a minute, written to bench/results/soak.json with the goals checked:
 * the last interval's writes/s at least 90% of the first's, RSS flat over the last 3 minutes
 * (within 5%) and under 400 MB, and the hot counter exact.
 */
import { cpus, loadavg } from 'node:os';
import { soak } from './_soak';
import { round, runBenchmark, writeResult } from './_support';

const minutes = Number(process.env.SOAK_MINUTES ?? 10);
const intervalMs = Number(process.env.SOAK_INTERVAL_SECONDS ?? 60) * 1000;
// Emulator flags to compare settings, e.g. SOAK_EMULATOR_ARGS="--max-retained-version-mb 16".
const emulatorArgs = (process.env.SOAK_EMULATOR_ARGS ?? '').split(' ').filter(Boolean);

async function main() {
  const started = Date.now();
  const options = {
    durationMs: minutes * 60_000,
    intervalMs,
    writers: 12,
    transactors: 4,
    documents: 15,
    emulatorArgs,
  };
  console.log(
    `soak: ${minutes} min, ${options.writers} writers on ${options.documents} documents, ${options.transactors} transactions on a hot counter`,
  );
  const result = await soak(options, (i) => console.log(JSON.stringify(i)));
  const { intervals } = result;
  const first = intervals[0]!;
  const lastOne = intervals.at(-1)!;
  const tail = intervals.slice(-3);
  const tailGrowth = tail.length > 1 ? tail.at(-1)!.rssMb / tail[0]!.rssMb - 1 : 0;
  const goals = {
    lastToFirstWrites: round(lastOne.writesPerSecond / first.writesPerSecond, 2),
    writesHeld: lastOne.writesPerSecond >= 0.9 * first.writesPerSecond,
    rssGrowthOverLast3Intervals: round(tailGrowth, 3),
    rssFlat: tailGrowth <= 0.05,
    maxRssMb: Math.max(...intervals.map((i) => i.rssMb)),
    rssUnder400Mb: intervals.every((i) => i.rssMb < 400),
    counterExact: result.counterExact,
  };
  const out = {
    benchmark: 'soak',
    date: new Date().toISOString(),
    command: 'npm run bench -- soak',
    setup: {
      ...options,
      emulator: 'emulator/src/cli.ts in a child process, default settings',
      cpus: cpus().length,
      // A shared machine slows the writers: read the throughput ratio with this in mind.
      loadAverage1mAtEnd: round(loadavg()[0]!, 2),
    },
    ...result,
    goals,
    durationSeconds: round((Date.now() - started) / 1000),
  };
  writeResult('soak', out);
  console.log(JSON.stringify(goals, null, 2));
}

runBenchmark(main);
