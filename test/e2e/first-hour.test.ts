/**
 * The developer's first hour, as the README tells it: `npm start` brings the stack up and seeds it,
 * a demo user reserves through the callables, the live scene runs, a demo customer exports and then
 * deletes their data, and Ctrl-C leaves nothing running. Uses the stack's fixed ports
 * (8080, 9099, 5001, 4400): nothing else may hold them while it runs. Takes a few minutes.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { deleteApp as deleteWebApp, initializeApp as initializeWebApp } from 'firebase/app';
import { signInWithEmailAndPassword } from 'firebase/auth';
import { hearthClient, recommendations, unwrap } from '@hearth/client';
import { assertInvariants } from '../../functions/test/inventory/support/invariants';
import { DEMO_PASSWORD } from '../../scripts/src/seed/customers';
import { portIsFree } from '../../scripts/src/dev/ready';
import { host, ports, projectId } from '../../scripts/src/dev/stack';
import { launchBrowser } from '../support/browser';
import { within } from '../support/within';

const root = join(__dirname, '..', '..');
const tsx = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
  });

// Unset when `before` fails before spawning (ports taken), so `after` must not assume it.
let stack: ChildProcess;
let output = '';
let exited: Promise<number | null>;

function printed(pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not printed within ${timeoutMs} ms: ${pattern}\n${output}`)),
      timeoutMs,
    );
    const check = () => {
      if (!pattern.test(output)) return;
      clearTimeout(timer);
      stack.stdout?.off('data', check);
      resolve();
    };
    stack.stdout?.on('data', check);
    check();
  });
}

before(async () => {
  for (const [name, port] of Object.entries(ports)) {
    assert.ok(await portIsFree(host, port), `port ${port} (${name}) is in use: stop the running stack first`);
  }
  // Detached, so the test can send the stack's whole group the Ctrl-C a terminal would.
  stack = spawn(process.execPath, ['--import', 'tsx', 'scripts/src/dev/start.ts', '--no-train'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stack.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  stack.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  exited = new Promise((resolve) => stack.on('exit', (code) => resolve(code)));
  await printed(/Hearth is running/, 300_000);
});

after(async () => {
  if (stack?.exitCode === null) process.kill(-stack.pid!, 'SIGKILL');
});

describe('the first hour', () => {
  it('starts, seeds and prints where everything is', () => {
    assert.match(output, /seeded in [\d.]+ s: \d+ products, \d+ SKUs, 5 locations/);
    assert.match(output, /ada@demo\.hearth\s+uid demo-ada/);
    assert.match(output, /Functions\s+127\.0\.0\.1:5001/);
  });

  it('serves the web app at the URL it prints, pointed at the stack', async () => {
    await printed(/staff console\s+http:\/\/127\.0\.0\.1:5000\/#\/console/, 60_000);
    const url = /storefront\s+(http:\/\/\S+)/.exec(output)![1]!;
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script type="module" src="\/app\.js">/);
    const config = await (await fetch(new URL('/config.json', url))).json();
    assert.deepEqual(config.emulators, {
      host,
      firestorePort: ports.firestore,
      authPort: ports.auth,
      functionsPort: ports.functions,
    });
  });

  it('lets a demo user reserve a hot SKU through the callables', () => {
    const hot = /Hot SKUs \(sharded stock, for flash sales\): (\w+)/.exec(output)![1]!;
    const res = tsx(
      'scripts/src/dev/call.ts',
      'ada@demo.hearth',
      'reserveStock',
      JSON.stringify({ lines: [{ sku: hot, qty: 1 }] }),
    );
    assert.equal(res.status, 0, res.stderr);
    assert.equal(JSON.parse(res.stdout).status, 'held');
  });

  // The scene's own verdict only; the next test checks the ledger and the triggers independently.
  it('plays the live scene, which reports no unit lost or oversold and its commit-to-watcher latency', () => {
    const res = tsx('scripts/src/scene/live.ts', '--shoppers', '2', '--seconds', '5');
    assert.equal(res.status, 0, res.stderr + res.stdout);
    assert.match(res.stdout, /no unit lost or oversold/);
    assert.match(res.stdout, /commit -> watcher latency p50 \d+ ms/);
  });

  it('leaves stock the ledger explains, and Firestore triggers ran', async () => {
    const app = initializeApp({ projectId }, 'first-hour-check');
    const db = getFirestore(app);
    db.settings({ host: `${host}:${ports.firestore}`, ssl: false });
    try {
      await assertInvariants(db);
      // The shoppers' checkouts recorded purchase events; the relayed trigger filed them as bought.
      const bought = (await db.doc('recommendations/scene-shopper-1').get()).data()?.bought;
      assert.ok(Array.isArray(bought) && bought.length > 0, 'purchase events reached the bought list');
    } finally {
      await deleteApp(app);
    }
  });

  it('recommends through the typed client: popular in her style while no model is trained', async () => {
    const app = initializeWebApp({ projectId, apiKey: 'demo-key' }, 'first-hour-ada');
    try {
      const client = hearthClient(app, { emulators: {} });
      await signInWithEmailAndPassword(client.auth, 'ada@demo.hearth', DEMO_PASSWORD);
      const recs = unwrap(await recommendations(client, { limit: 5 }));
      assert.equal(recs.fallback, 'no-live-model');
      assert.equal(recs.items.length, 5);
      const tooMany = await recommendations(client, { limit: 500 });
      assert.ok(!tooMany.ok && tooMany.error.code === 'invalid-argument' && tooMany.error.field === 'limit');
    } finally {
      await deleteWebApp(app);
    }
  });

  it('runs a storefront page in Chromium on the client package: sign-in, live stock while Node buys, reserve, checkout, events', async () => {
    const hot = /Hot SKUs \(sharded stock, for flash sales\): (\w+)/.exec(output)![1]!;
    const browser = await launchBrowser();
    try {
      const page = await browser.open(join(__dirname, 'storefront-page.ts'));
      const run = <R, A>(fn: (arg: A) => Promise<R> | R, arg: A) =>
        Promise.race([
          page.page.evaluate(fn as any, arg) as Promise<R>,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('page timed out')), 60_000)),
        ]);
      const start = await run(
        async ({ projectId, password, sku }) => {
          const app = window.sdk.app.initializeApp({ projectId, apiKey: 'demo-key' });
          const client = window.hearth.hearthClient(app, { emulators: {} });
          const user = await window.sdk.auth.signInWithEmailAndPassword(
            client.auth,
            'dev@demo.hearth',
            password,
          );
          window.t.client = client;
          window.t.uid = user.user.uid;
          window.t.seen = [] as number[];
          window.t.errors = [] as string[];
          window.t.waitFor = (accept: (n: number) => boolean) =>
            new Promise<number>((resolve) => {
              const check = () => {
                const last = window.t.seen.at(-1);
                if (last !== undefined && accept(last)) resolve(last);
                else setTimeout(check, 20);
              };
              check();
            });
          window.hearth.watchAvailability(
            client,
            sku,
            (a) => {
              if (!a.fromCache) window.t.seen.push(a.available);
            },
            { onError: (e) => window.t.errors.push(`${e.code}: ${e.message}`) },
          );
          return { uid: user.user.uid, available: await window.t.waitFor(() => true) };
        },
        { projectId, password: DEMO_PASSWORD, sku: hot },
      );
      assert.equal(start.uid, 'demo-dev');
      assert.ok(start.available >= 3, `the hot SKU has stock to sell: ${start.available}`);

      // Another shopper buys from Node; the page's watcher shows it without reloading.
      const bought = tsx(
        'scripts/src/dev/call.ts',
        'ada@demo.hearth',
        'reserveStock',
        JSON.stringify({ lines: [{ sku: hot, qty: 2 }] }),
      );
      assert.equal(bought.status, 0, bought.stderr);
      await run((target) => window.t.waitFor((n: number) => n <= target), start.available - 2);

      const order = await run(async (sku) => {
        const { hearth } = window;
        const held = hearth.unwrap(await hearth.reserve(window.t.client, [{ sku, qty: 1 }]));
        const done = hearth.unwrap(await hearth.checkout(window.t.client, held.reservationId));
        const tracker = hearth.trackEvents(window.t.client, window.t.uid, { flushEveryMs: 60_000 });
        const f = window.sdk.firestore;
        const stock = await f.getDoc(f.doc(window.t.client.db, 'inventory', sku));
        const productId = stock.data()!.productId as string;
        for (let i = 0; i < 3; i++) hearth.unwrap(tracker.track({ kind: 'view', productId }));
        const flushed = hearth.unwrap(await tracker.stop());
        return { status: held.status, orderId: done.orderId, flushed, errors: window.t.errors };
      }, hot);
      assert.equal(order.status, 'held');
      assert.equal(order.flushed, 3);
      assert.deepEqual(order.errors, []);
      await run((target) => window.t.waitFor((n: number) => n <= target), start.available - 3);

      const app = initializeApp({ projectId }, 'first-hour-storefront');
      const db = getFirestore(app);
      db.settings({ host: `${host}:${ports.firestore}`, ssl: false });
      try {
        assert.ok((await db.doc(`orders/${order.orderId}`).get()).exists, 'the page checkout made an order');
        const views = await db
          .collection('customers/demo-dev/events')
          .where('kind', '==', 'view')
          .count()
          .get();
        assert.ok(views.data().count >= 3, 'the batched events reached Firestore');
        await assertInvariants(db);
      } finally {
        await deleteApp(app);
      }
      assert.deepEqual(page.errors, []);
      assert.deepEqual(page.blocked, [], 'the page reached nothing off the machine');
    } finally {
      await browser.close();
    }
  });

  it('exports a demo customer, deletes them, and nothing is left to sign in with', () => {
    const exported = tsx('scripts/src/dev/call.ts', 'ben@demo.hearth', 'exportMyData');
    assert.equal(exported.status, 0, exported.stderr);
    const copy = JSON.parse(exported.stdout);
    assert.equal(copy.profile.path, 'customers/demo-ben');
    assert.ok(copy.events.length > 0 && copy.orders.length > 0);
    const deleted = tsx('scripts/src/dev/call.ts', 'ben@demo.hearth', 'deleteMyData', '{"confirm":"DELETE"}');
    assert.equal(deleted.status, 0, deleted.stderr);
    assert.equal(JSON.parse(deleted.stdout).deleted.account, true);
    const again = tsx('scripts/src/dev/call.ts', 'ben@demo.hearth', 'exportMyData');
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /user-not-found/);
  });

  it('stops everything on Ctrl-C', async () => {
    process.kill(-stack.pid!, 'SIGINT');
    assert.equal(await within(exited, 'npm start exiting after Ctrl-C', 30_000), 0);
    assert.match(output, /hearth: stopped/);
    for (const [name, port] of Object.entries(ports)) {
      assert.ok(await portIsFree(host, port), `port ${port} (${name}) still in use after Ctrl-C`);
    }
  });
});
