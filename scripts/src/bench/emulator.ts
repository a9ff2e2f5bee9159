/**
 * Benchmarks the project's Firestore emulator through the real firebase-admin SDK, with the
 * emulator in a child process (as developers run it) so its memory is measured alone. Writes
 * bench/results/emulator.json: single-document writes/s, transactional increments/s on one hot
 * document at 1, 8 and 64 concurrent clients (with aborts and retries), point reads/s, query
 * latency over 10,000 documents, commit-to-onSnapshot latency with 1, 100 and 1,000 listeners,
 * (admin SDK: a stream per listener; web SDK: one stream for all), and the emulator's memory
 * holding 100,000 documents, and its start-up: from spawn to the ready line, for the built bin
 * under plain node (as an installed @hearth/firestore-emulator runs) and for the sources under tsx.
 * Runs in well under a minute on two cores.
 *
 * BENCH_SECONDS (default 3) sets the length of each throughput phase.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { deleteApp as deleteWebApp, initializeApp as initializeWebApp } from 'firebase/app';
import {
  collection as webCollection,
  connectFirestoreEmulator,
  getFirestore as getWebFirestore,
  onSnapshot,
  query as webQuery,
  terminate,
  where,
} from 'firebase/firestore';
import {
  emulatorStats,
  root,
  round,
  runBenchmark,
  spawnUntilReady,
  startEmulator,
  summary,
  writeResult,
} from './_support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

let appCount = 0;
function adminDb(projectId: string): { app: App; db: Firestore } {
  const app = initializeApp({ projectId }, `bench-${++appCount}`);
  return { app, db: getFirestore(app) };
}

/** Runs `worker` on `concurrency` loops for SECONDS; returns operations per second and latencies. */
async function throughput(concurrency: number, worker: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  const deadline = Date.now() + SECONDS * 1000;
  let ops = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, c) => {
      while (Date.now() < deadline) {
        const t = performance.now();
        await worker(c * 1_000_000 + ops);
        latencies.push(performance.now() - t);
        ops++;
      }
    }),
  );
  return { opsPerSecond: round(ops / ((Date.now() - started) / 1000)), ...summary(latencies) };
}

async function writes(db: Firestore) {
  return throughput(16, (i) =>
    db
      .doc(`writes/d${i}`)
      .set({ i, name: `item ${i}`, price: i % 100 })
      .then(() => {}),
  );
}

async function hotIncrements(db: Firestore, clients: number) {
  const ref = db.doc(`hot/counter-${clients}`);
  await ref.set({ n: 0 });
  let attempts = 0;
  let failures = 0;
  const result = await throughput(clients, async () => {
    try {
      await db.runTransaction(async (tx) => {
        attempts++;
        const snap = await tx.get(ref);
        tx.update(ref, { n: snap.get('n') + 1 });
      });
    } catch {
      failures++;
    }
  });
  const committed = (await ref.get()).get('n') as number;
  return {
    clients,
    incrementsPerSecond: result.opsPerSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    committed,
    attempts,
    retries: attempts - committed - failures,
    failedTransactions: failures,
    /** Every transaction that reported success is in the counter, and nothing else is. */
    consistent: committed === result.samples - failures,
  };
}

async function pointReads(db: Firestore) {
  const batch = db.batch();
  for (let i = 0; i < 500; i++) batch.set(db.doc(`reads/r${i}`), { i, name: `item ${i}` });
  await batch.commit();
  return throughput(16, (i) =>
    db
      .doc(`reads/r${i % 500}`)
      .get()
      .then(() => {}),
  );
}

async function seed(db: Firestore, collection: string, count: number, make: (i: number) => object) {
  for (let start = 0; start < count; start += 500) {
    const batch = db.batch();
    for (let i = start; i < Math.min(count, start + 500); i++)
      batch.set(db.doc(`${collection}/d${i}`), make(i));
    await batch.commit();
  }
}

const product = (i: number) => ({
  name: `Product ${i}`,
  category: ['sofa', 'lamp', 'rug', 'table', 'chair'][i % 5],
  room: ['living', 'bedroom', 'kitchen'][i % 3],
  price: (i * 7919) % 1000,
  tags: [`t${i % 7}`, `t${i % 11}`],
  active: i % 10 !== 0,
});

async function queries(db: Firestore) {
  await seed(db, 'catalog', 10_000, product);
  const run = async (label: string, make: () => FirebaseFirestore.Query, times: number) => {
    const latencies: number[] = [];
    let size = 0;
    for (let i = 0; i < times; i++) {
      const t = performance.now();
      size = (await make().get()).size;
      latencies.push(performance.now() - t);
    }
    return { query: label, results: size, ...summary(latencies) };
  };
  const col = db.collection('catalog');
  return [
    await run(
      "where category == 'lamp' orderBy price limit 20",
      () => col.where('category', '==', 'lamp').orderBy('price').limit(20),
      40,
    ),
    await run(
      "where price >= 500 and room == 'kitchen', limit 100",
      () => col.where('price', '>=', 500).where('room', '==', 'kitchen').limit(100),
      40,
    ),
    await run(
      "where tags array-contains 't3' (about 2,200 results)",
      () => col.where('tags', 'array-contains', 't3'),
      10,
    ),
    await countLatency(col),
  ];
}

async function countLatency(col: FirebaseFirestore.CollectionReference) {
  const latencies: number[] = [];
  let count = 0;
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    count = (await col.count().get()).data().count;
    latencies.push(performance.now() - t);
  }
  return { query: 'count() over all 10,000', results: count, ...summary(latencies) };
}

/**
 * Commit-to-callback latency of `listeners` listeners, and the emulator's own CPU time per commit
 * (the fan-out cost, apart from the clients'). `subscribe` registers listener `i` and hands `seen`
 * the `v` values of each snapshot's changes (its first snapshot marks it ready); `write` commits the
 * value every listener then waits for.
 */
async function fanOutLatency(
  host: string,
  listeners: number,
  commits: number,
  subscribe: (i: number, seen: (values: unknown[]) => void) => () => void,
  write: (v: number) => Promise<unknown>,
) {
  const latencies: number[] = [];
  let expected = -1;
  let sentAt = 0;
  let pending = 0;
  let release: () => void = () => {};
  let ready = 0;
  let allReady!: () => void;
  const readyPromise = new Promise<void>((resolve) => (allReady = resolve));
  const unsubscribes = Array.from({ length: listeners }, (_, i) => {
    let first = true;
    return subscribe(i, (values) => {
      if (first) {
        first = false;
        if (++ready === listeners) allReady();
        return;
      }
      if (values.includes(expected)) {
        latencies.push(performance.now() - sentAt);
        if (--pending === 0) release();
      }
    });
  });
  await readyPromise;
  const cpuBefore = (await emulatorStats(host)).cpuMicros!;
  for (let v = 0; v < commits; v++) {
    expected = v;
    pending = listeners;
    const delivered = new Promise<void>((resolve) => (release = resolve));
    sentAt = performance.now();
    await write(v);
    await delivered;
  }
  const emulatorCpuMsPerCommit = round(
    ((await emulatorStats(host)).cpuMicros! - cpuBefore) / 1000 / commits,
    2,
  );
  unsubscribes.forEach((u) => u());
  return { listeners, commits, ...summary(latencies), emulatorCpuMsPerCommit };
}

/** Admin SDK listeners, each on its own stream. */
async function listenLatency(db: Firestore, host: string, listeners: number, commits: number) {
  const col = db.collection(`live-${listeners}`);
  await col.doc('seed').set({ k: 1, v: -1 });
  return fanOutLatency(
    host,
    listeners,
    commits,
    (_, seen) =>
      col.where('k', '==', 1).onSnapshot((snap) => seen(snap.docChanges().map((c) => c.doc.get('v')))),
    (v) => col.doc('seed').set({ k: 1, v }),
  );
}

/**
 * The same with the web SDK, whose listeners share one stream: distinct queries (one target
 * each) that all match the written document.
 */
async function webListenLatency(
  db: Firestore,
  projectId: string,
  host: string,
  listeners: number,
  commits: number,
) {
  const app = initializeWebApp({ projectId, apiKey: 'bench' }, `web-${listeners}`);
  const web = getWebFirestore(app);
  const [hostname, port] = host.split(':');
  connectFirestoreEmulator(web, hostname!, Number(port));
  const name = `webLive-${listeners}`;
  await db.doc(`${name}/seed`).set({ k: 1, v: -1 });
  const result = await fanOutLatency(
    host,
    listeners,
    commits,
    (i, seen) =>
      // With metadata changes: a later listener's first snapshot comes from the cache the others
      // filled, and its server confirmation changes only metadata.
      onSnapshot(
        webQuery(webCollection(web, name), where('k', 'in', [1, -1 - i])),
        { includeMetadataChanges: true },
        (snap) => {
          if (!snap.metadata.fromCache) seen(snap.docChanges().map((c) => c.doc.get('v')));
        },
      ),
    (v) => db.doc(`${name}/seed`).set({ k: 1, v }),
  );
  await terminate(web);
  await deleteWebApp(app);
  return { sdk: 'web (one stream)', ...result };
}

async function memory(db: Firestore, host: string) {
  const before = await emulatorStats(host);
  await seed(db, 'memory', 100_000, product);
  const after = await emulatorStats(host);
  const mb = (n: number) => round(n / 1024 / 1024);
  return {
    documents: 100_000,
    rssMbBefore: mb(before.rssBytes!),
    rssMbAfter: mb(after.rssBytes!),
    heapUsedMbBefore: mb(before.heapUsedBytes!),
    heapUsedMbAfter: mb(after.heapUsedBytes!),
    bytesPerDocument: Math.round((after.heapUsedBytes! - before.heapUsedBytes!) / 100_000),
  };
}

/**
 * Spawn to ready line, one start at a time: the built bin under plain node (`npm run build` first),
 * the sources under `node --import tsx` (how tests and benchmarks start it) and under the tsx CLI
 * (`npm run emulator`), which adds a process of its own.
 */
async function startup(runs = 10) {
  const built = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'scripts/src/build/esm-package.ts'), join(root, 'emulator')],
    { stdio: 'inherit' },
  );
  if (built.status !== 0) throw new Error('the emulator does not build');
  const ways = {
    builtBinPlainNode: [process.execPath, join(root, 'emulator/dist/cli.js')],
    sourcesNodeImportTsx: [process.execPath, '--import', 'tsx', join(root, 'emulator/src/cli.ts')],
    sourcesTsxCli: [join(root, 'node_modules/.bin/tsx'), join(root, 'emulator/src/cli.ts')],
  };
  const result: Record<string, { command: string; p50Ms: number; maxMs: number; runs: number }> = {};
  for (const [way, [command, ...args]] of Object.entries(ways)) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { child, readyMs } = await spawnUntilReady(command!, [...args, '--port', '0']);
      times.push(readyMs);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    const { p50Ms } = summary(times);
    result[way] = {
      command: [command === process.execPath ? 'node' : command, ...args]
        .map((a) => a!.replace(`${root}/`, ''))
        .join(' '),
      p50Ms,
      maxMs: round(Math.max(...times), 2),
      runs,
    };
  }
  return result;
}

async function main(): Promise<void> {
  const started = Date.now();
  // Other work on the machine lowers every figure here; the result says how busy it was.
  const loadBefore = (await import('node:os')).loadavg()[0]!;
  console.log('start-up...');
  const startupMs = await startup();
  const { child, host } = await startEmulator();
  process.env.FIRESTORE_EMULATOR_HOST = host;
  const projectId = `bench-emulator-${Date.now()}`;
  const { app, db } = adminDb(projectId);
  try {
    await db.doc('warmup/x').set({ x: 1 });
    console.log('writes...');
    const singleWrites = await writes(db);
    console.log('hot document transactions...');
    const transactions = [];
    for (const clients of [1, 8, 64]) transactions.push(await hotIncrements(db, clients));
    console.log('point reads...');
    const reads = await pointReads(db);
    console.log('queries over 10,000 documents...');
    const queryLatency = await queries(db);
    console.log('listeners...');
    const listen = [];
    for (const [listeners, commits] of [
      [1, 50],
      [100, 20],
      [1000, 10],
    ] as const) {
      listen.push(await listenLatency(db, host, listeners, commits));
    }
    const webListen = [];
    for (const [listeners, commits] of [
      [100, 20],
      [1000, 10],
    ] as const) {
      webListen.push(await webListenLatency(db, projectId, host, listeners, commits));
    }
    console.log('memory with 100,000 documents...');
    const mem = await memory(adminDb(`bench-memory-${Date.now()}`).db, host);
    const result = {
      benchmark: 'emulator',
      date: new Date().toISOString(),
      command: 'npm run bench -- emulator',
      setup: {
        client: 'firebase-admin (Node) in the bench process',
        emulator: 'emulator/src/cli.ts in a child process',
        phaseSeconds: SECONDS,
        cpus: (await import('node:os')).cpus().length,
        loadAverage1mBefore: round(loadBefore, 2),
        loadAverage1mAfter: round((await import('node:os')).loadavg()[0]!, 2),
      },
      singleDocumentWrites: { concurrency: 16, ...singleWrites },
      hotDocumentTransactions: transactions,
      pointReads: { concurrency: 16, ...reads },
      queryLatencyOver10000Docs: queryLatency,
      commitToSnapshotLatency: listen,
      commitToSnapshotLatencyWebSdk: webListen,
      memoryWith100000Docs: mem,
      spawnToReadyLine: startupMs,
      durationSeconds: round((Date.now() - started) / 1000),
    };
    writeResult('emulator', result);
  } finally {
    await db.terminate();
    await deleteApp(app);
    child.kill('SIGTERM');
  }
}

runBenchmark(main);
