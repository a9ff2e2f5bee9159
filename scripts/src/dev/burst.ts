/**
 * A burst of callable requests against a running local stack, as a flash sale sends them: many
 * signed-in shoppers (web SDK apps, each signed in to the Auth emulator) call `reserveStock` for one
 * SKU at the same moment, and every answer is timed. A request that gets no answer within
 * `answerWithinMs` counts as unanswered (the SDK's own timeout ends it). Used by the burst test and
 * as a command:
 *
 *   npx tsx scripts/src/dev/burst.ts [--requests 500] [--users 50] [--sku 85123A] [--qty 1] [--hog]
 *
 * --hog keeps one core busy with a spinning process meanwhile, as a developer's laptop often is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import { connectAuthEmulator, createUserWithEmailAndPassword, getAuth } from 'firebase/auth';
import { connectFunctionsEmulator, getFunctions, httpsCallable, type Functions } from 'firebase/functions';
import { newIdempotencyKey } from '../../../client/src';
import { functionsRegion, host, ports, projectId } from './stack';

export interface BurstTarget {
  host: string;
  authPort: number;
  functionsPort: number;
}

export interface BurstOptions {
  requests: number;
  /** Shoppers the requests are spread over (each signs up once, before the burst). */
  users: number;
  sku: string;
  qty?: number;
  /** A request still unanswered after this long is given up on (and counted as unanswered). */
  answerWithinMs?: number;
}

export interface Answer {
  /** `ok`, or the callable error code (`resource-exhausted`, `unavailable`, ...). */
  outcome: string;
  ms: number;
  /** Units held, when it succeeded. */
  held: number;
  /** From an `unavailable` answer's details, when the server said when to retry. */
  retryAfterSeconds?: number;
  message?: string;
}

export interface BurstReport {
  requests: number;
  answered: number;
  unanswered: number;
  outcomes: Record<string, number>;
  unitsHeld: number;
  maxMs: number;
  p50Ms: number;
  seconds: number;
  answers: Answer[];
}

interface Shopper {
  app: FirebaseApp;
  functions: Functions;
}

let appCount = 0;

async function signUpShoppers(target: BurstTarget, users: number): Promise<Shopper[]> {
  const run = `${Date.now().toString(36)}-${process.pid}`;
  return Promise.all(
    Array.from({ length: users }, async (_, i) => {
      const app = initializeApp({ projectId, apiKey: 'demo-key' }, `burst-${++appCount}`);
      const auth = getAuth(app);
      connectAuthEmulator(auth, `http://${target.host}:${target.authPort}`, { disableWarnings: true });
      await createUserWithEmailAndPassword(auth, `burst-${run}-${i}@example.com`, 'burst-secret');
      const functions = getFunctions(app, functionsRegion);
      connectFunctionsEmulator(functions, target.host, target.functionsPort);
      return { app, functions };
    }),
  );
}

async function callOnce(shopper: Shopper, o: Required<BurstOptions>): Promise<Answer> {
  const call = httpsCallable<unknown, { lines?: { qty: number }[] }>(shopper.functions, 'reserveStock', {
    timeout: o.answerWithinMs,
  });
  const started = performance.now();
  try {
    const { data } = await call({ idempotencyKey: newIdempotencyKey(), lines: [{ sku: o.sku, qty: o.qty }] });
    const held = (data.lines ?? []).reduce((sum, l) => sum + l.qty, 0);
    return { outcome: 'ok', ms: performance.now() - started, held };
  } catch (err) {
    const e = err as { code?: string; message?: string; details?: { retryAfterSeconds?: number } };
    const ms = performance.now() - started;
    // The SDK ends a call that outlives its timeout with deadline-exceeded: no answer came.
    const outcome =
      e.code === 'functions/deadline-exceeded' && ms >= o.answerWithinMs
        ? 'unanswered'
        : (e.code ?? 'error').replace(/^functions\//, '');
    return { outcome, ms, held: 0, retryAfterSeconds: e.details?.retryAfterSeconds, message: e.message };
  }
}

/** Signs the shoppers up, then sends every request at once and waits for all of them. */
export async function burst(target: BurstTarget, options: BurstOptions): Promise<BurstReport> {
  const o: Required<BurstOptions> = { qty: 1, answerWithinMs: 30_000, ...options };
  const shoppers = await signUpShoppers(target, o.users);
  try {
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: o.requests }, (_, i) => callOnce(shoppers[i % shoppers.length]!, o)),
    );
    const seconds = (performance.now() - started) / 1000;
    const outcomes: Record<string, number> = {};
    for (const a of answers) outcomes[a.outcome] = (outcomes[a.outcome] ?? 0) + 1;
    const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
    const unanswered = outcomes.unanswered ?? 0;
    return {
      requests: o.requests,
      answered: o.requests - unanswered,
      unanswered,
      outcomes,
      unitsHeld: answers.reduce((sum, a) => sum + a.held, 0),
      maxMs: Math.round(sorted.at(-1) ?? 0),
      p50Ms: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
      seconds: Number(seconds.toFixed(1)),
      answers,
    };
  } finally {
    await Promise.all(shoppers.map((s) => deleteApp(s.app)));
  }
}

/**
 * A process that keeps one core busy for at most `seconds` and then exits by itself (so a crashed
 * caller cannot leave it spinning); stop it sooner with `stop()`.
 */
export function cpuHog(seconds: number): { proc: ChildProcess; stop: () => void } {
  const proc = spawn(
    process.execPath,
    ['-e', `const end = Date.now() + ${seconds * 1000}; while (Date.now() < end) {}`],
    { stdio: 'ignore' },
  );
  return { proc, stop: () => proc.kill('SIGKILL') };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '500' },
      users: { type: 'string', default: '50' },
      sku: { type: 'string', default: '85123A' },
      qty: { type: 'string', default: '1' },
      hog: { type: 'boolean', default: false },
    },
  });
  const hog = values.hog ? cpuHog(600) : undefined;
  try {
    const report = await burst(
      { host, authPort: ports.auth, functionsPort: ports.functions },
      {
        requests: Number(values.requests),
        users: Number(values.users),
        sku: values.sku,
        qty: Number(values.qty),
      },
    );
    const { answers, ...summary } = report;
    const retryAfter = answers.filter((a) => a.retryAfterSeconds !== undefined).length;
    const other = answers.find((a) => !['ok', 'resource-exhausted', 'unavailable'].includes(a.outcome));
    console.log(
      JSON.stringify({ ...summary, hog: values.hog, unavailableWithRetryAfter: retryAfter }, null, 2),
    );
    if (other) console.log(`e.g. ${other.outcome}: ${other.message}`);
  } finally {
    hog?.stop();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
