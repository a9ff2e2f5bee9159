/**
 * The dev stack's servers, as `npm start` runs them (the same commands and process helpers), but on
 * free ports so a test can run beside a developer's stack: the project's Firestore emulator, the
 * firebase-tools Auth emulator (with a throwaway firebase.json naming its ports), and functions
 * hosts (functions-host.ts) with whatever gate settings a test or benchmark wants (the burst test,
 * the browser tests, the flash-sale benchmark's HTTP leg).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectFirestoreArgs } from './firestore';
import { spawnChild, stopChild, type Child } from './processes';
import { portAccepts, waitFor } from './ready';
import { host, projectId, repoRoot } from './stack';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export class FreePortStack {
  readonly children: Child[] = [];
  readonly logDir = mkdtempSync(join(tmpdir(), 'hearth-stack-'));
  firestorePort = 0;
  authPort = 0;

  get env(): Record<string, string> {
    return {
      FIRESTORE_EMULATOR_HOST: `${host}:${this.firestorePort}`,
      FIREBASE_AUTH_EMULATOR_HOST: `${host}:${this.authPort}`,
      GCLOUD_PROJECT: projectId,
      METADATA_SERVER_DETECTION: 'none',
    };
  }

  private spawn(name: string, command: string, args: string[], env: Record<string, string> = {}): Child {
    const child = spawnChild(name, command, args, { cwd: repoRoot, env, logDir: this.logDir, echo: false });
    this.children.push(child);
    return child;
  }

  async startFirestore(): Promise<void> {
    this.firestorePort = await freePort();
    const args = projectFirestoreArgs({ host, port: this.firestorePort, projectId });
    const child = this.spawn('firestore', process.execPath, args);
    await waitFor('the Firestore emulator', child, async () => child.printed(/emulator ready/), 30_000);
  }

  async startAuth(): Promise<void> {
    this.authPort = await freePort();
    const config = join(this.logDir, 'firebase.json');
    const [hub, logging] = [await freePort(), await freePort()];
    writeFileSync(
      config,
      JSON.stringify({
        emulators: {
          auth: { host, port: this.authPort },
          hub: { host, port: hub },
          logging: { host, port: logging },
          ui: { enabled: false },
          singleProjectMode: true,
        },
      }),
    );
    const firebase = join(repoRoot, 'node_modules', '.bin', 'firebase');
    const args = ['emulators:start', '--only', 'auth', '--project', projectId, '--config', config];
    const child = this.spawn('auth', firebase, args);
    await waitFor('the Auth emulator', child, async () => child.printed(/All emulators ready/), 120_000);
  }

  /** A functions host on a free port; `extra` are its flags (--runtimes, --max-in-flight, ...). */
  async startFunctionsHost(extra: string[] = []): Promise<{ port: number; child: Child }> {
    const port = await freePort();
    const script = join(repoRoot, 'scripts', 'src', 'dev', 'functions-host.ts');
    const args = ['--import', 'tsx', script, '--host', host, '--port', String(port), ...extra];
    const child = this.spawn(`functions-${port}`, process.execPath, args, this.env);
    const accepts = portAccepts(host, port);
    await waitFor(
      'the functions host',
      child,
      async () => child.printed(/functions host: ready/) && accepts(),
      60_000,
    );
    return { port, child };
  }

  /** The stack's trigger relay (triggers.ts) on this Firestore; resolves once `trigger` listens. */
  async startTriggers(trigger: string): Promise<Child> {
    const script = join(repoRoot, 'scripts', 'src', 'dev', 'triggers.ts');
    const child = this.spawn('triggers', process.execPath, ['--import', 'tsx', script], this.env);
    const listening = new RegExp(`^${trigger}: `, 'm');
    await waitFor('the trigger relay', child, async () => child.printed(listening), 60_000);
    return child;
  }

  async stop(): Promise<void> {
    for (const child of [...this.children].reverse()) await stopChild(child);
    rmSync(this.logDir, { recursive: true, force: true });
  }
}
