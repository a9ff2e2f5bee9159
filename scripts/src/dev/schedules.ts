/**
 * Runs the functions' scheduled jobs (reservation expiry, reconciliation, retraining, popular
 * items...) against the local stack. The firebase-tools Functions emulator ignores scheduled
 * functions unless the Pub/Sub emulator runs (a Java download), so `npm start` runs them here: it
 * loads the built functions and calls each `onSchedule` function's own handler.
 *
 *   schedules.ts --once [--skip a,b]   each job once, one after the other, then exit
 *   schedules.ts                       each job at its interval ("every N minutes|hours"; daily
 *                                      ones every 24 h from now, whatever their time of day)
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './stack';

interface Scheduled {
  run: (event: unknown) => Promise<unknown>;
  __endpoint?: { scheduleTrigger?: { schedule?: string } };
}

const unitMs: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000 };

export function intervalOf(schedule: string): number | undefined {
  const every = /^every (\d+) (minutes?|hours?)$/.exec(schedule.trim());
  if (every) return Number(every[1]) * unitMs[every[2]!]!;
  if (/^every day \d\d:\d\d$/.test(schedule.trim())) return 24 * 3_600_000;
  return undefined;
}

function scheduledJobs(): [string, Scheduled][] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(join(repoRoot, 'functions', 'lib', 'index.js')) as Record<string, Scheduled>;
  return Object.entries(exported).filter(
    ([, f]) => typeof f?.run === 'function' && f.__endpoint?.scheduleTrigger,
  );
}

async function runJob(name: string, fn: Scheduled): Promise<boolean> {
  const started = Date.now();
  try {
    await fn.run({ scheduleTime: new Date().toISOString(), jobName: name });
    console.log(`${name}: done in ${Date.now() - started} ms`);
    return true;
  } catch (err) {
    console.error(`${name} failed: ${(err as Error).message}`);
    return false;
  }
}

async function once(skip: Set<string>): Promise<number> {
  let failed = 0;
  for (const [name, fn] of scheduledJobs()) if (!skip.has(name) && !(await runJob(name, fn))) failed++;
  return failed;
}

function repeat(): void {
  for (const [name, fn] of scheduledJobs()) {
    const schedule = fn.__endpoint!.scheduleTrigger!.schedule ?? '';
    const every = intervalOf(schedule);
    if (every === undefined) {
      console.log(`${name}: schedule "${schedule}" is not run locally`);
      continue;
    }
    let running = false;
    setInterval(() => {
      if (running) return; // a slow run is not stacked on itself
      running = true;
      void runJob(name, fn).finally(() => (running = false));
    }, every);
    console.log(`${name}: every ${every / 60_000} min ("${schedule}")`);
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { once: { type: 'boolean' }, skip: { type: 'string' } } });
  if (values.once) {
    void once(new Set((values.skip ?? '').split(',').filter(Boolean))).then((failed) =>
      process.exit(failed > 0 ? 1 : 0),
    );
  } else repeat();
}
