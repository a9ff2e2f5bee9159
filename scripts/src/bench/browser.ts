/**
 * The browser transports under load, with the emulator in its own process. Writes
 * bench/results/browser.json:
 * - commit-to-`onSnapshot` latency in a real page (Chromium, the web SDK's browser build over
 *   WebChannel) with 1, 100 and 1,000 listeners on one page: each listener is its own query
 *   matching the document an admin SDK client commits to over gRPC, so every commit fans out to
 *   all of them; the latency of a commit is from just before the admin call to each listener's
 *   callback on the page (both clocks are this machine's), and the emulator's CPU per commit;
 * - REST commit throughput (16 concurrent clients POSTing `:commit`, as curl or the admin SDK with
 *   `preferRest` would) beside gRPC commits of the same writes in the same run, and their ratio.
 *
 * BENCH_SECONDS (default 3) sets the length of each throughput phase.
 */
import { cpus } from 'node:os';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { launchBrowser, type TestPage } from '../../../test/support/browser';
import { emulatorStats, round, runBenchmark, startEmulator, summary, writeResult } from './_support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const now = () => performance.timeOrigin + performance.now();

async function pageListeners(
  page: TestPage,
  host: string,
  projectId: string,
  name: string,
  listeners: number,
) {
  await page.page.evaluate(
    ({ host, projectId, name, listeners }) => {
      const { app, firestore: f } = window.sdk;
      const firebaseApp = app.initializeApp({ projectId, apiKey: 'bench' }, name);
      const db = f.initializeFirestore(firebaseApp, {});
      const [hostname, port] = host.split(':');
      f.connectFirestoreEmulator(db, hostname!, Number(port));
      const arrivals = new Map<number, number[]>();
      let ready = 0;
      let allReady!: () => void;
      const readyPromise = new Promise<void>((resolve) => (allReady = resolve));
      const stops = Array.from({ length: listeners }, (_, i) => {
        let first = true;
        // Metadata changes too: a later listener's first snapshot comes from the cache the others
        // filled, and its server confirmation changes only metadata.
        return f.onSnapshot(
          f.query(f.collection(db, name), f.where('k', 'in', [1, -1 - i])),
          { includeMetadataChanges: true },
          (snap) => {
            if (snap.metadata.fromCache) return;
            const at = performance.timeOrigin + performance.now();
            if (first) {
              first = false;
              if (++ready === listeners) allReady();
              return;
            }
            for (const change of snap.docChanges()) {
              const v = change.doc.get('v') as number;
              const list = arrivals.get(v) ?? [];
              list.push(at);
              arrivals.set(v, list);
            }
          },
        );
      });
      window.t[name] = {
        ready: readyPromise,
        arrivals,
        stop: async () => {
          stops.forEach((s) => s());
          await f.terminate(db);
        },
      };
    },
    { host, projectId, name, listeners },
  );
  await page.page.evaluate((name) => window.t[name].ready, name);
}

async function browserListenLatency(
  page: TestPage,
  db: Firestore,
  host: string,
  projectId: string,
  listeners: number,
  commits: number,
) {
  const name = `browserLive-${listeners}`;
  await db.doc(`${name}/seed`).set({ k: 1, v: -1 });
  await pageListeners(page, host, projectId, name, listeners);
  const latencies: number[] = [];
  const cpuBefore = (await emulatorStats(host)).cpuMicros!;
  for (let v = 0; v < commits; v++) {
    const sentAt = now();
    await db.doc(`${name}/seed`).set({ k: 1, v });
    const arrivals = await page.page.evaluate(
      ({ name, v, listeners }) =>
        new Promise<number[]>((resolve, reject) => {
          const deadline = Date.now() + 30_000;
          const check = () => {
            const list = window.t[name].arrivals.get(v) ?? [];
            if (list.length >= listeners) return resolve(list);
            if (Date.now() > deadline)
              return reject(new Error(`${list.length} of ${listeners} listeners saw commit ${v}`));
            setTimeout(check, 2);
          };
          check();
        }),
      { name, v, listeners },
    );
    latencies.push(...arrivals.map((at) => at - sentAt));
  }
  const emulatorCpuMsPerCommit = round(
    ((await emulatorStats(host)).cpuMicros! - cpuBefore) / 1000 / commits,
    2,
  );
  await page.page.evaluate((name) => window.t[name].stop(), name);
  return { listeners, commits, ...summary(latencies), emulatorCpuMsPerCommit };
}

/** `concurrency` loops committing one small document each for SECONDS. */
async function commitThroughput(concurrency: number, commit: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  const deadline = Date.now() + SECONDS * 1000;
  const started = Date.now();
  let ops = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, c) => {
      for (let n = 0; Date.now() < deadline; n++) {
        const t = performance.now();
        await commit(c * 1_000_000 + n);
        latencies.push(performance.now() - t);
        ops++;
      }
    }),
  );
  return { commitsPerSecond: round(ops / ((Date.now() - started) / 1000)), ...summary(latencies) };
}

async function restVersusGrpc(db: Firestore, host: string, projectId: string) {
  const database = `projects/${projectId}/databases/(default)`;
  const url = `http://${host}/v1/${database}/documents:commit`;
  const rest = await commitThroughput(16, async (i) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer owner' },
      body: JSON.stringify({
        writes: [
          {
            update: {
              name: `${database}/documents/restWrites/d${i}`,
              fields: { i: { integerValue: String(i) }, name: { stringValue: `item ${i}` } },
            },
          },
        ],
      }),
    });
    if (!response.ok) throw new Error(`REST commit failed: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  });
  const grpc = await commitThroughput(16, (i) =>
    db
      .doc(`grpcWrites/d${i}`)
      .set({ i, name: `item ${i}` })
      .then(() => undefined),
  );
  return {
    concurrency: 16,
    rest,
    grpc,
    restToGrpcThroughput: round(rest.commitsPerSecond / grpc.commitsPerSecond, 2),
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const { child, host } = await startEmulator();
  process.env.FIRESTORE_EMULATOR_HOST = host;
  const projectId = `bench-browser-${Date.now()}`;
  const app = initializeApp({ projectId }, 'bench-browser');
  const db = getFirestore(app);
  const browser = await launchBrowser();
  try {
    const page = await browser.open();
    console.log('browser listeners...');
    const listen = [];
    for (const [listeners, commits] of [
      [1, 50],
      [100, 20],
      [1000, 10],
    ] as const) {
      listen.push(await browserListenLatency(page, db, host, projectId, listeners, commits));
      console.log(JSON.stringify(listen.at(-1)));
    }
    console.log('REST and gRPC commits...');
    const commits = await restVersusGrpc(db, host, projectId);
    const result = {
      benchmark: 'browser',
      date: new Date().toISOString(),
      command: 'npm run bench -- browser',
      setup: {
        browser: 'Debian Chromium, headless, one page, web SDK browser build (WebChannel, fetch streams)',
        writer: 'firebase-admin over gRPC in the bench process',
        emulator: 'emulator/src/cli.ts in a child process',
        phaseSeconds: SECONDS,
        cpus: cpus().length,
      },
      commitToSnapshotLatencyInBrowser: listen,
      commitThroughput: commits,
      durationSeconds: round((Date.now() - started) / 1000),
    };
    writeResult('browser', result);
  } finally {
    await browser.close();
    await db.terminate();
    await deleteApp(app);
    child.kill('SIGTERM');
  }
}

runBenchmark(main);
