/**
 * The emulator under sustained load: clients write a fixed set of documents for a long time, one
 * of them a hot counter incremented in transactions, against the emulator in its own process.
 * Each interval reports the emulator's RSS and the writes and transactions completed; the hot
 * counter must end exact. Used by `npm run bench -- soak` (10 minutes) and, short, by a test.
 */
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { emulatorStats, round, startEmulator } from './_support';

export interface SoakOptions {
  durationMs: number;
  intervalMs: number;
  writers: number;
  transactors: number;
  /** Plain documents the writers cycle over (the hot counter is one more). */
  documents: number;
  /** Extra emulator command-line flags (defaults when empty). */
  emulatorArgs?: string[];
}

export interface SoakInterval {
  interval: number;
  endsAtSeconds: number;
  rssMb: number;
  heapUsedMb: number;
  writesPerSecond: number;
  transactionsPerSecond: number;
  retainedVersions?: number;
}

export interface SoakResult {
  intervals: SoakInterval[];
  writes: number;
  transactions: number;
  failures: number;
  hotCounter: number;
  /** The counter holds exactly the increments whose transactions reported success. */
  counterExact: boolean;
}

export async function soak(
  options: SoakOptions,
  onInterval?: (i: SoakInterval) => void,
): Promise<SoakResult> {
  const { child, host } = await startEmulator(options.emulatorArgs ?? []);
  process.env.FIRESTORE_EMULATOR_HOST = host;
  const app = initializeApp({ projectId: `soak-${Date.now()}` }, `soak-${Date.now()}`);
  const db = getFirestore(app);
  const hot = db.doc('soak/hot');
  try {
    await hot.set({ n: 0 });
    let writes = 0;
    let transactions = 0;
    let failures = 0;
    const started = Date.now();
    const deadline = started + options.durationMs;
    const writer = async (c: number) => {
      for (let i = 0; Date.now() < deadline; i++) {
        await db
          .doc(`soak/d${(c + i) % options.documents}`)
          .set({ by: c, i, at: Date.now(), note: 'a sofa, a lamp and a rug' })
          .then(
            () => writes++,
            () => failures++,
          );
      }
    };
    const transactor = async () => {
      while (Date.now() < deadline) {
        await db
          .runTransaction(async (tx) => {
            const snap = await tx.get(hot);
            tx.update(hot, { n: (snap.get('n') as number) + 1 });
          })
          .then(
            () => transactions++,
            () => failures++,
          );
      }
    };
    const intervals: SoakInterval[] = [];
    let last = { writes: 0, transactions: 0, at: started };
    const sample = async () => {
      const now = Date.now();
      const stats = await emulatorStats(host);
      const seconds = (now - last.at) / 1000;
      const entry: SoakInterval = {
        interval: intervals.length + 1,
        endsAtSeconds: round((now - started) / 1000),
        rssMb: round(stats.rssBytes! / 2 ** 20),
        heapUsedMb: round(stats.heapUsedBytes! / 2 ** 20),
        writesPerSecond: round((writes - last.writes) / seconds),
        transactionsPerSecond: round((transactions - last.transactions) / seconds),
        ...(stats.retainedVersions !== undefined ? { retainedVersions: stats.retainedVersions } : {}),
      };
      last = { writes, transactions, at: now };
      intervals.push(entry);
      onInterval?.(entry);
    };
    const sampler = (async () => {
      for (let next = started + options.intervalMs; next <= deadline + 1; next += options.intervalMs) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
        await sample();
      }
    })();
    await Promise.all([
      ...Array.from({ length: options.writers }, (_, c) => writer(c)),
      ...Array.from({ length: options.transactors }, () => transactor()),
      sampler,
    ]);
    const hotCounter = (await hot.get()).get('n') as number;
    return {
      intervals,
      writes,
      transactions,
      failures,
      hotCounter,
      counterExact: hotCounter === transactions,
    };
  } finally {
    await db.terminate();
    await deleteApp(app);
    child.kill('SIGTERM');
  }
}
