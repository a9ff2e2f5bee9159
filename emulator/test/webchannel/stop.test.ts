/**
 * The emulator's stop() closes every WebChannel session: open back channels (streaming and a held
 * long-poll) end, and nothing of the emulator is left keeping the process alive. Alone in its file,
 * so that the process holds nothing else to compare with.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { start } from '../../src/index';
import { addDocumentsTarget, eventually, RawChannel } from './raw-channel';

it('stop() closes every session: open back channels end and nothing is left running', async () => {
  // What the emulator could leave keeping the process alive: a listening socket, a timer. (Client
  // sockets of this test may still be closing, and module loading may read files meanwhile.)
  const resources = () =>
    process
      .getActiveResourcesInfo()
      .filter((r) => ['TCPServerWrap', 'Timeout', 'Immediate'].includes(r))
      .sort();
  const baseline = resources();
  const emulator = await start({ port: 0, webChannel: { keepaliveMs: 50 } });
  const host = `${emulator.host}:${emulator.port}`;
  const database = 'projects/stop-test/databases/(default)';
  const listen = await RawChannel.open(host, 'Listen', {
    database,
    messages: [addDocumentsTarget(database, 1, [`${database}/documents/a/b`])],
  });
  const streaming = await listen.openBack();
  const write = await RawChannel.open(host, 'Write', { database, messages: [{ database }] });
  const poll = write.openBack({ ci: 1, aid: 1 });
  await streaming.next();
  await eventually(
    async () => ((await write.send([])).ack?.[0] === 1 ? true : undefined),
    2000,
    'the long-poll to be held',
  );
  const idle = await RawChannel.open(host, 'Listen', { database });
  assert.ok(idle.sid);
  await emulator.stop();
  await Promise.all([streaming.end(), poll.end()]);
  assert.equal(streaming.error, null, 'the streaming back channel ended cleanly');
  assert.deepEqual(resources(), baseline);
});
