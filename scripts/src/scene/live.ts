/**
 * `npm run scene`: a flash sale on the running local stack (`npm start` first). Several shoppers,
 * each a signed-in app user, race for a hot SKU through the callables while a watcher (the client's
 * watchAvailability, as an app's product page would) prints availability as it changes, with the
 * time from the commit behind each update to the watcher seeing it.
 *
 *   npm run scene [-- --sku 85123A] [-- --shoppers 4] [-- --seconds 20]
 */
import { parseArgs } from 'node:util';
import { getApps, initializeApp as initializeAdmin } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { FieldPath, getFirestore } from 'firebase-admin/firestore';
import { deleteApp, initializeApp } from 'firebase/app';
import { httpsCallable } from 'firebase/functions';
import { hearthClient, newIdempotencyKey, watchAvailability, type Availability } from '@hearth/client';
import { host, ports, projectId, useLocalStack } from '../dev/stack';
import { DEMO_PASSWORD } from '../seed/customers';
import { HOT_LOCATION } from '../seed/stock';
import { upsertUsers } from '../seed/users';
import { CommitTimes } from './commit-times';
import { shop, signIn, warmUp, type ShopperStats } from './shopper';

const { values } = parseArgs({
  options: {
    sku: { type: 'string' },
    shoppers: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '20' },
  },
});
const shopperCount = Number(values.shoppers);
const seconds = Number(values.seconds);
const LOW_WATER = 60;

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function hotSku(db: FirebaseFirestore.Firestore): Promise<string> {
  if (values.sku) return values.sku;
  const hot = await db
    .collection('inventory')
    .where(new FieldPath('shards', HOT_LOCATION), '>', 0)
    .limit(1)
    .get();
  if (hot.empty)
    throw new Error('no hot SKU found: has the stack been seeded? (npm start seeds it; or npm run seed)');
  return hot.docs[0]!.id;
}

/** Staff restock the hot SKU when little is left; how many units they added. */
async function topUp(sku: string, available: number): Promise<number> {
  if (available >= LOW_WATER) return 0;
  const staff = await signIn('sam@demo.hearth', DEMO_PASSWORD);
  const qty = 300;
  await httpsCallable(
    staff.client.functions,
    'restock',
  )({
    idempotencyKey: newIdempotencyKey(),
    sku,
    locationId: HOT_LOCATION,
    qty,
    reason: 'scene: flash sale stock',
  });
  console.log(
    `staff (sam@demo.hearth) restocked ${qty} units of ${sku} at ${HOT_LOCATION}: only ${available} were left`,
  );
  await staff.close();
  return qty;
}

async function main(): Promise<void> {
  useLocalStack();
  const admin = getApps()[0] ?? initializeAdmin({ projectId });
  const db = getFirestore(admin);
  const sku = await hotSku(db);

  const shoppers = Array.from({ length: shopperCount }, (_, i) => ({
    uid: `scene-shopper-${i + 1}`,
    email: `shopper${i + 1}@scene.hearth`,
    displayName: `Shopper ${i + 1}`,
    claims: {},
    consent: { personalisation: true, marketing: false },
    note: 'scene shopper',
  }));
  await upsertUsers(getAuth(admin), shoppers);

  // The watcher: an app's product page, not signed in (availability is public).
  const viewerApp = initializeApp({ projectId, apiKey: 'demo-key' }, 'scene-viewer');
  const viewer = hearthClient(viewerApp, {
    emulators: { host, firestorePort: ports.firestore, authPort: ports.auth, functionsPort: ports.functions },
  });
  const commits = new CommitTimes(db, sku);
  commits.start();

  let started = Date.now();
  let racing = false;
  /** Units when the sale starts. */
  const atStart = { available: NaN, onHand: NaN };
  const latencies: number[] = [];
  let printing = Promise.resolve();
  let last: Availability | undefined;
  const waiters: { until: (a: Availability) => boolean; resolve: (a: Availability) => void }[] = [];
  /** Resolves once the watcher shows an availability for which `until` holds (or after `ms`). */
  const shown = (until: (a: Availability) => boolean, ms = 5000) =>
    new Promise<Availability | undefined>((resolve) => {
      if (last && until(last)) return resolve(last);
      const timer = setTimeout(() => resolve(undefined), ms);
      waiters.push({
        until,
        resolve: (a) => {
          clearTimeout(timer);
          resolve(a);
        },
      });
    });

  const stopWatcher = watchAvailability(viewer, sku, (a) => {
    const seenAt = Date.now();
    last = a;
    for (const w of waiters.filter((w) => w.until(a))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(a);
    }
    if (!racing) return;
    const commitAt = commits.commitOf(a.available);
    printing = printing.then(async () => {
      const at = await commitAt;
      const latency = at === undefined ? undefined : seenAt - at;
      if (latency !== undefined) latencies.push(latency);
      console.log(
        `  +${((seenAt - started) / 1000).toFixed(2).padStart(6)} s  available ${String(a.available).padStart(4)}  ` +
          `held ${String(a.reserved).padStart(3)}  sold so far ${String(atStart.onHand - a.onHand).padStart(4)}  ` +
          `${a.status.padEnd(8)} ${latency === undefined ? '(commit not matched)' : `commit -> watcher ${latency} ms`}`,
      );
    });
  });

  const initial = await shown(() => true);
  if (!initial) throw new Error(`the watcher saw nothing of ${sku} in 5 s`);
  const added = await topUp(sku, initial.available);
  if (added > 0) await shown((a) => a.available >= initial.available + added);
  console.log(`signing in ${shopperCount} shoppers and warming up the Functions emulator's workers...`);
  const sessions = await Promise.all(shoppers.map((s) => signIn(s.email, DEMO_PASSWORD)));
  const warming = Date.now();
  await Promise.all(sessions.map((s) => warmUp(s.client)));
  console.log(`warm in ${((Date.now() - warming) / 1000).toFixed(1)} s`);
  atStart.available = last!.available;
  atStart.onHand = last!.onHand;
  const before = atStart.available;
  console.log(
    `\n${shopperCount} shoppers, ${seconds} s, racing for ${sku} (${before} available; ` +
      `${last!.shardedLocations.join(', ') || 'no'} sharded). The watcher prints each update:\n`,
  );
  racing = true;
  started = Date.now();
  const deadline = Date.now() + seconds * 1000;
  const results: ShopperStats[] = await Promise.all(
    sessions.map((s, i) =>
      shop(
        s.client,
        sku,
        () => Date.now() > deadline,
        (l) => console.log(`  ${l}`),
        shoppers[i]!.displayName,
      ),
    ),
  );
  // Let the last commits reach the watcher before the summary.
  const sold = results.reduce((n, r) => n + r.bought, 0);
  await shown((a) => a.available === before - sold && a.reserved === 0);
  await printing;

  const sorted = [...latencies].sort((a, b) => a - b);
  const errors = results.flatMap((r) => r.otherErrors);
  console.log(
    [
      '',
      `orders ${results.reduce((n, r) => n + r.orders, 0)}, units sold ${sold}, units released back ${results.reduce((n, r) => n + r.released, 0)}, ` +
        `out-of-stock answers ${results.reduce((n, r) => n + r.outOfStock, 0)}, other errors ${errors.length}`,
      `availability ${before} -> ${last!.available} (expected ${before - sold}: ${last!.available === before - sold ? 'no unit lost or oversold' : 'MISMATCH'})`,
      `watcher updates ${sorted.length}; commit -> watcher latency p50 ${percentile(sorted, 50)} ms, ` +
        `p95 ${percentile(sorted, 95)} ms, max ${sorted[sorted.length - 1] ?? NaN} ms`,
      ...errors.slice(0, 5).map((e) => `  error: ${e}`),
    ].join('\n'),
  );

  stopWatcher();
  commits.stop();
  await Promise.all(sessions.map((s) => s.close()));
  await deleteApp(viewerApp);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`scene failed: ${err.message}`);
    console.error('Is the stack running? Start it with npm start (in another terminal) and try again.');
    process.exit(1);
  },
);
