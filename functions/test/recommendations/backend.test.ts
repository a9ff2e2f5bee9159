/** Backend choice: tfjs-node is optional (not installed here), so WASM starts and the log says so. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend, tf } from '../../src/recommendations/backend';

test('without @tensorflow/tfjs-node the wasm backend starts, and the log names it', async () => {
  const lines: string[] = [];
  let native = true;
  try {
    require.resolve('@tensorflow/tfjs-node');
  } catch {
    native = false;
  }
  const backend = await initBackend({ log: (line) => lines.push(line) });
  assert.equal(backend, native ? 'tensorflow' : 'wasm');
  assert.equal(tf.getBackend(), backend);
  assert.ok(
    lines.some((l) => l.includes(`backend ${backend}`)),
    lines.join('\n'),
  );
  assert.equal(await initBackend(), backend, 'chosen once per process');
});
