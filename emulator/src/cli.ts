#!/usr/bin/env -S npx tsx
/**
 * Runs the emulator from a shell: `npm run emulator -- --port 8080 --project demo --rules firestore.rules`.
 * Prints one line when it accepts connections; stops cleanly on SIGINT or SIGTERM.
 * `--import DIR` loads an export first; `--export-on-exit DIR` exports when stopped by a signal.
 * `--latency-ms N` adds N ms to every RPC round trip (see server/latency.ts).
 */
import { parseArgs } from 'node:util';
import { start } from './index';

function milliseconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`--${flag} must be a number of milliseconds (0 or more), got "${text}".`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      project: { type: 'string' },
      rules: { type: 'string' },
      'transaction-timeout-ms': { type: 'string' },
      import: { type: 'string' },
      'export-on-exit': { type: 'string' },
      'version-retention-ms': { type: 'string' },
      'max-retained-version-mb': { type: 'string' },
      'latency-ms': { type: 'string' },
    },
  });
  const positive = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag} must be a positive number, got "${text}".`);
    return n;
  };
  const latencyMs = milliseconds('latency-ms', values['latency-ms']);
  const retainedMb = positive('max-retained-version-mb', values['max-retained-version-mb']);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, got "${values.port}".`);
  const emulator = await start({
    host: values.host,
    port,
    projectId: values.project,
    rulesFile: values.rules,
    transactionTimeoutMs: values['transaction-timeout-ms']
      ? Number(values['transaction-timeout-ms'])
      : undefined,
    importFrom: values.import,
    exportOnExit: values['export-on-exit'],
    versionRetentionMs: positive('version-retention-ms', values['version-retention-ms']),
    maxRetainedVersionBytes: retainedMb === undefined ? undefined : retainedMb * 2 ** 20,
    latencyMs,
  });
  const imported = emulator.imported;
  if (imported) {
    console.log(
      `Imported ${imported.documents} documents (${imported.databases.length} databases) from ${imported.directory}, a snapshot of ${imported.snapshotTime}`,
    );
  }
  if (latencyMs) console.log(`Every RPC round trip takes ${latencyMs} ms longer (--latency-ms)`);
  console.log(
    `Firestore emulator ready on ${emulator.host}:${emulator.port} (set FIRESTORE_EMULATOR_HOST=${emulator.host}:${emulator.port})`,
  );
  const exportTo = values['export-on-exit'];
  const stop = () => {
    if (exportTo) console.log(`Exporting to ${exportTo}`);
    emulator.stop().then(
      () => {
        if (exportTo) console.log(`Exported to ${exportTo}`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
