/** What the benchmarks share: the emulator in a child process, its stats, and latency summaries. */
import { cpus, loadavg } from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(__dirname, '..', '..', '..');

export const round = (n: number, digits = 1) => Number(n.toFixed(digits));

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50Ms: round(percentile(sorted, 50), 2),
    p99Ms: round(percentile(sorted, 99), 2),
    samples: sorted.length,
  };
}

/**
 * Spawns an emulator command and resolves once it prints its ready line, with its address and the
 * milliseconds from spawn to that line; fails if it exits first or is not ready within 30 s.
 */
export async function spawnUntilReady(
  command: string,
  args: string[],
): Promise<{ child: ChildProcess; host: string; readyMs: number }> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const host = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`${command} ${args.join(' ')}: not ready in 30 s`)),
      30_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ready on (\S+:\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code}`));
    });
  });
  return { child, host, readyMs: performance.now() - started };
}

/** The emulator as developers run it (its CLI, in its own process), on a free port. */
export async function startEmulator(
  extraArgs: string[] = [],
): Promise<{ child: ChildProcess; host: string }> {
  const { child, host } = await spawnUntilReady(process.execPath, [
    '--import',
    'tsx',
    join(root, 'emulator/src/cli.ts'),
    '--port',
    '0',
    ...extraArgs,
  ]);
  return { child, host };
}

export async function emulatorStats(host: string): Promise<Record<string, number>> {
  return (await fetch(`http://${host}/emulator/v1/stats`)).json() as Promise<Record<string, number>>;
}

/** Writes a benchmark's result to bench/results/<name>.json and prints it. */
export function writeResult(name: string, result: unknown): void {
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(join(root, 'bench', 'results', `${name}.json`), text);
  console.log(text);
}

/** Runs a benchmark's main and exits with its outcome (SDK handles would keep the process alive). */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** The machine a result was measured on: cores, Node, and the load average before and after. */
export const machineOf = (loadAverageBefore: number[]) => ({
  cpus: cpus().length,
  node: process.version,
  loadAverageBefore,
  loadAverageAfter: loadavg(),
});
