/**
 * `npm start -- --keep`, its Firestore part: the emulator started with the dev stack's own command
 * line and process helpers, stopped the way the stack stops it (SIGINT to its process group), keeps
 * its store for the next start. (The full stack takes about a minute to come up; the first-hour
 * e2e test covers the rest of it.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { hasKeptStore, importedLine, projectFirestoreArgs } from '../src/dev/firestore';
import { spawnChild, stopChild, type Child } from '../src/dev/processes';
import { portAccepts, portIsFree, waitFor } from '../src/dev/ready';
import { host, projectId, repoRoot } from '../src/dev/stack';

// This test starts its own emulator; an external one named here must not capture the SDK.
delete process.env.FIRESTORE_EMULATOR_HOST;

const work = mkdtempSync(join(tmpdir(), 'hearth-keep-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  for (let port = 18_080; port < 18_180; port++) if (await portIsFree(host, port)) return port;
  throw new Error('no free port in 18080-18179');
}

async function startFirestore(keepDir: string): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const child = spawnChild(
    'firestore',
    process.execPath,
    projectFirestoreArgs({ host, port, projectId, keepDir }),
    {
      cwd: repoRoot,
      logDir: join(work, 'logs'),
      echo: false,
    },
  );
  const ready = portAccepts(host, port);
  await waitFor(
    'the Firestore emulator',
    child,
    async () => child.printed(/emulator ready/) && ready(),
    30_000,
  );
  return { child, port };
}

async function withAdmin<T>(port: number, use: (db: Firestore) => Promise<T>): Promise<T> {
  const app = initializeApp({ projectId }, `keep-${port}-${Math.random()}`);
  const db = getFirestore(app);
  db.settings({ host: `${host}:${port}`, ssl: false });
  try {
    return await use(db);
  } finally {
    await db.terminate();
    await deleteApp(app);
  }
}

describe('npm start -- --keep: the Firestore emulator', { timeout: 90_000 }, () => {
  it('saves the store when the stack stops it and brings it back on the next start', async () => {
    const keepDir = join(work, 'firestore-export');
    assert.equal(hasKeptStore(keepDir), false);
    // `--import tsx` is node's; no emulator --import while nothing is kept.
    assert.ok(!projectFirestoreArgs({ host, port: 1, projectId, keepDir }).slice(2).includes('--import'));

    const first = await startFirestore(keepDir);
    assert.equal(importedLine(first.child.tail()), undefined);
    await withAdmin(first.port, async (db) => {
      await db.doc('reservations/r1').set({ customerId: 'demo-ada', qty: 1 });
      await db.doc('inventory/85123A').set({ available: 11 });
    });
    await stopChild(first.child, 60_000);
    assert.equal(await first.child.exited, 0, first.child.tail());
    assert.match(first.child.tail(), /^Exported to /m);
    assert.equal(hasKeptStore(keepDir), true);

    const args = projectFirestoreArgs({ host, port: 1, projectId, keepDir });
    assert.deepEqual(args.slice(args.indexOf('--import', 2)), [
      '--import',
      keepDir,
      '--export-on-exit',
      keepDir,
    ]);
    const second = await startFirestore(keepDir);
    try {
      assert.equal(importedLine(second.child.tail())?.documents, 2);
      await withAdmin(second.port, async (db) => {
        assert.deepEqual((await db.doc('reservations/r1').get()).data(), { customerId: 'demo-ada', qty: 1 });
        await db.doc('inventory/85123A').update({ available: 10 });
      });
    } finally {
      await stopChild(second.child, 60_000);
    }
    assert.equal(await second.child.exited, 0, second.child.tail());

    const third = await startFirestore(keepDir);
    try {
      await withAdmin(third.port, async (db) => {
        assert.equal((await db.doc('inventory/85123A').get()).get('available'), 10);
      });
    } finally {
      await stopChild(third.child, 60_000);
    }
  });
});
