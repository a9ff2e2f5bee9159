/**
 * Runs the functions' scheduled jobs (reservation expiry, reconciliation, retraining...) against
 * the local stack. The firebase-tools Functions emulator ignores scheduled functions unless the
 * Pub/Sub emulator runs (a Java download), so `npm start` runs this in a child process: it loads
 * the built functions and calls each `onSchedule` function's own handler at its interval.
 * Schedules other than "every N minutes|hours" are reported and left out.
 */
import { join } from 'node:path';
import { repoRoot } from './stack';

interface Scheduled {
  run: (event: unknown) => Promise<unknown>;
  __endpoint?: { scheduleTrigger?: { schedule?: string } };
}

const unitMs: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000 };

export function intervalOf(schedule: string): number | undefined {
  const m = /^every (\d+) (minutes?|hours?)$/.exec(schedule.trim());
  return m ? Number(m[1]) * unitMs[m[2]!]! : undefined;
}

function main(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(join(repoRoot, 'functions', 'lib', 'index.js')) as Record<string, Scheduled>;
  const jobs = Object.entries(exported).filter(
    ([, f]) => typeof f?.run === 'function' && f.__endpoint?.scheduleTrigger,
  );
  for (const [name, fn] of jobs) {
    const schedule = fn.__endpoint!.scheduleTrigger!.schedule ?? '';
    const every = intervalOf(schedule);
    if (every === undefined) {
      console.log(`${name}: schedule "${schedule}" is not run locally (only "every N minutes|hours")`);
      continue;
    }
    let running = false;
    const tick = async () => {
      if (running) return; // a slow run is not stacked on itself
      running = true;
      const started = Date.now();
      try {
        await fn.run({ scheduleTime: new Date().toISOString(), jobName: name });
        console.log(`${name}: done in ${Date.now() - started} ms`);
      } catch (err) {
        console.error(`${name} failed: ${(err as Error).message}`);
      } finally {
        running = false;
      }
    };
    setInterval(() => void tick(), every);
    console.log(`${name}: every ${every / 60_000} min ("${schedule}")`);
  }
}

if (require.main === module) main();
