/**
 * A flash-sale burst against the local stack on a busy machine: 500 shoppers' `reserveStock` calls
 * at once (web SDK, signed in to the firebase-tools Auth emulator) through the functions host, while
 * a spinning process keeps one core busy. Every call must be answered within 30 s (a reservation,
 * out of stock, or `unavailable` with a retry-after), no unit may be oversold or lost, the ledger
 * invariants must hold, and the stack must still answer afterwards. Then the gate's own answers:
 * a host told to take almost nothing refuses the overflow with `unavailable` and a retry-after, and
 * a function that outlives the answer deadline still has one effect, which a retry with the same
 * idempotency key returns. Runs on free ports, beside a running `npm start`.
 */
import assert from 'node:assert/strict';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  deleteApp as deleteAdminApp,
  initializeApp as initializeAdminApp,
  type App,
} from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { deleteApp, initializeApp } from 'firebase/app';
import { connectAuthEmulator, createUserWithEmailAndPassword, getAuth } from 'firebase/auth';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import { buildFunctions } from '../../scripts/src/build/functions-bundle';
import { burst, cpuHog, type BurstReport } from '../../scripts/src/dev/burst';
import { waitFor } from '../../scripts/src/dev/ready';
import { host, projectId, repoRoot } from '../../scripts/src/dev/stack';
import { systemClock } from '../../functions/src/inventory/deps';
import { assertInvariants } from '../../functions/test/inventory/support/invariants';
import { key, seedStore } from '../../functions/test/inventory/support/store';
import { FreePortStack } from '../../scripts/src/dev/stack-on-free-ports';

const STOCK = { 'wh-north': 150, 'wh-south': 100 };
const UNITS = 250;
const ANSWER_WITHIN_MS = 30_000;

const stack = new FreePortStack();
let admin: App;
let db: Firestore;

/** What every answer of a burst must be, and what it may hold. */
function assertAllAnswered(report: BurstReport, requests: number): void {
  assert.equal(report.answered, requests, `unanswered: ${JSON.stringify(report.outcomes)}`);
  assert.ok(report.maxMs < ANSWER_WITHIN_MS, `slowest answer ${report.maxMs} ms`);
  for (const a of report.answers) {
    assert.ok(['ok', 'resource-exhausted', 'unavailable'].includes(a.outcome), `${a.outcome}: ${a.message}`);
    if (a.outcome === 'unavailable')
      assert.ok((a.retryAfterSeconds ?? 0) > 0, `no retry-after: ${a.message}`);
  }
}

async function heldOf(sku: string): Promise<number> {
  const doc = (await db.doc(`inventory/${sku}`).get()).data()!;
  assert.equal(doc.available, doc.onHand - doc.reserved);
  return doc.reserved as number;
}

/** Resolves once inventory/{sku} shows `reserved` units (a listener, not polling). */
function reservedReaches(sku: string, reserved: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${sku} never reached ${reserved} reserved within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = db.doc(`inventory/${sku}`).onSnapshot((snap) => {
      if (snap.data()?.reserved !== reserved) return;
      clearTimeout(timer);
      stop();
      resolve();
    }, reject);
  });
}

before(async () => {
  await buildFunctions();
  await stack.startFirestore();
  await stack.startAuth();
  Object.assign(process.env, stack.env);
  admin = initializeAdminApp({ projectId }, 'burst-admin');
  db = getFirestore(admin);
  const deps = { db, clock: systemClock };
  await seedStore(deps, [
    { sku: 'burst-lamp', stock: STOCK },
    { sku: 'gate-chair', stock: { 'wh-north': 40 } },
    { sku: 'late-stool', stock: { 'wh-north': 5 } },
  ]);
});

after(async () => {
  if (admin) await deleteAdminApp(admin);
  await stack.stop();
});

describe('a burst against the local stack', () => {
  test('500 concurrent calls on a busy machine: all answered within 30 s, none oversold, invariants hold', async () => {
    const { port } = await stack.startFunctionsHost();
    const target = { host, authPort: stack.authPort, functionsPort: port };
    const hog = cpuHog(120);
    let report: BurstReport;
    try {
      report = await burst(target, { requests: 500, users: 50, sku: 'burst-lamp' });
    } finally {
      hog.stop();
    }
    console.log(`burst: ${JSON.stringify({ ...report, answers: undefined })}`);
    assertAllAnswered(report, 500);
    const held = await heldOf('burst-lamp');
    assert.ok(held <= UNITS, `oversold: ${held} of ${UNITS}`);
    // Each unit answered as held is held; beyond those, only calls told `unavailable` at the answer
    // deadline may have gone on to hold theirs (a retry with their key would return it).
    const lateAtMost = report.outcomes.unavailable ?? 0;
    assert.ok(held >= report.unitsHeld && held - report.unitsHeld <= lateAtMost, `held ${held}`);
    assert.ok(
      report.outcomes.ok! > 0 && report.outcomes['resource-exhausted']! > 0,
      'sold out, as 500 > 250',
    );
    await assertInvariants(db);

    // Still usable: a shopper after the burst is answered at once.
    const afterwards = await burst(target, { requests: 1, users: 1, sku: 'burst-lamp' });
    assertAllAnswered(afterwards, 1);
    assert.notEqual(afterwards.answers[0]!.outcome, 'unavailable');
  });

  test('a full gate answers unavailable with a retry-after, and what it let in is exact', async () => {
    const flags = ['--runtimes', '1', '--max-in-flight', '1', '--queue-wait-ms', '200'];
    const { port } = await stack.startFunctionsHost(flags);
    const report = await burst(
      { host, authPort: stack.authPort, functionsPort: port },
      { requests: 60, users: 10, sku: 'gate-chair' },
    );
    assertAllAnswered(report, 60);
    assert.ok((report.outcomes.unavailable ?? 0) > 0, `nothing refused: ${JSON.stringify(report.outcomes)}`);
    assert.ok((report.outcomes.ok ?? 0) > 0, `nothing let in: ${JSON.stringify(report.outcomes)}`);
    assert.equal(await heldOf('gate-chair'), report.unitsHeld);
    await assertInvariants(db);
  });

  test('a call that outlives the answer deadline is told unavailable, has one effect, and its retry returns it', async () => {
    const { port } = await stack.startFunctionsHost(['--runtimes', '1', '--answer-within-ms', '1']);
    const app = initializeApp({ projectId, apiKey: 'demo-key' }, 'burst-late');
    try {
      const auth = getAuth(app);
      connectAuthEmulator(auth, `http://${host}:${stack.authPort}`, { disableWarnings: true });
      await createUserWithEmailAndPassword(auth, `late-${Date.now()}@example.com`, 'late-secret');
      const functions = getFunctions(app);
      connectFunctionsEmulator(functions, host, port);
      const reserve = httpsCallable(functions, 'reserveStock', { timeout: ANSWER_WITHIN_MS });
      const request = { idempotencyKey: key('late'), lines: [{ sku: 'late-stool', qty: 2 }] };
      await assert.rejects(
        reserve(request),
        (err: { code: string; details?: { retryAfterSeconds?: number } }) => {
          assert.equal(err.code, 'functions/unavailable');
          assert.ok((err.details?.retryAfterSeconds ?? 0) > 0);
          return true;
        },
      );
      // The function went on; once it has held the units, the same request (same key) returns them.
      await reservedReaches('late-stool', 2, 20_000);
      const normal = await stack.startFunctionsHost(['--runtimes', '1']);
      const retryAt = getFunctions(app, `http://${host}:${normal.port}/${projectId}/us-central1`);
      const again = await httpsCallable<unknown, { status: string; lines: { qty: number }[] }>(
        retryAt,
        'reserveStock',
        { timeout: ANSWER_WITHIN_MS },
      )(request);
      assert.equal(again.data.status, 'held');
      assert.equal(await heldOf('late-stool'), 2, 'the retry had no second effect');
      await assertInvariants(db);
    } finally {
      await deleteApp(app);
    }
  });

  test('a runtime that dies is replaced, and a rebuild of lib/index.js is picked up', async () => {
    const { port, child } = await stack.startFunctionsHost(['--runtimes', '1']);
    const target = { host, authPort: stack.authPort, functionsPort: port };
    const pid = Number(/runtime (\d+) loaded/.exec(child.tail())![1]);
    process.kill(pid, 'SIGKILL');
    await waitFor(
      'a replacement runtime',
      child,
      async () => child.printed(/exited \(SIGKILL\); starting another/),
      10_000,
    );
    await waitFor(
      'the replacement to load',
      child,
      async () => (child.tail().match(/runtime \d+ loaded/g) ?? []).length >= 2,
      30_000,
    );
    const afterCrash = await burst(target, { requests: 3, users: 1, sku: 'burst-lamp' });
    assertAllAnswered(afterCrash, 3);

    const now = new Date();
    utimesSync(join(repoRoot, 'functions', 'lib', 'index.js'), now, now);
    await waitFor('fresh runtimes', child, async () => child.printed(/fresh runtimes serving/), 30_000);
    const afterRebuild = await burst(target, { requests: 3, users: 1, sku: 'burst-lamp' });
    assertAllAnswered(afterRebuild, 3);
  });
});
