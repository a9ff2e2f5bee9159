/**
 * The CLI as a developer runs it: `--export-on-exit DIR` saves on SIGINT (Ctrl-C) and on SIGTERM,
 * every write acknowledged before the signal included, and `--import DIR` brings it back.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { adminFor, closeClients, exportedDocuments, freshProject, tempDir } from './support';
import { within } from '../../../test/support/within';

const cli = join(__dirname, '..', '..', 'src', 'cli.ts');

interface Cli {
  child: ChildProcess;
  address: { host: string; port: number };
  output(): string;
  exited: Promise<number | null>;
}

async function runCli(...args: string[]): Promise<Cli> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const address = await new Promise<{ host: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 20 s: ${out}`)), 20_000);
    const check = () => {
      const match = /ready on (\S+):(\d+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      resolve({ host: match[1]!, port: Number(match[2]) });
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${out}`));
    });
  });
  return { child, address, output: () => out, exited };
}

describe('the CLI keeps data across runs', { timeout: 90_000 }, () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`exports on ${signal} with --export-on-exit, and --import loads it`, async () => {
      const dir = join(tempDir(), 'kept');
      const project = freshProject();
      const first = await runCli('--project', project, '--export-on-exit', dir);
      const db = adminFor(first.address, project);
      await db.doc('rooms/kitchen').set({ chairs: 4 });
      // Writes acknowledged right up to the signal are kept.
      await Promise.all(Array.from({ length: 50 }, (_, i) => db.doc(`rooms/r${i}`).set({ i })));
      await closeClients();
      first.child.kill(signal);
      assert.equal(await within(first.exited, 'the first CLI exiting'), 0, first.output());
      assert.match(first.output(), new RegExp(`Exporting to ${dir}\\nExported to ${dir}`));
      assert.equal(exportedDocuments(dir, `${project}/(default).jsonl`).length, 51);

      const second = await runCli('--import', dir, '--export-on-exit', dir);
      assert.match(
        second.output(),
        new RegExp(`Imported 51 documents \\(1 databases\\) from ${dir}, a snapshot of \\S+Z`),
      );
      const again = adminFor(second.address, project);
      assert.deepEqual((await again.doc('rooms/kitchen').get()).data(), { chairs: 4n });
      await again.doc('rooms/kitchen').update({ chairs: 6 });
      await closeClients();
      second.child.kill(signal);
      assert.equal(await within(second.exited, 'the second CLI exiting'), 0, second.output());
      const kitchen = exportedDocuments(dir, `${project}/(default).jsonl`).find((d) =>
        d.name.endsWith('/kitchen'),
      );
      assert.deepEqual(kitchen?.fields, { chairs: { integerValue: '6' } });
    });
  }
});
