/**
 * Writes many documents with firebase-admin's BulkWriter, showing progress. Reference data is
 * overwritten (`set`); state the store changes as it runs (stock, customers, their histories) is
 * only created when absent, so seeding again never undoes what happened since.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { DocumentReference, Firestore } from 'firebase-admin/firestore';

export interface SeedWrite {
  ref: DocumentReference;
  data: Record<string, unknown>;
  mode: 'set' | 'create';
}

export interface WriteCounts {
  written: number;
  kept: number;
}

const ALREADY_EXISTS = 6;

export async function writeAll(db: Firestore, writes: SeedWrite[], label: string): Promise<WriteCounts> {
  const bar = new SingleBar(
    {
      format: `  ${label.padEnd(22)} {bar} {value}/{total} docs  {duration}s`,
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  bar.start(writes.length, 0);
  // The 500/50/5 ramp-up protects a production database's new key ranges; an emulator has none.
  const writer = db.bulkWriter({ throttling: !process.env.FIRESTORE_EMULATOR_HOST });
  writer.onWriteError((err) => err.code !== ALREADY_EXISTS && err.failedAttempts < 5);
  const counts: WriteCounts = { written: 0, kept: 0 };
  const failures: Error[] = [];
  const done = writes.map((w) =>
    (w.mode === 'set' ? writer.set(w.ref, w.data) : writer.create(w.ref, w.data))
      .then(() => counts.written++)
      .catch((err: { code?: number } & Error) => {
        if (err.code === ALREADY_EXISTS) counts.kept++;
        else failures.push(err);
      })
      .finally(() => bar.increment()),
  );
  await writer.close();
  await Promise.all(done);
  bar.stop();
  if (failures.length > 0) {
    throw new Error(`${failures.length} ${label} writes failed; first: ${failures[0]!.message}`);
  }
  return counts;
}
