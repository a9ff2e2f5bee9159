/**
 * Child processes of the dev stack. Each runs in its own process group so that stopping it also
 * stops what it started (the Functions emulator runs the functions in grandchildren), and so that a
 * terminal Ctrl-C reaches only us: we decide the order in which things stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Child {
  name: string;
  proc: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (or signal name) whenever the process ends. */
  exited: Promise<number | string>;
  /** The last lines it printed, to show when it fails. */
  tail(): string;
  /** Whether it has printed a line matching `pattern` (since it started). */
  printed(pattern: RegExp): boolean;
}

export interface SpawnOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  logDir: string;
  /** Echo the child's output to our stdout, each line prefixed with its name. */
  echo: boolean;
}

export function spawnChild(name: string, command: string, args: string[], opts: SpawnOptions): Child {
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = join(opts.logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  const proc = spawn(command, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  const seen: string[] = [];
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() === '') continue;
      recent.push(line);
      if (seen.length < 2000) seen.push(line);
      if (recent.length > 30) recent.shift();
      if (opts.echo) process.stdout.write(`  [${name}] ${line}\n`);
    }
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const exited = new Promise<number | string>((resolve) => {
    proc.on('error', (err) => {
      recent.push(String(err));
      resolve(`spawn error: ${err.message}`);
    });
    proc.on('exit', (code, signal) => {
      log.end();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  live.add(proc);
  void exited.then(() => live.delete(proc));
  return {
    name,
    proc,
    logFile,
    exited,
    tail: () => recent.join('\n'),
    printed: (pattern) => seen.some((line) => pattern.test(line)),
  };
}

const live = new Set<ChildProcess>();

function signalGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (proc.pid === undefined) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** A second Ctrl-C: no more waiting. */
export const killNow = (child: Child) => signalGroup(child.proc, 'SIGKILL');

/**
 * Asks a child to stop (SIGINT, which firebase-tools handles by shutting its emulators down),
 * then kills its whole group if it has not gone within the grace period.
 */
export async function stopChild(child: Child, graceMs = 8000): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
    signalGroup(child.proc, 'SIGKILL'); // grandchildren may outlive their parent
    return;
  }
  signalGroup(child.proc, 'SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  await Promise.race([child.exited, timedOut]);
  clearTimeout(timer);
  signalGroup(child.proc, 'SIGKILL');
}

// Last resort if we exit without stopping (an uncaught error): no child outlives us.
process.on('exit', () => {
  for (const proc of live) signalGroup(proc, 'SIGKILL');
});
