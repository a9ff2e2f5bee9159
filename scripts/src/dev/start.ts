/**
 * `npm start`: the whole store on this machine. Builds the functions, starts the project's Firestore
 * emulator (or the official one with --official), the firebase-tools Auth emulator, the functions
 * host (the callables, on the Functions emulator's port, from long-lived runtimes: functions-host.ts),
 * seeds the demo data, trains a first model, runs the scheduled jobs, relays Firestore triggers,
 * prints where everything is, and stops it all on Ctrl-C.
 *
 *   npm start [-- --official] [-- --no-seed] [-- --no-train] [-- --verbose] [-- --keep]
 *
 * --keep keeps the Firestore store between runs: exported to .cache/dev/firestore-export/ when the
 * stack stops, imported from there when it starts (the seed then finds its data there and keeps it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { killNow, spawnChild, stopChild, type Child } from './processes';
import { hubLists, portAccepts, portIsFree, waitFor } from './ready';
import { seed, type SeedResult } from '../seed/seed';
import { printBanner } from './banner';
import { hasLiveModel, importedLine, keptStoreDir, projectFirestoreArgs } from './firestore';
import { emulatorEnv, host, ports, projectId, repoRoot, useLocalStack } from './stack';
import { startWeb } from './web';

const flags = new Set(process.argv.slice(2));
const official = flags.has('--official');
const verbose = flags.has('--verbose');
const keep = flags.has('--keep');
const logDir = join(repoRoot, '.cache', 'dev');
const children: Child[] = [];
let stopping = false;
/** With --keep, whether the Firestore emulator started from a kept store. */
let keptStore = false;

const say = (line: string) => console.log(`hearth: ${line}`);

class StartError extends Error {}

/** Runs a step to completion in the foreground; whether it succeeded. */
function run(what: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): boolean {
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    say(`${what} failed (exit ${result.status ?? result.signal})`);
    return false;
  }
  say(`${what} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

function buildFunctions(): void {
  say('building the functions');
  if (!run('functions build', 'npm', ['--prefix', 'functions', 'run', 'build'])) {
    throw new StartError('the functions do not compile. Fix the errors above and run npm start again.');
  }
}

const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
const start = (name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
  const child = spawnChild(name, command, args, { cwd: repoRoot, env, logDir, echo: verbose });
  children.push(child);
  return child;
};

async function checkPorts(): Promise<void> {
  const busy: number[] = [];
  for (const port of Object.values(ports)) if (!(await portIsFree(host, port))) busy.push(port);
  if (busy.length > 0) {
    throw new StartError(
      `port(s) ${busy.join(', ')} in use on ${host}. Is a stack already running? Stop it (Ctrl-C in its ` +
        `terminal), or find what holds the port with: lsof -i :${busy[0]}`,
    );
  }
}

async function startProjectFirestore(): Promise<void> {
  say(`starting the project's Firestore emulator on ${host}:${ports.firestore}`);
  const args = projectFirestoreArgs({
    host,
    port: ports.firestore,
    projectId,
    keepDir: keep ? keptStoreDir : undefined,
  });
  const child = start('firestore', process.execPath, args);
  // Its ready line comes after what it imported, so both have arrived once it is seen.
  const ready = portAccepts(host, ports.firestore);
  await waitFor(
    'the Firestore emulator',
    child,
    async () => child.printed(/emulator ready/) && ready(),
    30_000,
  );
  say('Firestore emulator ready, firestore.rules loaded');
  if (!keep) return;
  const kept = importedLine(child.tail());
  keptStore = kept !== undefined;
  say(
    kept
      ? `--keep: ${kept.documents} documents kept from the last run (as of ${kept.snapshotTime}), in ${keptStoreDir}`
      : `--keep: nothing kept yet; the store is saved to ${keptStoreDir} when the stack stops`,
  );
}

/** With --keep the Firestore emulator exports as it stops: give it time, and say how it went. */
async function stopFirestore(child: Child): Promise<void> {
  if (!keep) return stopChild(child);
  await stopChild(child, 120_000);
  say(
    /^Exported to /m.test(child.tail())
      ? `kept the store in ${keptStoreDir} (npm start -- --keep brings it back)`
      : `the store could not be kept (the last export in ${keptStoreDir} is unchanged):\n${child.tail()}`,
  );
}

function officialFirestoreJar(): string | undefined {
  const dir = join(homedir(), '.cache', 'firebase', 'emulators');
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir).find((f) => /^cloud-firestore-emulator-.*\.jar$/.test(f));
}

function javaMajor(): number | undefined {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)/.exec(`${out.stderr ?? ''}${out.stdout ?? ''}`);
  return match ? Number(match[1]) : undefined;
}

async function startFirebaseTools(): Promise<void> {
  // Not the Functions emulator: the functions host serves the callables (startFunctionsHost).
  const only = official ? 'firestore,auth' : 'auth';
  say(`starting the firebase-tools emulators: ${only}`);
  const env = official ? {} : { FIRESTORE_EMULATOR_HOST: emulatorEnv.FIRESTORE_EMULATOR_HOST };
  const child = start(
    'firebase',
    bin('firebase'),
    ['emulators:start', '--only', only, '--project', projectId],
    env,
  );
  // The hub lists an emulator when it listens; "All emulators ready" comes once all are up.
  await waitFor(
    `the ${only} emulators`,
    child,
    async () => (await hubLists(ports.hub, only.split(','))()) && child.printed(/All emulators ready/),
    120_000,
  );
  say(`${only} emulators ready (their log: ${child.logFile})`);
}

/** Every callable of the built functions on the Functions emulator's port (functions-host.ts). */
async function startFunctionsHost(): Promise<void> {
  say(`starting the functions host on ${host}:${ports.functions}`);
  const script = join('scripts', 'src', 'dev', 'functions-host.ts');
  const args = ['--import', 'tsx', script, '--host', host, '--port', String(ports.functions)];
  const child = start('functions', process.execPath, [...args, '--project', projectId], emulatorEnv);
  const ready = portAccepts(host, ports.functions);
  await waitFor(
    'the functions host',
    child,
    async () => child.printed(/functions host: ready/) && ready(),
    60_000,
  );
  const loaded = /loaded (\d+) callables in (\d+) ms/.exec(child.tail());
  say(
    `functions host ready${loaded ? `: ${loaded[1]} callables, loaded in ${loaded[2]} ms` : ''} (log: ${child.logFile})`,
  );
}

/**
 * Nothing in the stack fires scheduled functions (the Functions emulator, too, ignores them without
 * Pub/Sub): run each once now (so popular items, the stock summary... exist from the start;
 * training had its own step), then keep running them beside it.
 */
function runSchedules(): void {
  const script = join('scripts', 'src', 'dev', 'schedules.ts');
  say('running each scheduled job once');
  const once = ['--import', 'tsx', script, '--once', '--skip', 'retrainRecommender'];
  if (!run('scheduled jobs', process.execPath, once, emulatorEnv)) {
    say('a scheduled job failed (see above); the stack keeps running');
  }
  const child = start('schedules', process.execPath, ['--import', 'tsx', script], emulatorEnv);
  say(`the scheduled jobs now run at their intervals (log: ${child.logFile})`);
}

/**
 * Document triggers: the project's emulator calls no Functions emulator back, and with --official
 * there is none to call (the functions host serves callables only), so a relay delivers them.
 */
function startTriggerRelay(): void {
  const script = join('scripts', 'src', 'dev', 'triggers.ts');
  const child = start('triggers', process.execPath, ['--import', 'tsx', script], emulatorEnv);
  say(`relaying the functions' Firestore triggers (log: ${child.logFile})`);
}

function checkOfficialInstalled(): void {
  const jar = officialFirestoreJar();
  const java = javaMajor();
  if (jar === undefined || java === undefined || java < 21) {
    throw new StartError(
      `--official needs the official Firestore emulator: Java 21+ (found ${java ?? 'none'}) and its jar ` +
        `(${jar ?? 'not downloaded'}; \`npx firebase setup:emulators:firestore\` fetches it). ` +
        `Without them, run npm start without --official to use the project's emulator.`,
    );
  }
}

async function seedAndTrain(): Promise<SeedResult | undefined> {
  useLocalStack();
  if (flags.has('--no-seed')) {
    say('not seeding (--no-seed)');
    return undefined;
  }
  const result = await seed({ log: say }).catch((err: Error) => {
    throw new StartError(`seeding failed: ${err.message}`);
  });
  if (flags.has('--no-train')) say('not training (--no-train)');
  else if (keptStore && (await hasLiveModel())) {
    say('--keep: the kept store has a live model, so no training now (npm run train retrains)');
  } else {
    say('training a first recommendation model');
    const trainer = join('scripts', 'src', 'train', 'train.ts');
    if (!run('training', process.execPath, ['--import', 'tsx', trainer], emulatorEnv)) {
      say(
        'the stack keeps running without a model: recommendations fall back to popular items (npm run train retries)',
      );
    }
  }
  return result;
}

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('stopping');
    // Functions and Auth first, so nothing writes to Firestore while it goes down.
    for (const child of [...children].reverse()) {
      await (child.name === 'firestore' ? stopFirestore(child) : stopChild(child));
    }
    say('stopped');
  }
  process.exit(code);
}

async function main(): Promise<void> {
  // Under `npm start` one Ctrl-C arrives twice (from the terminal, and relayed by npm and tsx):
  // only a second press, a moment later, means "stop waiting".
  let firstInterrupt = 0;
  process.on('SIGINT', () => {
    if (!stopping) {
      firstInterrupt = Date.now();
      void stopAll(0);
    } else if (Date.now() - firstInterrupt > 1000) {
      say('killing everything now');
      children.forEach(killNow);
      process.exit(130);
    }
  });
  process.on('SIGTERM', () => void stopAll(0));

  const started = Date.now();
  if (official && keep) {
    throw new StartError(
      "--keep keeps the project's Firestore emulator's store; it does not work with --official.",
    );
  }
  if (official) checkOfficialInstalled();
  await checkPorts();
  buildFunctions();
  // Side by side: none needs another up to start (the functions host reaches Firestore and Auth only
  // when called), and firebase-tools alone takes about ten seconds.
  await Promise.all([
    official ? undefined : startProjectFirestore(),
    startFirebaseTools(),
    startFunctionsHost(),
  ]);
  const seeded = await seedAndTrain();
  runSchedules();
  startTriggerRelay();
  printBanner({ official, seeded, seconds: (Date.now() - started) / 1000 });
  await startWeb(say); // the storefront and staff console (web/), last so their URLs are what one sees

  // Stay up until Ctrl-C; if a server dies on its own, the stack is broken: say so and stop.
  const died = await Promise.race(children.map((c) => c.exited.then((code) => ({ c, code }))));
  if (!stopping) {
    say(
      `${died.c.name} stopped unexpectedly (${died.code}). Its last lines:\n${died.c.tail()}\nlog: ${died.c.logFile}`,
    );
    await stopAll(1);
  }
}

main().catch(async (err: unknown) => {
  if (stopping) return;
  console.error(
    `\nhearth: could not start: ${err instanceof StartError ? err.message : (err as Error).stack}`,
  );
  console.error(`hearth: logs of each server are in ${logDir}`);
  await stopAll(1);
});
