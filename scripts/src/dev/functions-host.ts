/**
 * The dev stack's functions host: serves every callable of the built functions on the Functions
 * emulator's port from a fixed pool of long-lived runtimes (node:cluster workers sharing the port),
 * each of which loaded `functions/lib/index.js` once. It replaces the firebase-tools Functions
 * emulator for callables, which starts a new runtime process, loading the whole codebase, for
 * every request that finds no idle runtime of its function: a burst becomes tens of processes
 * starting at once on two cores, none ready in time, and a request whose runtime failed to start is
 * never answered (README, "Why the stack serves the callables itself").
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
import { projectId as defaultProject, ports, repoRoot } from './stack';

const { values: args } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: String(ports.functions) },
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

/** The runtimes: started together, replaced when one crashes, retired together on a rebuild. */
class RuntimePool {
  private readonly serving = new Set<Worker>();
  /** Workers we asked to go (a rebuild, or stopping): not replaced when they exit. */
  private readonly retired = new WeakSet<Worker>();
  stopping = false;

  constructor(
    private readonly count: number,
    private readonly env: Record<string, string>,
  ) {}

  private fork(): Promise<Worker> {
    return new Promise((resolve, reject) => {
      const worker = cluster.fork(this.env);
      let listening = false;
      worker.once('message', (m: { loaded: string[]; loadMs: number }) =>
        log(`runtime ${worker.process.pid} loaded ${m.loaded.length} callables in ${m.loadMs} ms`),
      );
      worker.once('listening', () => {
        listening = true;
        resolve(worker);
      });
      worker.once('exit', (code, signal) => {
        this.serving.delete(worker);
        if (!listening) return reject(new Error(`a runtime exited (${code ?? signal}) before it listened`));
        if (this.stopping || this.retired.has(worker)) return;
        // Only a runtime that had been serving is replaced: one that cannot start would loop.
        log(`runtime ${worker.process.pid} exited (${code ?? signal}); starting another`);
        this.fork().then(
          (w) => this.serving.add(w),
          (err: Error) => log(err.message),
        );
      });
    });
  }

  /** Starts a full set of runtimes; once all listen, the previous set finishes and goes. */
  async refresh(): Promise<void> {
    const previous = [...this.serving];
    const fresh = await Promise.allSettled(Array.from({ length: this.count }, () => this.fork()));
    const started = fresh.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = fresh.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      started.forEach((w) => this.retire(w));
      throw failed.reason as Error;
    }
    started.forEach((w) => this.serving.add(w));
    previous.forEach((w) => this.retire(w));
  }

  private retire(worker: Worker): void {
    this.retired.add(worker);
    this.serving.delete(worker);
    worker.disconnect();
  }

  /** Every runtime finishes what it holds (5 s at most), then the host exits. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const killTimer = setTimeout(() => {
      workers.forEach((w) => w.process.kill('SIGKILL'));
      process.exit(0);
    }, 5000);
    let left = workers.length;
    const exitWhenDone = () => {
      if (left > 0) return;
      clearTimeout(killTimer);
      process.exit(0);
    };
    for (const w of workers) {
      w.once('exit', () => {
        left--;
        exitWhenDone();
      });
      this.retire(w);
    }
    exitWhenDone();
  }
}

function primary(): void {
  const pool = new RuntimePool(
    Math.max(1, Number(args.runtimes)),
    runtimeEnv(args.functions!, args.project!),
  );
  const entry = join(args.functions!, 'lib', 'index.js');
  const stop = () => {
    unwatchFile(entry);
    pool.stop();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  pool.refresh().then(
    () =>
      log(
        `ready on ${args.host}:${args.port}: ${args.runtimes} long-lived runtimes, ` +
          `callables at http://${args.host}:${args.port}/${args.project}/<region>/<name>`,
      ),
    (err: Error) => {
      console.error(`functions host: could not start: ${err.message}`);
      process.exit(1);
    },
  );
  watchBuild(entry, () => {
    if (pool.stopping) return;
    log('functions/lib/index.js changed: starting fresh runtimes');
    pool.refresh().then(
      () => log('fresh runtimes serving'),
      (err: Error) => log(`the rebuilt functions did not start (${err.message}); the previous runtimes stay`),
    );
  });
}

/**
 * Calls `onChange` once a rebuild of lib/index.js has settled. Polled: the build deletes and
 * recreates lib/, which an fs.watch on it would not survive.
 */
function watchBuild(entry: string, onChange: () => void): void {
  let timer: NodeJS.Timeout | undefined;
  watchFile(entry, { interval: 1000 }, (now, before) => {
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
