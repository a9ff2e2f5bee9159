/**
 * The cancellation storm of issue 14: CANCEL_ORDERS (1,000) customers cancel their orders at once,
 * over CANCEL_INSTANCES function instances, while the expiry sweep (two overlapping runs, as two
 * scheduler ticks can) returns CANCEL_HOLDS due holds on the same SKU's documents and shards, and a
 * share of the customers send their cancellation twice with the same key (a retry racing itself).
 * Then, from what Firestore holds: units lost or doubled (the counters against what there must be,
 * and against the ledger's replay), every order line cancelled exactly once.
 *
 * `npm run bench -- cancel-storm`; CANCEL_ORDERS=100 for a small run. JSON in
 * bench/results/cancel-storm.json.
 */
import { cpus, loadavg } from 'node:os';
import { type App, deleteApp, initializeApp } from 'firebase-admin/app';
import { type Firestore, getFirestore } from 'firebase-admin/firestore';
import { LedgerEntry } from '@hearth/contracts';
import { start } from '@hearth/firestore-emulator';
import { inventoryCallables } from '../../../functions/src/inventory/callables';
import { type Clock, type Deps, newMetrics } from '../../../functions/src/inventory/deps';
import { addDelta, effectsOf, zeroCounters } from '../../../functions/src/inventory/movements';
import { refreshAvailability } from '../../../functions/src/inventory/refresh';
import { expireReservations } from '../../../functions/src/inventory/release';
import { defaultSettings } from '../../../functions/src/platform/settings';
import { seedHotSku } from './_hot-sku';
import { percentile, round, runBenchmark, writeResult } from './_support';

const ORDERS = Number(process.env.CANCEL_ORDERS ?? 1000);
const HOLDS = Number(process.env.CANCEL_HOLDS ?? Math.round(ORDERS / 2));
const INSTANCES = Number(process.env.CANCEL_INSTANCES ?? 4);
const SHARDS = Number(process.env.CANCEL_SHARDS ?? 16);
/** One customer in this many sends the cancellation twice at once, with the same key. */
const RETRY_EVERY = Number(process.env.CANCEL_RETRY_EVERY ?? 5);
/** How often a caller answered `unavailable` sends the same call again (same key). */
const RESEND_UNAVAILABLE = Number(process.env.CANCEL_RESEND ?? 3);
const UNITS_PER_ORDER = 2;
const SKU = 'storm-chair';
const LOCATION = 'wh-storm';

/** A clock the bench moves: holds made now are due once it is moved past the hold time. */
class BenchClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

let apps = 0;
function client(host: string, projectId: string): { app: App; db: Firestore } {
  const app = initializeApp({ projectId }, `storm-${++apps}`);
  const db = getFirestore(app);
  db.settings({ host, ssl: false });
  return { app, db };
}

/** At most `n` of `fns` running at once (setup only: the storm itself is all at once). */
async function limited<T>(n: number, fns: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(fns.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < fns.length) {
        const i = next++;
        out[i] = await fns[i]!();
      }
    }),
  );
  return out;
}

const as = (uid: string, data: unknown) => ({
  data,
  auth: { uid, token: { uid } as never, rawToken: 'bench' },
});

const seed = (deps: Deps, units: number) =>
  seedHotSku(deps, {
    sku: SKU,
    locationId: LOCATION,
    locationName: 'Storm warehouse',
    priceMinor: 8_900,
    units,
    shards: SHARDS,
  });

/** Lost and doubled units, from the documents alone. */
async function check(db: Firestore, units: number, orderIds: string[]) {
  const [inv, shards, ledger, held, orders] = await Promise.all([
    db.doc(`inventory/${SKU}`).get(),
    db.collection(`inventory/${SKU}/shards`).get(),
    db.collection('ledger').get(),
    db.collection('reservations').where('status', '==', 'held').get(),
    db.getAll(...orderIds.map((id) => db.doc(`orders/${id}`))),
  ]);
  const doc = inv.data()!;
  const loc = doc.locations[LOCATION];
  const counters =
    SHARDS > 0
      ? shards.docs.reduce(
          (c, s) => ({ onHand: c.onHand + s.get('onHand'), reserved: c.reserved + s.get('reserved') }),
          { onHand: 0, reserved: 0 },
        )
      : { onHand: loc.onHand, reserved: loc.reserved };
  const replay = zeroCounters();
  const kinds: Record<string, number> = {};
  for (const d of ledger.docs) {
    const e = LedgerEntry.parse(d.data());
    kinds[e.kind] = (kinds[e.kind] ?? 0) + e.qty;
    for (const effect of effectsOf(e)) addDelta(replay, effect.delta);
  }
  let linesNotCancelled = 0;
  let cancelledTwice = 0;
  let stillSold = 0;
  for (const o of orders) {
    const line = o.data()!.lines[0];
    if (line.cancelled !== line.qty) linesNotCancelled++;
    if (line.cancelled > line.qty) cancelledTwice++;
    stillSold += line.qty - line.cancelled;
  }
  // Every hold expired: on hand is what was stocked less what the orders still hold, none reserved.
  const onHandDiff = counters.onHand - (units - stillSold);
  return {
    counters,
    replay: { onHand: replay.onHand, reserved: replay.reserved },
    ledgerUnitsByKind: kinds,
    stillHeld: held.size,
    linesNotCancelled,
    cancelledTwice,
    unitsLost: Math.max(0, -onHandDiff) + Math.max(0, counters.reserved),
    unitsDoubled: Math.max(0, onHandDiff),
    countersMatchLedger: replay.onHand === counters.onHand && replay.reserved === counters.reserved,
    availabilityDoc: { onHand: doc.onHand, reserved: doc.reserved, available: doc.available },
  };
}

async function main() {
  const emulator = await start({ port: 0 });
  const host = `${emulator.host}:${emulator.port}`;
  process.env.FIRESTORE_EMULATOR_HOST = host;
  const projectId = `storm-${Date.now()}`;
  const clock = new BenchClock();
  const units = ORDERS * UNITS_PER_ORDER + HOLDS;
  const loadBefore = loadavg().map((n) => round(n, 2));
  try {
    const metrics = newMetrics();
    const instances = Array.from({ length: INSTANCES }, () => {
      const { app, db } = client(host, projectId);
      const deps: Deps = { db, clock, metrics };
      return { app, deps, api: inventoryCallables(() => deps) };
    });
    const first = instances[0]!;
    await seed(first.deps, units);

    // Setup (not timed): the orders, then the holds that the sweep will find due.
    const setupStarted = performance.now();
    const orderIds = await limited(
      32,
      Array.from({ length: ORDERS }, (_, i) => async () => {
        const api = instances[i % INSTANCES]!.api;
        const held = await api.reserveStock(
          as(`c${i}`, { idempotencyKey: `storm-r-${i}`, lines: [{ sku: SKU, qty: UNITS_PER_ORDER }] }),
        );
        return (
          await api.checkout(
            as(`c${i}`, { idempotencyKey: `storm-c-${i}`, reservationId: held.reservationId }),
          )
        ).orderId;
      }),
    );
    await limited(
      32,
      Array.from(
        { length: HOLDS },
        (_, i) => () =>
          instances[i % INSTANCES]!.api.reserveStock(
            as(`h${i}`, { idempotencyKey: `storm-h-${i}`, lines: [{ sku: SKU, qty: 1 }] }),
          ),
      ),
    );
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    clock.offsetMs = defaultSettings.holdMs + 1_000;

    // The storm: every cancellation at once, retries racing their first send, two sweeps.
    const latencies: number[] = [];
    const outcomes: Record<string, number> = {};
    const started = performance.now();
    let resent = 0;
    // As an app does: `unavailable` says nothing changed or the same key is safe, so it sends again.
    const timed = async (p: () => Promise<unknown>) => {
      const t0 = performance.now();
      for (let attempt = 0; ; attempt++) {
        try {
          await p();
          outcomes.ok = (outcomes.ok ?? 0) + 1;
          break;
        } catch (err) {
          const code = String((err as { code?: string }).code ?? err);
          if (code === 'unavailable' && attempt < RESEND_UNAVAILABLE) {
            resent++;
            continue;
          }
          outcomes[code] = (outcomes[code] ?? 0) + 1;
          break;
        }
      }
      latencies.push(performance.now() - t0);
    };
    const sweeps = [0, 1].map(async (n) => {
      const t0 = performance.now();
      const r = await expireReservations(instances[n % INSTANCES]!.deps);
      return {
        expired: r.expired,
        failed: r.failed.length,
        seconds: round((performance.now() - t0) / 1000, 2),
      };
    });
    const calls = orderIds.flatMap((orderId, i) => {
      const api = instances[i % INSTANCES]!.api;
      const req = () => api.cancelOrder(as(`c${i}`, { idempotencyKey: `storm-x-${i}`, orderId }));
      return i % RETRY_EVERY === 0 ? [timed(req), timed(req)] : [timed(req)];
    });
    await Promise.all(calls);
    const stormSeconds = (performance.now() - started) / 1000;
    const sweepResults = await Promise.all(sweeps);
    // A sweep run cut short by contention leaves the rest for the next tick: run it, as the schedule would.
    const catchUp = await expireReservations(first.deps);
    await refreshAvailability(first.deps, SKU, true);
    latencies.sort((a, b) => a - b);
    const checked = await check(first.deps.db, units, orderIds);
    const report = {
      bench: 'cancel-storm',
      at: new Date().toISOString(),
      node: process.version,
      command: `CANCEL_ORDERS=${ORDERS} npm run bench -- cancel-storm`,
      note: 'One process: the project emulator and the function instances share its CPU. Each order is 2 units of one SKU; the holds are 1 unit each on the same SKU, due when the storm starts. unitsLost/unitsDoubled compare on hand with what was stocked less what the orders still hold (a call answered unavailable changed nothing), and the counters with the ledger.',
      machine: {
        cpus: cpus().length,
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadavg().map((n) => round(n, 2)),
      },
      orders: ORDERS,
      holds: HOLDS,
      instances: INSTANCES,
      shards: SHARDS,
      retriedWithSameKey: Math.ceil(ORDERS / RETRY_EVERY),
      resentAfterUnavailable: resent,
      setupSeconds: round(setupSeconds, 1),
      calls: latencies.length,
      outcomes,
      stormSeconds: round(stormSeconds, 2),
      cancellationsPerSecond: round((outcomes.ok ?? 0) / stormSeconds),
      latencyMs: {
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies.at(-1) ?? 0),
      },
      sweeps: sweepResults,
      catchUpSweepExpired: catchUp.expired,
      transactionAttempts: metrics.attempts,
      retries: metrics.retries,
      ...checked,
      goal: {
        unitsLostOrDoubled: checked.unitsLost + checked.unitsDoubled,
        goal: '0',
        met:
          checked.unitsLost + checked.unitsDoubled === 0 &&
          checked.countersMatchLedger &&
          checked.cancelledTwice === 0,
      },
    };
    writeResult('cancel-storm', report);
    await Promise.all(instances.map((x) => deleteApp(x.app)));
    if (!report.goal.met) throw new Error('units lost or doubled');
  } finally {
    await emulator.stop();
  }
}

runBenchmark(main);
