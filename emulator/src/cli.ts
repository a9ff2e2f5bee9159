#!/usr/bin/env -S npx tsx
/**
 * Runs the emulator from a shell: `npm run emulator -- --port 8080 --project demo --rules firestore.rules`.
 * Prints one line when it accepts connections; stops cleanly on SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { start } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      project: { type: 'string' },
      rules: { type: 'string' },
      'transaction-timeout-ms': { type: 'string' },
    },
  });
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
  });
  console.log(
    `Firestore emulator ready on ${emulator.host}:${emulator.port} (set FIRESTORE_EMULATOR_HOST=${emulator.host}:${emulator.port})`,
  );
  const stop = () => {
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
