import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { start } from '../../src/index';

describe('HTTP keep-alive', () => {
  it('announces an idle timeout above fetch clients’ own 4 s, so clients close idle sockets first', async () => {
    const emulator = await start({ port: 0 });
    try {
      const response = await fetch(`http://${emulator.host}:${emulator.port}/`);
      await response.text();
      const timeout = Number(/timeout=(\d+)/.exec(response.headers.get('keep-alive') ?? '')?.[1]);
      assert.ok(timeout >= 60, `keep-alive: ${response.headers.get('keep-alive')}`);
    } finally {
      await emulator.stop();
    }
  });
});
