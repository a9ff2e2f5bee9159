/**
 * The channel's delivery guarantees: a forward POST retried with maps already taken applies them
 * once, map ids may not skip; the back channel resends arrays the client has not acknowledged and
 * forgets acknowledged ones; long-polling answers in one chunk and ends; streaming shows a byte at
 * once and sends keepalive noops on silence.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  addDocumentsTarget,
  eventually,
  forwardBody,
  RawChannel,
  startEmulator,
  type BackChannel,
  type ChannelArray,
  type TestEmulator,
} from './raw-channel';

const KEEPALIVE_MS = 300;

let fs: TestEmulator;
const channels: RawChannel[] = [];
before(async () => {
  fs = await startEmulator({ webChannel: { keepaliveMs: KEEPALIVE_MS } });
});
after(async () => {
  for (const channel of channels) {
    channel.abortAll();
    await channel.terminate();
  }
  await fs.stop();
});

async function openWrite(): Promise<{ channel: RawChannel; back: BackChannel; token: string }> {
  const channel = await RawChannel.open(fs.host, 'Write', {
    database: fs.database,
    messages: [{ database: fs.database }],
  });
  channels.push(channel);
  const back = await channel.openBack();
  const hello = await back.nextMessage();
  return { channel, back, token: hello.streamToken };
}

const increment = (token: string, path: string) => ({
  streamToken: token,
  writes: [
    {
      update: { name: fs.doc(path), fields: {} },
      updateMask: { fieldPaths: [] },
      updateTransforms: [{ fieldPath: 'n', increment: { integerValue: '1' } }],
    },
  ],
});

const isNoop = ([, payload]: ChannelArray) => Array.isArray(payload) && payload[0] === 'noop';

describe('forward channel retries', () => {
  it('a forward POST re-sent with the same maps (same RID and ofs) commits its write once', async () => {
    const { channel, back, token } = await openWrite();
    const body = forwardBody([increment(token, 'counters/retry')], 1);
    const first = await channel.send([], { body, rid: channel.rid + 1 });
    assert.equal(first.status, 200);
    const result = await back.nextMessage();
    assert.equal(result.writeResults?.length, 1, JSON.stringify(result));
    // The answer was lost, say: the SDK resends the same maps with the same RID and t=2.
    const retry = await channel.send([], { body, rid: channel.rid + 1, t: 2 });
    assert.equal(retry.status, 200);
    // A retry that carries the unacknowledged map plus a new one applies only the new one.
    const both = forwardBody([increment(token, 'counters/retry'), increment(token, 'counters/retry')], 1);
    assert.equal((await channel.send([], { body: both, rid: channel.rid + 2 })).status, 200);
    const second = await back.nextMessage();
    assert.equal(second.writeResults?.length, 1, JSON.stringify(second));
    assert.equal((await fs.admin.doc('counters/retry').get()).get('n'), 2);
    // Exactly two commits were answered on the stream (handshake reply + two results).
    await channel.send([{ streamToken: token, writes: [] }], { ofs: 3 });
    await back.nextMessage();
    const results = back.arrays.filter(([, p]) => JSON.stringify(p).includes('writeResults'));
    assert.equal(results.length, 2);
  });

  it('a gap in map ids (ofs beyond the next expected) is refused with a clear 400, and nothing is applied', async () => {
    const { channel, token } = await openWrite();
    const gap = await channel.send([increment(token, 'counters/gap')], { ofs: 3 });
    assert.equal(gap.status, 400);
    assert.match(gap.text, /Map 3 arrived before map 1/);
    assert.equal((await fs.admin.doc('counters/gap').get()).exists, false);
  });
});

describe('back channel', () => {
  async function listenWithArrays() {
    await fs.admin.doc('rooms/den').set({ n: 1 });
    const channel = await RawChannel.open(fs.host, 'Listen', {
      database: fs.database,
      messages: [addDocumentsTarget(fs.database, 1, [fs.doc('rooms/den')])],
    });
    channels.push(channel);
    const back = await channel.openBack();
    // ADD, document, CURRENT, global snapshot.
    await back.waitUntil(() => (back.arrays.length >= 4 ? true : undefined), 3000, 'four arrays');
    back.abort();
    await back.end();
    return { channel, first: back.arrays.slice(0, 4) };
  }

  it('reopened with an older AID, it resends every array after that AID, same ids and payloads', async () => {
    const { channel, first } = await listenWithArrays();
    const again = await channel.openBack({ aid: 2 });
    const resent = [await again.next(), await again.next()];
    assert.deepEqual(resent, first.slice(2, 4));
    again.abort();
  });

  it('arrays at or below an AID sent on a forward POST are forgotten', async () => {
    const { channel, first } = await listenWithArrays();
    const lastId = first[3]![0];
    const ack = await channel.send([], { aid: lastId });
    assert.deepEqual(ack.ack, [0, lastId, 0]);
    const again = await channel.openBack({ aid: 0 });
    const next = await again.next();
    assert.ok(next[0] > lastId, `array ${next[0]} was resent after AID ${lastId}`);
    assert.ok(isNoop(next));
    again.abort();
  });

  it('long-poll (CI=1) answers everything pending in one chunk and ends', async () => {
    const { channel, first } = await listenWithArrays();
    const poll = channel.openBack({ ci: 1, aid: 0 });
    await poll.end();
    assert.equal(poll.chunks.length, 1);
    assert.deepEqual(poll.arrays, first);
  });

  it('long-poll with nothing pending holds, then ends with one noop after the keepalive', async () => {
    const { channel, first } = await listenWithArrays();
    const started = Date.now();
    const poll = channel.openBack({ ci: 1, aid: first[3]![0] });
    await poll.end(KEEPALIVE_MS * 5);
    const held = Date.now() - started;
    assert.ok(held >= KEEPALIVE_MS * 0.8, `answered after ${held} ms`);
    assert.equal(poll.chunks.length, 1);
    assert.equal(poll.arrays.length, 1);
    assert.ok(isNoop(poll.arrays[0]!), JSON.stringify(poll.arrays));
    assert.equal(poll.arrays[0]![0], first[3]![0] + 1);
  });

  it('long-poll with nothing pending is answered as soon as data arrives, then ends', async () => {
    const { channel, first } = await listenWithArrays();
    const poll = channel.openBack({ ci: 1, aid: first[3]![0] });
    // A long-poll shows nothing (not even headers) until it answers; the forward channel's ack says
    // when the server holds it.
    await eventually(
      async () => ((await channel.send([])).ack?.[0] === 1 ? true : undefined),
      2000,
      'the long-poll to be held',
    );
    await fs.admin.doc('rooms/den').set({ n: 2 });
    await poll.end();
    assert.equal(poll.chunks.length, 1);
    const payloads = poll.arrays.map(([, [m]]: any) => Object.keys(m)[0]);
    assert.deepEqual(payloads, ['documentChange', 'targetChange']);
  });

  describe('with a keepalive longer than any wait here', () => {
    let slow: TestEmulator;
    before(async () => {
      slow = await startEmulator({ webChannel: { keepaliveMs: 60_000 } });
    });
    after(() => slow.stop());

    it('long-poll with TO is answered (noop) within half of TO, not after the keepalive', async () => {
      const channel = await RawChannel.open(slow.host, 'Listen', { database: slow.database });
      const poll = channel.openBack({ ci: 1, to: 400 });
      await poll.end(5000);
      assert.ok(isNoop(poll.arrays[0]!), JSON.stringify(poll.arrays));
      await channel.terminate();
    });

    it('streaming (CI=0) writes a noop at once when nothing is pending', async () => {
      const channel = await RawChannel.open(slow.host, 'Listen', { database: slow.database });
      const back = await channel.openBack();
      // Long before any keepalive could be due: this is the noop written as the GET arrived.
      const first = await back.next(5000);
      assert.deepEqual(first, [1, ['noop']]);
      back.abort();
      await channel.terminate();
    });
  });

  it('streaming (CI=0) sends keepalive noops on silence, and stays open', async () => {
    const channel = await RawChannel.open(fs.host, 'Listen', { database: fs.database });
    channels.push(channel);
    const back = await channel.openBack();
    assert.ok(isNoop(await back.next()));
    const times: number[] = [];
    for (let i = 0; i < 2; i++) {
      assert.ok(isNoop(await back.next(KEEPALIVE_MS * 4)));
      times.push(Date.now());
    }
    assert.ok(times[1]! - times[0]! >= KEEPALIVE_MS * 0.5, `noops ${times[1]! - times[0]!} ms apart`);
    assert.equal(back.ended, false);
    assert.deepEqual(
      back.arrays.map(([id]) => id),
      [1, 2, 3],
    );
    back.abort();
  });
});
