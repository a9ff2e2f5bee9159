import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { start } from '../../src/index';
import { within } from '../../../test/support/within';

describe('entry points', () => {
  it('start() accepts connections in well under a second and stops cleanly', async () => {
    const t = performance.now();
    const emulator = await start({ port: 0 });
    const response = await fetch(`http://${emulator.host}:${emulator.port}/`);
    const elapsed = performance.now() - t;
    assert.equal(await response.text(), 'Ok');
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
    await emulator.stop();
    await assert.rejects(fetch(`http://${emulator.host}:${emulator.port}/`));
  });

  it('start() on a port already taken rejects and leaves nothing running', async () => {
    const first = await start({ port: 0 });
    await assert.rejects(start({ port: first.port }), /EADDRINUSE/);
    await first.stop();
  });

  it('the CLI logs one ready line with its address and exits 0 on SIGTERM', async () => {
    const cli = join(__dirname, '..', '..', 'src', 'cli.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--project', 'demo'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const address = await within(
      new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /ready on (\S+:\d+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      }),
      "the CLI's ready line",
    );
    assert.equal(await (await fetch(`http://${address}/`)).text(), 'Ok');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await within(exited, 'the CLI exiting after SIGTERM'), 0);
  });

  it('the CLI refuses a bad port with a message and a non-zero exit', async () => {
    const cli = join(__dirname, '..', '..', 'src', 'cli.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', 'eighty'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await within(
      new Promise<number | null>((resolve) => child.once('exit', resolve)),
      'the CLI exiting on a bad port',
    );
    assert.notEqual(code, 0);
    assert.match(err, /--port must be a port number/);
  });
});
