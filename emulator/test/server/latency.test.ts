/**
 * The latency model (`latencyMs`, `--latency-ms`): every round trip takes that much longer on gRPC
 * (admin SDK), REST and streams, and a transaction holds its locks across the round trips between
 * its read and its commit, so contending transactions queue for whole round trips.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type App, deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { start, type RunningEmulator } from '../../src/index';
import { within } from '../../../test/support/within';

const LATENCY = 60;

const apps: App[] = [];
function adminDb(host: string, name: string): Firestore {
  const app = initializeApp({ projectId: 'demo-latency' }, name);
  apps.push(app);
  const db = getFirestore(app);
  db.settings({ host, ssl: false });
  return db;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

describe('latency model', () => {
  let slow: RunningEmulator;
  let fast: RunningEmulator;
  let slowDb: Firestore;
  let fastDb: Firestore;
  before(async () => {
    slow = await start({ port: 0, latencyMs: LATENCY });
    fast = await start({ port: 0 });
    slowDb = adminDb(`${slow.host}:${slow.port}`, 'latency-slow');
    fastDb = adminDb(`${fast.host}:${fast.port}`, 'latency-fast');
    // Connections are set up before timing anything.
    await Promise.all([slowDb.doc('warm/up').set({ n: 0 }), fastDb.doc('warm/up').set({ n: 0 })]);
  });
  after(async () => {
    await Promise.all(apps.map((app) => deleteApp(app)));
    await Promise.all([slow.stop(), fast.stop()]);
  });

  it('a unary call and a streamed read each take at least one round trip longer', async () => {
    const write = await timed(() => slowDb.doc('items/a').set({ n: 1 }));
    const read = await timed(() => slowDb.doc('items/a').get());
    const query = await timed(() => slowDb.collection('items').get());
    for (const [what, t] of [
      ['commit', write],
      ['batchGet', read],
      ['query', query],
    ] as const)
      assert.ok(t.ms >= LATENCY - 2, `${what} took ${t.ms.toFixed(1)} ms`);
    assert.equal(read.value.get('n'), 1);
    assert.equal(query.value.size, 1);
    // Without the model a read is a round trip quicker. Compared with the fastest of a few reads on
    // each, interleaved: a busy machine stalls single reads, and stalls both emulators alike.
    await fastDb.doc('items/a').set({ n: 1 });
    let fastest = Infinity;
    let fastestSlow = Infinity;
    for (let i = 0; i < 8; i++) {
      fastest = Math.min(fastest, (await timed(() => fastDb.doc('items/a').get())).ms);
      fastestSlow = Math.min(fastestSlow, (await timed(() => slowDb.doc('items/a').get())).ms);
    }
    assert.ok(
      fastest < fastestSlow - LATENCY / 2,
      `without the model the fastest read took ${fastest.toFixed(1)} ms, with it ${fastestSlow.toFixed(1)} ms`,
    );
  });

  it('REST round trips are delayed too', async () => {
    await slowDb.doc('rest/doc').set({ n: 7 });
    const url = `http://${slow.host}:${slow.port}/v1/projects/demo-latency/databases/(default)/documents/rest/doc`;
    const t = await timed(() => fetch(url, { headers: { authorization: 'Bearer owner' } }));
    assert.equal(t.value.status, 200);
    assert.deepEqual(((await t.value.json()) as { fields: unknown }).fields, { n: { integerValue: '7' } });
    assert.ok(t.ms >= LATENCY - 2, `REST get took ${t.ms.toFixed(1)} ms`);
  });

  it('a transaction holds its lock across round trips: two contending increments queue', async () => {
    const ref = slowDb.doc('hot/counter');
    await ref.set({ n: 0 });
    const increment = () =>
      slowDb.runTransaction(async (tx) => {
        const n = (await tx.get(ref)).get('n') as number;
        tx.update(ref, { n: n + 1 });
      });
    // The first holds the lock from its read's arrival (L/2) to its commit's (3L/2); the second
    // reads only then, and commits a round trip later: 3L at the earliest, not 2L as if in parallel.
    const both = await timed(() => Promise.all([increment(), increment()]));
    assert.equal((await ref.get()).get('n'), 2);
    assert.ok(both.ms >= 3 * LATENCY - 5, `two increments took ${both.ms.toFixed(1)} ms`);
  });

  it('a listener gets its first snapshot and later changes, each a half trip late', async () => {
    const ref = slowDb.doc('watched/doc');
    await ref.set({ v: 1 });
    const seen: number[] = [];
    let next: (v: number) => void = () => {};
    const unsubscribe = ref.onSnapshot((snap) => {
      seen.push(snap.get('v') as number);
      next(snap.get('v') as number);
    });
    const arrival = (v: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no snapshot with v=${v}; saw ${seen}`)), 5000);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        next = (got) => {
          if (got === v) done();
        };
        if (seen.includes(v)) done();
      });
    await arrival(1);
    const t = performance.now();
    await ref.update({ v: 2 });
    await arrival(2);
    unsubscribe();
    assert.ok(performance.now() - t >= LATENCY - 2);
    assert.deepEqual(seen, [1, 2]);
  });

  it('the CLI takes --latency-ms and refuses a negative one', async () => {
    const cli = join(__dirname, '..', '..', 'src', 'cli.ts');
    const run = (args: string[]) =>
      spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const bad = run(['--latency-ms=-5']);
    let err = '';
    bad.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    assert.notEqual(
      await within(
        new Promise((resolve) => bad.once('exit', resolve)),
        'the CLI exiting on a negative --latency-ms',
      ),
      0,
    );
    assert.match(err, /--latency-ms must be a number of milliseconds/);

    const good = run(['--latency-ms', String(LATENCY)]);
    const out = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`not ready in 30 s: ${text}`)), 30_000);
      good.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (!/ready on \S+:\d+/.test(text)) return;
        clearTimeout(timer);
        resolve(text);
      });
    });
    assert.match(out, new RegExp(`takes ${LATENCY} ms longer`));
    const address = /ready on (\S+:\d+)/.exec(out)![1]!;
    const db = adminDb(address, 'latency-cli');
    const t = await timed(() => db.doc('cli/doc').set({ ok: true }));
    assert.ok(t.ms >= LATENCY - 2, `a write through the CLI's emulator took ${t.ms.toFixed(1)} ms`);
    const exited = new Promise((resolve) => good.once('exit', resolve));
    good.kill('SIGTERM');
    assert.equal(await within(exited, 'the CLI exiting after SIGTERM'), 0);
  });
});
