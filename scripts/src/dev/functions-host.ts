/**
 * The dev stack's functions host: serves every callable of the built functions on the Functions
 * emulator's port from a fixed pool of long-lived runtimes (node:cluster workers sharing the port),
 * each of which loaded `functions/lib/index.js` once. It replaces the firebase-tools Functions
 * emulator for callables, which starts a new runtime process, loading the whole codebase, for
 * every request that finds no idle runtime of its function: a burst becomes hundreds of processes
 * on two cores, none ready in time, and the requests it gave up on are never answered (README,
 * "Why the stack serves the callables itself").
 *
 *   functions-host.ts [--host 127.0.0.1] [--port 5001] [--project demo-hearth] [--runtimes 2]
 *                     [--max-in-flight 32] [--queue-wait-ms 10000] [--answer-within-ms 25000]
 *
 * The runtimes get the environment firebase-tools gives its own (emulator flags, the project,
 * FIREBASE_CONFIG, params from functions/.env files); the emulator hosts come from ours. A runtime
 * that dies is replaced; a rebuild of lib/index.js replaces them all (the old ones finish what
 * they hold first). Ctrl-C (SIGINT) or SIGTERM stops it.
 */
import cluster, { type Worker } from 'node:cluster';
import { unwatchFile, watchFile } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { callableApp, httpsFunctions, listen } from './callable-server';
import { runtimeEnv } from './runtime-env';
import { projectId as defaultProject, repoRoot } from './stack';

const { values: args } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '5001' },
    project: { type: 'string', default: defaultProject },
    runtimes: { type: 'string', default: String(Math.min(2, availableParallelism())) },
    'max-in-flight': { type: 'string' },
    'queue-wait-ms': { type: 'string' },
    'answer-within-ms': { type: 'string' },
    functions: { type: 'string', default: join(repoRoot, 'functions') },
  },
});

const log = (line: string) => console.log(`functions host: ${line}`);
const numberArg = (name: keyof typeof args) => (args[name] === undefined ? undefined : Number(args[name]));

async function runtime(): Promise<void> {
  // The primary coordinates stopping: a terminal Ctrl-C reaches the whole group, ignore it here.
  process.on('SIGINT', () => {});
  const entry = join(args.functions!, 'lib', 'index.js');
  const started = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const functions = httpsFunctions(require(entry) as Record<string, unknown>);
  const loadMs = Math.round(performance.now() - started);
  const gate = Object.fromEntries(
    Object.entries({
      maxInFlight: numberArg('max-in-flight'),
      queueWaitMs: numberArg('queue-wait-ms'),
      answerWithinMs: numberArg('answer-within-ms'),
    }).filter(([, v]) => v !== undefined),
  );
  const { app } = callableApp({ projectId: args.project!, functions, gate });
  const server = await listen(app, args.host!, Number(args.port));
  process.send?.({ loaded: [...functions.keys()], loadMs });
  // Asked to go (a rebuild, or the host stopping): finish what is running, then exit.
  process.on('disconnect', () => server.close(() => process.exit(0)));
}

function primary(): void {
  const count = Math.max(1, Number(args.runtimes));
  const env = runtimeEnv(args.functions!, args.project!);
  let stopping = false;
  let generation = 0;
  const current = new Set<Worker>();

  const fork = (gen: number): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork(env);
      worker.once('message', (m: { loaded: string[]; loadMs: number }) => {
        if (gen === 1 && current.size === 0) {
          log(`runtime ${worker.process.pid} loaded ${m.loaded.length} callables in ${m.loadMs} ms`);
        }
      });
      worker.once('listening', () => resolve(worker));
      worker.once('exit', (code, signal) => {
        current.delete(worker);
        reject(new Error(`runtime exited (${code ?? signal}) before listening`));
        if (stopping || gen !== generation) return;
        log(`runtime ${worker.process.pid} exited (${code ?? signal}); starting another`);
        void fork(gen).then(
          (w) => current.add(w),
          (err: Error) => log(err.message),
        );
      });
    });

  const startAll = async (): Promise<void> => {
    const gen = ++generation;
    const previous = [...current];
    const workers = await Promise.all(Array.from({ length: count }, () => fork(gen)));
    workers.forEach((w) => current.add(w));
    for (const old of previous) {
      current.delete(old);
      old.disconnect();
    }
  };

  const stop = () => {
    if (stopping) return;
    stopping = true;
    unwatchFile(join(args.functions!, 'lib', 'index.js'));
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const killTimer = setTimeout(() => {
      workers.forEach((w) => w.process.kill('SIGKILL'));
      process.exit(0);
    }, 5000);
    let left = workers.length;
    if (left === 0) process.exit(0);
    for (const w of workers) {
      w.once('exit', () => {
        if (--left === 0) {
          clearTimeout(killTimer);
          process.exit(0);
        }
      });
      w.disconnect();
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  startAll().then(
    () =>
      log(
        `ready on ${args.host}:${args.port}: ${count} long-lived runtimes, ` +
          `callables at http://${args.host}:${args.port}/${args.project}/<region>/<name>`,
      ),
    (err: Error) => {
      console.error(`functions host: could not start: ${err.message}`);
      process.exit(1);
    },
  );
  watchBuild(args.functions!, () => {
    if (stopping) return;
    log('functions/lib changed: starting fresh runtimes');
    startAll().then(
      () => log('fresh runtimes serving'),
      (err: Error) => log(`the rebuilt functions did not start (${err.message}); the previous runtimes stay`),
    );
  });
}

/**
 * Calls `onChange` once a rebuild of lib/index.js has settled. Polled: the build deletes and
 * recreates lib/, which an fs.watch on it would not survive.
 */
function watchBuild(functionsDir: string, onChange: () => void): void {
  let timer: NodeJS.Timeout | undefined;
  watchFile(join(functionsDir, 'lib', 'index.js'), { interval: 1000 }, (now, before) => {
    if (now.mtimeMs === before.mtimeMs || now.mtimeMs === 0) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, 500);
  });
}

if (cluster.isPrimary) primary();
else
  runtime().catch((err: Error) => {
    console.error(`functions host: a runtime could not start: ${err.stack ?? err.message}`);
    process.exit(1);
  });
