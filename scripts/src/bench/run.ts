/**
 * `npm run bench`: runs every benchmark in this folder one after another (they share two cores, so
 * never in parallel) and leaves each one's JSON in bench/results/. `npm run bench -- flash` runs
 * only the benchmarks whose file name contains "flash".
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const here = __dirname;
const filters = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .filter((f) => filters.length === 0 || filters.some((needle) => f.includes(needle)))
  .sort();
let failed = 0;
for (const bench of benches) {
  console.log(`\n=== bench ${bench}`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(here, bench)], {
    stdio: 'inherit',
  });
  console.log(`=== ${bench}: exit ${result.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
