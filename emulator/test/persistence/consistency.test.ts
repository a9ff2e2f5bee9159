/**
 * An export taken while 16 clients write is the state at one instant: invariants the writers keep
 * across documents in one transaction (or one batch) hold in every export, and each export equals
 * what a read-only transaction at its snapshot time reads, document for document.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Timestamp, type Firestore as AdminFirestore } from 'firebase-admin/firestore';
import { doc, writeBatch, type Firestore as WebFirestore } from 'firebase/firestore';
import { start, type RunningEmulator } from '../../src/index';
import { parseMicros } from '../../src/persistence/codec';
import {
  adminFor,
  closeClients,
  exportedDocuments,
  exportOverHttp,
  freshProject,
  tempDir,
  webFor,
} from './support';

const ACCOUNTS = 8;
const OPENING_BALANCE = 1000;
const TRANSACTIONAL_WRITERS = 12;
const BATCH_WRITERS = 4;

/** Commits so far, and promises waiting for a count to be reached. */
class Progress {
  commits = 0;
  private waiters: Array<{ n: number; resolve: () => void }> = [];
  committed(): void {
    this.commits++;
    const due = this.waiters.filter((w) => this.commits >= w.n);
    this.waiters = this.waiters.filter((w) => this.commits < w.n);
    for (const w of due) w.resolve();
  }
  reached(n: number, timeoutMs = 30_000): Promise<void> {
    if (this.commits >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.commits} of ${n} commits`)), timeoutMs);
      this.waiters.push({
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

const random = (n: number) => Math.floor(Math.random() * n);

/** Moves money between two accounts (locked in index order); every other one also counts a hot document and logs it. */
async function transfer(db: AdminFirestore, writer: number, round: number): Promise<void> {
  const [a, b] = [random(ACCOUNTS), random(ACCOUNTS - 1)];
  const [from, to] = [a, b >= a ? b + 1 : b];
  const counted = round % 2 === 0;
  await db.runTransaction(async (tx) => {
    const hotRef = db.doc('hot/counter');
    const hot = counted ? await tx.get(hotRef) : undefined;
    const refs = [from, to].sort((x, y) => x - y).map((i) => db.doc(`accounts/a${i}`));
    const [first, second] = await tx.getAll(...refs);
    const balance = new Map([first!, second!].map((s) => [s.id, Number(s.get('balance'))]));
    const amount = 1 + random(20);
    tx.update(db.doc(`accounts/a${from}`), { balance: balance.get(`a${from}`)! - amount });
    tx.update(db.doc(`accounts/a${to}`), { balance: balance.get(`a${to}`)! + amount });
    if (hot) {
      const n = Number(hot.get('n')) + 1;
      tx.update(hotRef, { n });
      tx.create(db.doc(`ledger/${String(n).padStart(6, '0')}`), { n, writer, amount });
    }
  });
}

/** Two documents written in one batch always hold the same value. */
async function pair(db: WebFirestore, writer: number, round: number): Promise<void> {
  const batch = writeBatch(db);
  batch.set(doc(db, `pairs/x${writer}`), { round });
  batch.set(doc(db, `pairs/y${writer}`), { round });
  await batch.commit();
}

interface Exported {
  snapshotTime: string;
  documents: Array<Record<string, any>>;
}

const id = (name: string) => name.slice(name.indexOf('/documents/') + '/documents/'.length);
const int = (doc: Record<string, any>, field: string) => Number(doc.fields[field].integerValue);

function checkInvariants({ documents }: Exported): void {
  const byId = new Map(documents.map((d) => [id(d.name), d]));
  const accounts = documents.filter((d) => id(d.name).startsWith('accounts/'));
  assert.equal(accounts.length, ACCOUNTS);
  assert.equal(
    accounts.reduce((sum, d) => sum + int(d, 'balance'), 0),
    ACCOUNTS * OPENING_BALANCE,
    'money is neither made nor lost',
  );
  const ledger = documents.filter((d) => id(d.name).startsWith('ledger/')).map((d) => int(d, 'n'));
  const n = int(byId.get('hot/counter')!, 'n');
  assert.deepEqual(
    ledger,
    Array.from({ length: n }, (_, i) => i + 1),
    'one ledger entry per count, no gaps',
  );
  for (let w = 0; w < BATCH_WRITERS; w++) {
    const [x, y] = [byId.get(`pairs/x${w}`), byId.get(`pairs/y${w}`)];
    assert.equal(x === undefined, y === undefined, 'both documents of a batch, or neither');
    if (x && y) assert.equal(int(x, 'round'), int(y, 'round'), 'a batch is seen whole');
  }
}

/** The database read by a read-only transaction at the export's snapshot time: names and update times. */
async function readAt(db: AdminFirestore, snapshotTime: string): Promise<string[]> {
  const micros = parseMicros(snapshotTime, 'snapshotTime');
  const readTime = new Timestamp(Math.floor(micros / 1e6), (micros % 1e6) * 1000);
  return db.runTransaction(
    async (tx) => {
      const out: string[] = [];
      for (const collection of ['accounts', 'hot', 'ledger', 'pairs']) {
        for (const snap of (await tx.get(db.collection(collection))).docs) {
          const t = snap.updateTime!;
          out.push(`${snap.ref.path} ${t.seconds}.${String(t.nanoseconds).padStart(9, '0')}`);
        }
      }
      return out.sort();
    },
    { readOnly: true, readTime },
  );
}

function namesAndTimes({ documents }: Exported): string[] {
  return documents
    .map((d) => {
      const micros = parseMicros(d.updateTime, 'updateTime');
      return `${id(d.name)} ${Math.floor(micros / 1e6)}.${String((micros % 1e6) * 1000).padStart(9, '0')}`;
    })
    .sort();
}

describe('an export while 16 clients write', { timeout: 120_000 }, () => {
  it('is the state at one instant', async () => {
    const emulator: RunningEmulator = await start({ port: 0 });
    const project = freshProject();
    const root = tempDir();
    try {
      const setup = adminFor(emulator, project);
      const batch = setup.batch();
      for (let i = 0; i < ACCOUNTS; i++) batch.set(setup.doc(`accounts/a${i}`), { balance: OPENING_BALANCE });
      batch.set(setup.doc('hot/counter'), { n: 0 });
      await batch.commit();

      const progress = new Progress();
      let stopping = false;
      const loop = async (write: (round: number) => Promise<void>) => {
        for (let round = 0; !stopping; round++) {
          await write(round);
          progress.committed();
        }
      };
      const writers = [
        ...Array.from({ length: TRANSACTIONAL_WRITERS }, (_, w) => {
          const db = adminFor(emulator, project);
          return loop((round) => transfer(db, w, round));
        }),
        ...Array.from({ length: BATCH_WRITERS }, (_, w) => {
          const db = webFor(emulator, project);
          return loop((round) => pair(db, w, round));
        }),
      ];

      const exports: Exported[] = [];
      const file = `${project}/(default).jsonl`;
      for (const [i, after] of [50, 200, 400, 600].entries()) {
        await progress.reached(after);
        const dir = join(root, `export-${i}`);
        // Alternate the two ways in: the REST control call and the in-process one.
        const summary =
          i % 2 === 0
            ? (await exportOverHttp(emulator, project, { export_directory: dir })).body
            : await emulator.export(dir);
        assert.ok(summary.snapshotTime, JSON.stringify(summary));
        exports.push({ snapshotTime: summary.snapshotTime, documents: exportedDocuments(dir, file) });
      }
      // Exports into the same directory while writes go on replace each other whole.
      const same = join(root, 'same');
      await Promise.all([emulator.export(same), emulator.export(same), emulator.export(same)]);
      exports.push({ snapshotTime: '', documents: exportedDocuments(same, file) });
      const reads = await Promise.all(exports.slice(0, 4).map((e) => readAt(setup, e.snapshotTime)));
      stopping = true;
      await Promise.all(writers);

      const counts = exports.map((e) => e.documents.length);
      for (const exported of exports) checkInvariants(exported);
      exports.slice(0, 4).forEach((exported, i) => assert.deepEqual(namesAndTimes(exported), reads[i]));
      // The writers did run between exports: each export saw a later state than the one before.
      const hot = exports.map((e) =>
        int(
          e.documents.find((d) => id(d.name) === 'hot/counter')!,
          'n',
        ),
      );
      assert.ok(
        hot.slice(0, 4).every((n, i) => i === 0 || n > hot[i - 1]!),
        `hot counts ${hot}, documents ${counts}`,
      );
    } finally {
      await closeClients();
      await emulator.stop();
    }
  });
});
