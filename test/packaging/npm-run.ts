/** Running npm and node in a temporary project the way a developer would, for the packaging tests. */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

/**
 * The environment without the npm_* variables of the `npm test` that runs the tests
 * (npm_config_local_prefix and the like would point an install back at the repo), keeping the
 * cache and registry settings.
 */
export function npmEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.toLowerCase().startsWith('npm_') || keep.has(k.toLowerCase()),
    ),
  );
}

/** Runs a command to completion; a failure fails the test with everything it printed. */
export function run(what: string, command: string, args: string[], opts: SpawnSyncOptions & { cwd: string }) {
  const started = Date.now();
  const result = spawnSync(command, args, { encoding: 'utf8', env: npmEnv(), ...opts });
  const output = `${String(result.stdout ?? '')}${String(result.stderr ?? '')}`;
  assert.equal(
    result.status,
    0,
    `${what} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}):\n${output}`,
  );
  return { stdout: String(result.stdout), ms: Date.now() - started };
}
