/**
 * The packages as an app developer gets them. Builds @hearth/contracts, @hearth/client and
 * @hearth/firestore-emulator (`npm run build`), packs each (`npm pack`), installs the three
 * tarballs and `firebase` into an empty project outside the repo, and there, with plain node (no
 * tsx, no workspace links): starts the emulator from its installed bin, watches a SKU through
 * @hearth/client and firebase while the SKU changes through the emulator's REST API, parses
 * requests with @hearth/contracts and reads its JSON Schema, and typechecks a TypeScript app
 * against the packages' declarations.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { npmEnv, run } from './npm-run';

const root = join(__dirname, '..', '..');
const packages = ['contracts', 'client', 'emulator'];
const firebaseVersion = (
  JSON.parse(readFileSync(join(root, 'node_modules', 'firebase', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** Runs in the installed project with plain node; every wait has a deadline. */
const SCENARIO = String.raw`
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { initializeApp } from 'firebase/app';
import { terminate } from 'firebase/firestore';
import { callables, ReserveStockRequest, stockStatus } from '@hearth/contracts';
import { hearthClient, watchAvailability } from '@hearth/client';
import { start } from '@hearth/firestore-emulator';

const [host, port] = process.env.FIRESTORE_EMULATOR_HOST.split(':');
const projectId = 'demo-pack';
const within = (ms, what, promise) =>
  Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error('no ' + what + ' within ' + ms + ' ms')), ms).unref()),
  ]);

// Firestore's REST encoding of plain values, to write as the owner (rules bypassed), as an admin would.
const value = (v) =>
  v === null ? { nullValue: null }
  : typeof v === 'boolean' ? { booleanValue: v }
  : typeof v === 'number' ? { integerValue: String(v) }
  : typeof v === 'string' ? { stringValue: v }
  : { mapValue: { fields: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x)])) } };
async function putInventory(sku, onHand) {
  const stock = { onHand, reserved: 0, available: onHand, incoming: 0, safetyStock: 0, inTransit: 0, damaged: 0 };
  const doc = {
    sku, productId: 'p' + sku, madeToOrder: false, backorderable: false,
    locations: { 'wh-1': stock }, shards: {}, onHand, reserved: 0, available: onHand,
    incoming: 0, inTransit: 0, status: 'in_stock', version: 1, aggregatedAt: null,
  };
  const res = await fetch(
    'http://' + host + ':' + port + '/v1/projects/' + projectId + '/databases/(default)/documents/inventory/' + sku,
    {
      method: 'PATCH',
      headers: { authorization: 'Bearer owner', 'content-type': 'application/json' },
      body: JSON.stringify({ fields: value(doc).mapValue.fields }),
    },
  );
  assert.equal(res.status, 200, await res.text());
}

// @hearth/contracts: requests checked as the functions check them, JSON Schema beside them.
const bad = ReserveStockRequest.safeParse({ idempotencyKey: 'short', lines: [] });
assert.equal(bad.success, false);
assert.deepEqual(bad.error.issues.map((i) => i.path.join('.')), ['idempotencyKey', 'lines']);
const good = ReserveStockRequest.parse({ idempotencyKey: 'key-12345678', lines: [{ sku: 'PACK-1', qty: 1 }] });
assert.equal(good.allowSplit, false);
assert.equal(callables.reserveStock.request, ReserveStockRequest);
assert.equal(stockStatus({ available: 2, safetyStock: 0, incoming: 0, inTransit: 0, madeToOrder: false, backorderable: false }), 'low');
const require = createRequire(import.meta.url);
assert.equal(require('@hearth/contracts/schema/ReserveStockRequest.json').title, 'ReserveStockRequest');
assert.equal(require('@hearth/contracts/schema-index.json').callables.reserveStock.response, 'ReservationView.json');

// @hearth/client + firebase against the emulator the bin started.
const app = initializeApp({ projectId, apiKey: 'demo-key' });
const client = hearthClient(app, { emulators: { host, firestorePort: Number(port) } });
await putInventory('PACK-1', 5);
const seen = [];
let notify = () => {};
const next = (test, what) =>
  within(10000, what, new Promise((resolve) => {
    const check = () => { const hit = seen.find(test); if (hit) resolve(hit); else notify = check; };
    check();
  }));
const stop = watchAvailability(client, 'PACK-1', (a) => { seen.push(a); notify(); }, {
  onError: (e) => { seen.push({ error: e }); notify(); },
});
const first = await next((a) => a.available === 5 && !a.fromCache, 'first availability');
assert.equal(first.status, 'in_stock');
await putInventory('PACK-1', 2);
const changed = await next((a) => a.available === 2, 'availability after the change');
assert.equal(changed.status, 'low');
stop();
const missing = await within(10000, 'not-found for an unknown SKU', new Promise((resolve) => {
  const stopMissing = watchAvailability(client, 'NO-SUCH-SKU', () => {}, {
    onError: (e) => { stopMissing(); resolve(e); },
  });
}));
assert.equal(missing.code, 'not-found');
await terminate(client.db);

// @hearth/firestore-emulator in process, as tests use it.
const inProcess = await start({ port: 0 });
assert.ok(inProcess.port > 0);
await inProcess.stop();

console.log(JSON.stringify({ ok: true, available: seen.filter((a) => 'available' in a).map((a) => a.available), missing: missing.code }));
process.exit(0);
`;

/** An app's TypeScript: compiles only if the declarations resolve and carry the real types. */
const APP_TS = `
import { callables, type CallableResponse, type InventoryDoc, ReserveStockRequest } from '@hearth/contracts';
import { watchAvailability, type Availability, type HearthError } from '@hearth/client';
import { start, type RunningEmulator } from '@hearth/firestore-emulator';
import { initializeApp } from 'firebase/app';
import { getFirestore } from 'firebase/firestore';

const request = ReserveStockRequest.parse({ idempotencyKey: 'key-12345678', lines: [{ sku: 'S', qty: 1 }] });
const split: boolean = request.allowSplit;
const answer = (r: CallableResponse<'reserveStock'>): string => r.reservationId;
const status = (d: InventoryDoc): string => d.status;
const error: HearthError = { code: 'out-of-stock', message: 'none left', sku: 'S', requested: 2, available: 0 };
const emulator: Promise<RunningEmulator> = start({ port: 0 });
const stop: () => void = watchAvailability({ db: getFirestore(initializeApp({})) }, 'S', (a: Availability) => a.available);
// @ts-expect-error: an out-of-stock error says how many are left
const incomplete: HearthError = { code: 'out-of-stock', message: 'none left', sku: 'S' };
// @ts-expect-error: only contracted callables exist
const unknown = callables.noSuchCallable;
export { split, answer, status, error, emulator, stop, incomplete, unknown };
`;

describe('the packages installed from their tarballs', () => {
  let dir = '';
  let app = '';
  let emulator: ChildProcess | undefined;
  let emulatorHost = '';

  before(() => {
    // The build is part of the test, so a fresh clone passes without a build step of its own.
    const built = run('npm run build', 'npm', ['run', 'build'], { cwd: root, timeout: 180_000 });
    console.log(`# built in ${built.ms} ms`);
    dir = mkdtempSync(join(tmpdir(), 'hearth-pack-'));
    const tarballs = packages.map((p) => {
      const packed = run(`npm pack ${p}`, 'npm', ['pack', '--json', '--pack-destination', dir], {
        cwd: join(root, p),
        timeout: 60_000,
      });
      const [info] = JSON.parse(packed.stdout) as { filename: string }[];
      return join(dir, info!.filename);
    });
    app = join(dir, 'app');
    run('mkdir', 'mkdir', [app], { cwd: dir });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const installed = run(
      'npm install of the tarballs',
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs, `firebase@${firebaseVersion}`],
      { cwd: app, timeout: 180_000 },
    );
    console.log(`# installed in ${installed.ms} ms`);
  });

  after(() => {
    emulator?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the bin starts the emulator under plain node and says where it listens', async () => {
    const bin = join(app, 'node_modules', '.bin', 'hearth-firestore-emulator');
    const rules = join(root, 'firestore.rules');
    const started = performance.now();
    // The bin itself (its #! names node), not tsx; the app's node_modules only.
    emulator = spawn(bin, ['--port', '0', '--project', 'demo-pack', '--rules', rules], {
      cwd: app,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    emulatorHost = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready within 10 s:\n${output}`)), 10_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /ready on (\S+:\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      emulator!.stdout!.on('data', onData);
      emulator!.stderr!.on('data', onData);
      emulator!.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the emulator exited (${code}):\n${output}`));
      });
    });
    console.log(`# ready in ${Math.round(performance.now() - started)} ms on ${emulatorHost}`);
  });

  test('an app uses @hearth/client, firebase and @hearth/contracts against it', () => {
    assert.ok(emulatorHost, 'the emulator did not start');
    writeFileSync(join(app, 'scenario.mjs'), SCENARIO);
    const result = run('the scenario', process.execPath, ['scenario.mjs'], {
      cwd: app,
      timeout: 60_000,
      env: { ...npmEnv(), FIRESTORE_EMULATOR_HOST: emulatorHost },
    });
    assert.deepEqual(JSON.parse(result.stdout.trim().split('\n').pop()!), {
      ok: true,
      available: [5, 2],
      missing: 'not-found',
    });
  });

  test("an app's TypeScript compiles against the packages' declarations", () => {
    writeFileSync(join(app, 'app.ts'), APP_TS);
    run(
      'tsc over the app',
      process.execPath,
      [
        join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--lib',
        'es2023,dom',
        // As apps do (firebase's declarations name the esnext Temporal API); the @ts-expect-error
        // lines in the app still fail the compile if a declaration of ours resolved to nothing.
        '--skipLibCheck',
        '--typeRoots',
        join(root, 'node_modules', '@types'),
        '--types',
        'node',
        'app.ts',
      ],
      { cwd: app, timeout: 60_000 },
    );
  });
});
