/**
 * The functions as `firebase deploy` ships them. Builds functions/lib (esbuild's bundle, the
 * predeploy hook's `npm run build`), takes the files firebase-tools itself would upload (its own
 * `readdirRecursive` with firebase.json's `ignore` list and the entries it always adds), copies them
 * to an empty folder outside the repo, installs there from that package.json alone as Cloud Build
 * does (`npm install --omit=dev`, no workspace links), and loads `lib/index.js` with plain node: every
 * exported trigger must be there with its kind, region, schedule, memory and timeout, read from the
 * `__endpoint` firebase-functions v2 gives each function (what the deploy reads to create them).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { npmEnv, run } from './npm-run';
import { buildFunctions, functionsDir } from '../../scripts/src/build/functions-bundle';

const root = join(__dirname, '..', '..');

type Kind = 'callable' | 'scheduled' | 'firestore';
interface Trigger {
  kind: Kind;
  region: string;
  schedule?: string;
  timeZone?: string;
  document?: string;
  event?: string;
  memoryMb: number | null;
  timeoutSeconds: number | null;
}

const callable = (): Trigger => ({
  kind: 'callable',
  region: 'us-central1',
  memoryMb: null,
  timeoutSeconds: null,
});
const every = (schedule: string, extra: Partial<Trigger> = {}): Trigger => ({
  kind: 'scheduled',
  region: 'us-central1',
  schedule,
  memoryMb: null,
  timeoutSeconds: null,
  ...extra,
});
const onDoc = (event: string, document: string): Trigger => ({
  kind: 'firestore',
  region: 'us-central1',
  event: `google.cloud.firestore.document.v1.${event}`,
  document,
  memoryMb: null,
  timeoutSeconds: null,
});

/** Every trigger the deploy must create (memory and timeout null: the platform's defaults). */
const expected: Record<string, Trigger> = {
  reserveStock: callable(),
  checkout: callable(),
  releaseReservation: callable(),
  restock: callable(),
  adjustStock: callable(),
  transferStock: callable(),
  receiveTransfer: callable(),
  recordReturn: callable(),
  setShardCount: callable(),
  cancelOrder: callable(),
  advanceFulfilment: callable(),
  extendReservation: callable(),
  setPurchaseLimit: callable(),
  createPurchaseOrder: callable(),
  receivePurchaseOrder: callable(),
  closePurchaseOrder: callable(),
  setStockCount: callable(),
  setStockPolicy: callable(),
  setSupplier: callable(),
  setSkuSupplier: callable(),
  ensureProfile: callable(),
  setConsent: callable(),
  exportMyData: callable(),
  deleteMyData: callable(),
  exportCustomerData: callable(),
  eraseCustomer: callable(),
  getRecommendations: callable(),
  similarItems: callable(),
  setRecommenderSplit: callable(),
  promoteRecommenderArm: callable(),
  refreshExperimentMetrics: every('every 60 minutes', { timeoutSeconds: 540 }),
  expireReservations: every('every 1 minutes'),
  reconcileInventory: every('every 60 minutes'),
  rebuildRecommendationStock: every('every 60 minutes'),
  retrainRecommender: every('every day 03:00', {
    timeZone: 'Europe/London',
    memoryMb: 1024,
    timeoutSeconds: 540,
  }),
  refreshPopularRecommendations: every('every day 04:00', { timeZone: 'Europe/London', timeoutSeconds: 540 }),
  refreshForecasts: every('every day 05:00', { timeZone: 'Europe/London', timeoutSeconds: 540 }),
  recommendationStockOnInventoryWrite: onDoc('written', 'inventory/{sku}'),
  backorderFillOnInventoryWrite: onDoc('written', 'inventory/{sku}'),
  recommendationBoughtOnEvent: onDoc('created', 'customers/{uid}/events/{eventId}'),
  uploadImportChunk: callable(),
  startImport: callable(),
  cancelImport: callable(),
  exportCsv: callable(),
  runImportOnQueued: { ...onDoc('written', 'importJobs/{jobId}'), timeoutSeconds: 540 },
  sweepImports: every('every 1 minutes', { timeoutSeconds: 540 }),
  createWebhookSubscription: callable(),
  setWebhookSubscriptionStatus: callable(),
  rotateWebhookSecret: callable(),
  deleteWebhookSubscription: callable(),
  replayWebhookEvents: callable(),
  webhookDeliverOnOutbox: onDoc('created', 'outbox/{eventId}'),
  sweepWebhooks: every('every 1 minutes', { timeoutSeconds: 300 }),
};

/** Runs in the deployed folder with plain node: each export's endpoint, as the kinds above. */
const DESCRIBE = String.raw`
const exported = require('./lib/index.js');
const out = {};
for (const [name, fn] of Object.entries(exported)) {
  if (!fn || !fn.__endpoint) { out[name] = { kind: 'not a function trigger' }; continue; }
  // As the deploy's manifest serialises it (unset options are ResetValues, which write null).
  const e = JSON.parse(JSON.stringify(fn.__endpoint));
  const t = {
    kind: e.callableTrigger ? 'callable' : e.scheduleTrigger ? 'scheduled'
      : e.eventTrigger && e.eventTrigger.eventType.startsWith('google.cloud.firestore.') ? 'firestore' : 'other',
    region: (e.region && e.region[0]) || 'us-central1',
    memoryMb: e.availableMemoryMb ?? null,
    timeoutSeconds: e.timeoutSeconds ?? null,
  };
  if (e.scheduleTrigger) {
    t.schedule = e.scheduleTrigger.schedule;
    if (e.scheduleTrigger.timeZone) t.timeZone = e.scheduleTrigger.timeZone;
  }
  if (e.eventTrigger) {
    t.event = e.eventTrigger.eventType;
    t.document = e.eventTrigger.eventFilterPathPatterns && e.eventTrigger.eventFilterPathPatterns.document;
  }
  out[name] = t;
}
const tfLoaded = Object.keys(require.cache).some((k) => k.includes('@tensorflow'));
const here = require('node:fs').realpathSync(process.cwd());
const fromRepo = Object.keys(require.cache).filter((k) => !k.startsWith(here));
process.stdout.write(JSON.stringify({ triggers: out, tfLoaded, fromRepo }));
`;

/** Runs in the deployed folder as one function's instance (FUNCTION_TARGET set): what it defines and loads. */
const INSTANCE = String.raw`
const exported = require('./lib/index.js');
const defined = Object.keys(exported).filter((name) => exported[name] && exported[name].__endpoint);
const loaded = Object.keys(require.cache);
const has = (part) => loaded.some((k) => k.includes(part));
process.stdout.write(JSON.stringify({
  defined,
  endpoint: defined.length === 1 ? JSON.parse(JSON.stringify(exported[defined[0]].__endpoint)) : null,
  firestoreProvider: has('/firebase-functions/lib/v2/providers/firestore'),
  schedulerProvider: has('/firebase-functions/lib/v2/providers/scheduler'),
  firestoreSdk: has('/@google-cloud/firestore/'),
  tensorflow: has('@tensorflow'),
}));
`;

describe('functions/ as firebase deploy uploads and installs it', { timeout: 150_000 }, () => {
  let work = '';
  let deployed = '';
  let uploaded: string[] = [];

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'hearth-deploy-'));
    deployed = join(work, 'functions');
    const started = Date.now();
    await buildFunctions();
    const built = Date.now() - started;
    // firebase-tools' own file walk, with the ignore list its packageSource() uses.
    const config = (
      JSON.parse(readFileSync(join(root, 'firebase.json'), 'utf8')) as {
        functions: { source: string; ignore?: string[] }[];
      }
    ).functions[0];
    assert.ok(config, 'firebase.json has a functions codebase');
    assert.equal(join(root, config.source), functionsDir);
    const ignore = [
      ...(config.ignore ?? ['node_modules', '.git']),
      'firebase-debug.log',
      'firebase-debug.*.log',
    ];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fsAsync = require('firebase-tools/lib/fsAsync.js') as {
      readdirRecursive(o: { path: string; ignoreStrings: string[] }): Promise<{ name: string }[]>;
    };
    const files = await fsAsync.readdirRecursive({ path: functionsDir, ignoreStrings: ignore });
    uploaded = files.map((f) => relative(functionsDir, f.name)).sort();
    for (const file of uploaded) {
      mkdirSync(dirname(join(deployed, file)), { recursive: true });
      copyFileSync(join(functionsDir, file), join(deployed, file));
    }
    const installed = run(
      'npm install',
      'npm',
      ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'],
      { cwd: deployed, timeout: 120_000 },
    );
    console.log(`built in ${built} ms; uploaded ${uploaded.join(', ')}; npm install in ${installed.ms} ms`);
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("the upload is package.json, lib/ and the params' .env only, naming registry packages only", () => {
    // .env gives every param its default (README, Tunables); the deploy reads it from the upload.
    assert.deepEqual(uploaded, ['.env', 'lib/index.js', 'lib/index.js.map', 'package.json']);
    const pkg = JSON.parse(readFileSync(join(deployed, 'package.json'), 'utf8')) as {
      main: string;
      dependencies: Record<string, string>;
      scripts?: Record<string, string>;
    };
    assert.equal(pkg.main, 'lib/index.js');
    for (const name of Object.keys(pkg.dependencies)) assert.doesNotMatch(name, /^@hearth\//);
    // Cloud Build runs `npm run build` when there is one and no gcp-build: ours needs the repo.
    assert.equal(pkg.scripts?.['gcp-build'], '');
    const bundle = readFileSync(join(deployed, 'lib', 'index.js'), 'utf8');
    assert.doesNotMatch(bundle, /require\("@hearth\//, 'the workspaces are bundled, not required');
    for (const match of bundle.matchAll(/require\("([^"]+)"\)/g)) {
      const spec = match[1] ?? '';
      if (spec.startsWith('node:') || !/^[@a-z]/.test(spec)) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (['path', 'fs', 'os', 'crypto', 'util', 'events', 'stream', 'url', 'zlib'].includes(name ?? ''))
        continue;
      assert.ok(
        name && name in pkg.dependencies,
        `lib requires ${spec}, which package.json does not depend on`,
      );
    }
  });

  test('plain node loads lib/index.js there, with every trigger as deployed', () => {
    const { stdout, ms } = run('node lib/index.js', process.execPath, ['-e', DESCRIBE], {
      cwd: deployed,
      timeout: 30_000,
      env: { ...npmEnv(), GCLOUD_PROJECT: 'demo-hearth' },
    });
    const loaded = JSON.parse(stdout) as {
      triggers: Record<string, Trigger>;
      tfLoaded: boolean;
      fromRepo: string[];
    };
    console.log(`loaded ${Object.keys(loaded.triggers).length} triggers in ${ms} ms`);
    assert.deepEqual(loaded.fromRepo, [], 'nothing is loaded from outside the deployed folder');
    assert.deepEqual(loaded.triggers, expected);
    assert.equal(
      loaded.tfLoaded,
      false,
      'TF.js loads only when the retraining job runs, not on a cold start',
    );
  });

  test("a function's instance (FUNCTION_TARGET) defines only its trigger, as deployed, and loads only its provider", () => {
    const probe = (target: string) => {
      const { stdout } = run(`node lib/index.js as ${target}`, process.execPath, ['-e', INSTANCE], {
        cwd: deployed,
        timeout: 30_000,
        env: { ...npmEnv(), GCLOUD_PROJECT: 'demo-hearth', FUNCTION_TARGET: target },
      });
      return JSON.parse(stdout) as {
        defined: string[];
        endpoint: Record<string, unknown> | null;
        firestoreProvider: boolean;
        schedulerProvider: boolean;
        firestoreSdk: boolean;
        tensorflow: boolean;
      };
    };
    const full = JSON.parse(
      run('node lib/index.js', process.execPath, ['-e', DESCRIBE], {
        cwd: deployed,
        timeout: 30_000,
        env: { ...npmEnv(), GCLOUD_PROJECT: 'demo-hearth' },
      }).stdout,
    ) as { triggers: Record<string, Trigger> };
    for (const name of ['reserveStock', 'checkout', 'getRecommendations']) {
      const instance = probe(name);
      assert.deepEqual(instance.defined, [name]);
      assert.ok(instance.endpoint?.callableTrigger, `${name} is a callable there`);
      assert.deepEqual(
        [instance.firestoreProvider, instance.schedulerProvider, instance.firestoreSdk, instance.tensorflow],
        [false, false, false, false],
        `${name}'s module load leaves out the Firestore and scheduler providers, the Firestore SDK and TF.js`,
      );
    }
    const retrain = probe('retrainRecommender');
    assert.deepEqual(retrain.defined, ['retrainRecommender']);
    assert.equal(retrain.tensorflow, false, 'TF.js loads when the job runs');
    const bought = probe('recommendationBoughtOnEvent');
    assert.deepEqual(bought.defined, ['recommendationBoughtOnEvent']);
    assert.equal(bought.firestoreProvider, true);
    // A name that is none of ours (never expected) still defines everything, never nothing.
    assert.equal(probe('noSuchFunction').defined.length, Object.keys(full.triggers).length);
  });
});
