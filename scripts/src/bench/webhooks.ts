/**
 * Webhooks during a flash sale: BUYERS shoppers reserve one unit each of a SKU with UNITS units,
 * over INSTANCES function instances (reserveStock's handler, group commit on, as flash-sale.ts
 * runs them), against the project's emulator in this process, while one subscription listens to
 * every event type. The outbox trigger runs as the dev stack relays it (a listener on `outbox/`
 * calling the trigger's own handler), and a loopback consumer verifies each signature with the
 * client's verifyWebhook. Measured: events delivered per second (from the sale's start to the last
 * delivery) and commit-to-delivery latency (the consumer's arrival time minus the event's time,
 * taken in its transaction just before the commit) p50/p99; every committed event delivered
 * exactly once to the consumer's dedupe store. Writes bench/results/webhooks.json.
 *
 * Overrides: WEBHOOK_BUYERS (default 1000), WEBHOOK_UNITS (300), WEBHOOK_INSTANCES (2),
 * WEBHOOK_SHARDS (0: one document; N: N shards, whose stock events come from the refresh),
 * WEBHOOK_TIMEOUT_MS (30000: a delivery attempt with no answer by then is retried).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { start } from '@hearth/firestore-emulator';
import { verifyWebhook } from '@hearth/client';
import { inventoryCallables } from '../../../functions/src/inventory/callables';
import { type Deps, systemClock } from '../../../functions/src/inventory/deps';
import { AvailabilityRefresher } from '../../../functions/src/inventory/refresh';
import { createSubscription } from '../../../functions/src/events/subscriptions';
import { deliverNewEvent, sweepWebhooks } from '../../../functions/src/events/sweep';
import type { EventDeps } from '../../../functions/src/events/deps';
import { seedHotSku } from './_hot-sku';
import { percentile, round, runBenchmark, writeResult } from './_support';

const BUYERS = Number(process.env.WEBHOOK_BUYERS ?? 1000);
const UNITS = Number(process.env.WEBHOOK_UNITS ?? 300);
const INSTANCES = Number(process.env.WEBHOOK_INSTANCES ?? 2);
const SHARDS = Number(process.env.WEBHOOK_SHARDS ?? 0);
const SKU = 'flash-armchair';
const LOCATION = 'wh-flash';
const delivery = {
  inlineWaitMs: 2_000,
  baseDelayMs: 200,
  timeoutMs: Number(process.env.WEBHOOK_TIMEOUT_MS ?? 30_000),
  sweepGraceMs: 0,
};

function consumer(secret: () => string) {
  const arrivals = new Map<string, { at: number; createdAt: number; type: string }>();
  let duplicates = 0;
  let badSignatures = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      void verifyWebhook(secret(), Buffer.concat(chunks), String(req.headers['hearth-signature'])).then(
        (v) => {
          if (!v.ok) {
            badSignatures++;
            res.writeHead(400).end();
            return;
          }
          if (arrivals.has(v.event.id)) duplicates++;
          else arrivals.set(v.event.id, { at, createdAt: Date.parse(v.event.createdAt), type: v.event.type });
          res.writeHead(200).end('ok');
        },
      );
    });
  });
  return { server, arrivals, counts: () => ({ duplicates, badSignatures }) };
}

const seed = (deps: Deps) =>
  seedHotSku(deps, {
    sku: SKU,
    locationId: LOCATION,
    locationName: 'Flash warehouse',
    priceMinor: 19900,
    units: UNITS,
    shards: SHARDS,
  });

async function main() {
  const emulator = await start();
  const host = `${emulator.host}:${emulator.port}`;
  const projectId = `webhooks-${Date.now()}`;
  const made = Array.from({ length: INSTANCES }, (_, i) => {
    const app = initializeApp({ projectId }, `webhooks-${i}`);
    const db = getFirestore(app);
    db.settings({ host, ssl: false });
    const base = { db, clock: systemClock };
    const deps: Deps & EventDeps = {
      ...base,
      refresher: new AvailabilityRefresher(base),
      urls: { allowPrivate: true },
      delivery,
    };
    return { app, deps, api: inventoryCallables(() => deps) };
  });
  const deps = made[0]!.deps;
  await seed(deps);
  await sweepWebhooks(deps);
  let secret = '';
  const sink = consumer(() => secret);
  await new Promise<void>((r) => sink.server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(sink.server.address() as AddressInfo).port}/hooks`;
  const sub = await createSubscription(
    deps,
    { uid: 'bench', role: 'admin', staff: true, anonymous: false, email: null, name: null },
    { url, topics: ['*'], description: 'bench', idempotencyKey: 'bench-subscription' },
  );
  secret = sub.secret;

  // The outbox trigger, one listener per instance's process as the dev relay runs one.
  const running = new Set<Promise<unknown>>();
  let first = true;
  const stop = deps.db.collection('outbox').onSnapshot((qs) => {
    for (const c of qs.docChanges())
      if (!first && c.type === 'added') {
        const p = deliverNewEvent(made[running.size % INSTANCES]!.deps, c.doc.id).catch((e: unknown) =>
          console.error(e),
        );
        running.add(p);
        void p.finally(() => running.delete(p));
      }
    first = false;
  });

  const load = loadavg();
  const started = Date.now();
  const outcomes: Record<string, number> = {};
  await Promise.all(
    Array.from({ length: BUYERS }, async (_, i) => {
      try {
        await made[i % INSTANCES]!.api.reserveStock({
          data: { idempotencyKey: `webhook-buyer-${i}`, lines: [{ sku: SKU, qty: 1 }] },
          auth: { uid: `buyer-${i}`, token: {} as never, rawToken: '' },
        });
        outcomes.ok = (outcomes.ok ?? 0) + 1;
      } catch (err) {
        const code = String((err as { code?: string }).code ?? err);
        outcomes[code] = (outcomes[code] ?? 0) + 1;
      }
    }),
  );
  const saleSeconds = (Date.now() - started) / 1000;
  console.log(`sale done in ${saleSeconds.toFixed(1)} s: ${JSON.stringify(outcomes)}`);
  await Promise.all(made.map((m) => m.deps.refresher!.idle()));
  // Every event committed after the subscription: wait until the consumer has each (or 120 s).
  const subAt = Date.parse(sub.subscription.createdAt);
  const owed = async () =>
    (await deps.db.collection('outbox').get()).docs
      .filter((d) => d.get('at').toMillis() >= subAt)
      .map((d) => d.id);
  let ids = await owed();
  const deadline = Date.now() + 120_000;
  while (ids.some((id) => !sink.arrivals.has(id)) && Date.now() < deadline) {
    if (running.size === 0) await sweepWebhooks(deps);
    await new Promise((r) => setTimeout(r, 1000));
    ids = await owed();
    console.log(`delivered ${ids.filter((id) => sink.arrivals.has(id)).length} of ${ids.length}`);
  }
  stop();
  const got = ids.filter((id) => sink.arrivals.has(id)).map((id) => sink.arrivals.get(id)!);
  const lastAt = Math.max(...got.map((a) => a.at));
  const latencies = got.map((a) => a.at - a.createdAt).sort((a, b) => a - b);
  const byType: Record<string, number> = {};
  for (const a of got) byType[a.type] = (byType[a.type] ?? 0) + 1;
  writeResult('webhooks', {
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      loadAverageAtStart: load.map((l) => round(l, 2)),
      loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
    },
    setup: {
      buyers: BUYERS,
      units: UNITS,
      instances: INSTANCES,
      shards: SHARDS,
      subscriptions: 1,
      topics: ['*'],
      emulatorLatencyMs: 0,
      delivery,
    },
    sale: { seconds: round(saleSeconds, 2), outcomes },
    events: {
      committed: ids.length,
      delivered: got.length,
      missing: ids.length - got.length,
      byType,
      ...sink.counts(),
    },
    deliveredPerSecond: round(got.length / ((lastAt - started) / 1000)),
    secondsFromSaleStartToLastDelivery: round((lastAt - started) / 1000, 2),
    commitToDeliveryMs: {
      p50: round(percentile(latencies, 50)),
      p99: round(percentile(latencies, 99)),
      max: latencies.at(-1),
    },
    note: 'One process: the emulator, the function instances, the outbox trigger and the consumer share its CPU. Latency is from the event time (clock read in the transaction just before its commit) to the consumer reading the request body.',
  });
  sink.server.close();
  await Promise.all(made.map((m) => deleteApp(m.app)));
}

runBenchmark(main);
