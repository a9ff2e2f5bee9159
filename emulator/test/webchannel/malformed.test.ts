/**
 * Malformed channel requests get a clear 4xx (with CORS, so a page can read it) or, for a bad
 * Firestore message, an in-channel INVALID_ARGUMENT error, and never disturb other sessions: a
 * witness session's listener keeps receiving changes throughout.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  addDocumentsTarget,
  channelUrl,
  forwardBody,
  handshake,
  ORIGIN,
  RawChannel,
  request,
  startEmulator,
  type BackChannel,
  type RawResponse,
  type TestEmulator,
} from './raw-channel';

const MAX_FORWARD_BYTES = 4096;

let fs: TestEmulator;
let witness: { channel: RawChannel; back: BackChannel };
let witnessSeen = 0;
const channels: RawChannel[] = [];

before(async () => {
  fs = await startEmulator({ webChannel: { maxForwardBytes: MAX_FORWARD_BYTES } });
  await fs.admin.doc('witness/w').set({ n: 0 });
  const channel = await RawChannel.open(fs.host, 'Listen', {
    database: fs.database,
    messages: [addDocumentsTarget(fs.database, 9, [fs.doc('witness/w')])],
  });
  const back = await channel.openBack();
  await back.messageWhere((m) => m.targetChange?.targetChangeType === 'CURRENT', 3000, 'CURRENT');
  witness = { channel, back };
});

// After every test: the witness session still exists and its listener still gets the next change.
afterEach(async () => {
  const n = ++witnessSeen;
  await fs.admin.doc('witness/w').set({ n });
  await witness.back.messageWhere(
    (m) => m.documentChange?.document.fields.n.integerValue === String(n),
    3000,
    `the witness's change ${n}`,
  );
});

after(async () => {
  for (const channel of [...channels, witness.channel]) {
    channel.abortAll();
    await channel.terminate();
  }
  await fs.stop();
});

function assertRefused(response: RawResponse, code: number, text: RegExp): void {
  assert.equal(response.status, code, response.text);
  assert.match(String(response.headers['content-type']), /^text\/plain/);
  assert.match(response.text, text);
  assert.equal(response.headers['access-control-allow-origin'], ORIGIN);
  assert.equal(response.headers['access-control-allow-credentials'], 'true');
}

async function openListen(): Promise<RawChannel> {
  const channel = await RawChannel.open(fs.host, 'Listen', { database: fs.database });
  channels.push(channel);
  return channel;
}

/** The session still works: a target added now is answered. */
async function assertUsable(channel: RawChannel, targetId: number): Promise<void> {
  const sent = await channel.send([addDocumentsTarget(fs.database, targetId, [fs.doc('witness/w')])]);
  assert.equal(sent.status, 200, sent.text);
  const back = await channel.openBack();
  await back.messageWhere(
    (m) => m.targetChange?.targetChangeType === 'CURRENT' && m.targetChange.targetIds[0] === targetId,
    3000,
    `CURRENT for target ${targetId}`,
  );
  back.abort();
}

describe('requests that are not channel requests', () => {
  it('a handshake without VER, or with another VER, is refused', async () => {
    const url = (ver: string | null) =>
      channelUrl(fs.host, 'Listen', { VER: ver, database: fs.database, RID: 1, CVER: 22 });
    const before = (await fs.stats()).webChannelSessions;
    assertRefused(
      await request(url(null), { method: 'POST', body: forwardBody([], 0) }),
      400,
      /VER=8.*got VER=null/,
    );
    assertRefused(await request(url('7'), { method: 'POST', body: forwardBody([], 0) }), 400, /got VER=7/);
    assert.equal((await fs.stats()).webChannelSessions, before);
  });

  it('a GET without SID is refused', async () => {
    const url = channelUrl(fs.host, 'Listen', { VER: 8, RID: 'rpc', TYPE: 'xmlhttp', CI: 0 });
    assertRefused(await request(url), 400, /needs a SID/);
  });

  it('another method is refused with 405 (and without SID with 400)', async () => {
    const channel = await openListen();
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      assertRefused(await request(channel.url({ RID: 5 }), { method, body: '' }), 405, new RegExp(method));
    }
    const noSid = channelUrl(fs.host, 'Write', { VER: 8 });
    assertRefused(await request(noSid, { method: 'PUT', body: '' }), 400, /needs a SID/);
    await assertUsable(channel, 1);
  });

  it('a back channel GET without RID=rpc and TYPE=xmlhttp, or with a bad AID, is refused', async () => {
    const channel = await openListen();
    assertRefused(await request(channel.url({ RID: 'rpc', CI: 0 })), 400, /RID=rpc and TYPE=xmlhttp/);
    assertRefused(
      await request(channel.url({ RID: 'rpc', TYPE: 'xmlhttp', AID: 'x' })),
      400,
      /"AID" must be a non-negative integer/,
    );
    await assertUsable(channel, 1);
  });
});

describe('forward POST bodies', () => {
  it('bad count or ofs is refused and applies nothing', async () => {
    const channel = await openListen();
    const target = encodeURIComponent(JSON.stringify(addDocumentsTarget(fs.database, 3, [fs.doc('a/b')])));
    for (const [body, text] of [
      [`count=abc&ofs=0&req0___data__=${target}`, /"count" must be an integer.*got "abc"/],
      [`count=-1&ofs=0`, /"count" must be an integer.*got "-1"/],
      [`count=1.5&ofs=0&req0___data__=${target}`, /"count"/],
      [`count=1&ofs=x&req0___data__=${target}`, /"ofs" must be a non-negative integer; got "x"/],
      [`count=1&ofs=-1&req0___data__=${target}`, /"ofs" must be a non-negative integer; got "-1"/],
    ] as const) {
      assertRefused(await channel.send([], { body }), 400, text);
    }
    assertRefused(await channel.send([], { rid: 'x' as unknown as number }), 400, /numeric RID/);
    // Nothing was taken: map 0 is still the next one.
    await assertUsable(channel, 1);
  });

  it('a map without __data__ is refused', async () => {
    const channel = await openListen();
    assertRefused(
      await channel.send([], { body: 'count=1&ofs=0&req0___other__=1' }),
      400,
      /Map req0 has no "__data__"/,
    );
    await assertUsable(channel, 1);
  });

  it('a body over maxForwardBytes is refused, on the handshake and on a forward POST', async () => {
    const big = {
      database: fs.database,
      addTarget: { documents: { documents: ['x'.repeat(MAX_FORWARD_BYTES)] } },
    };
    const before = (await fs.stats()).webChannelSessions;
    assertRefused(
      await handshake(fs.host, 'Listen', { database: fs.database, messages: [big] }),
      400,
      new RegExp(`exceeds the limit: ${MAX_FORWARD_BYTES} bytes`),
    );
    assert.equal((await fs.stats()).webChannelSessions, before);
    const channel = await openListen();
    assertRefused(await channel.send([big]), 400, /exceeds the limit/);
    await assertUsable(channel, 1);
  });

  it('an unknown SID is a 400 with "Unknown SID" after the first character (what the SDK looks for)', async () => {
    const ghost = RawChannel.withSid(fs.host, 'Listen', fs.database, 'no-such-session');
    const responses = [
      await ghost.send([addDocumentsTarget(fs.database, 1, [fs.doc('a/b')])]),
      await request(ghost.url({ RID: 'rpc', TYPE: 'xmlhttp', CI: 0, AID: 0 })),
      await ghost.terminate(),
    ];
    for (const response of responses) {
      assertRefused(response, 400, /Unknown SID/);
      assert.ok(response.text.indexOf('Unknown SID') > 0, response.text);
    }
  });

  it('a gap in map ids on the handshake is refused and leaves no session behind', async () => {
    const before = (await fs.stats()).webChannelSessions;
    const url = channelUrl(fs.host, 'Listen', { VER: 8, database: fs.database, RID: 1, CVER: 22 });
    const body = forwardBody([addDocumentsTarget(fs.database, 1, [fs.doc('a/b')])], 2, {});
    assertRefused(await request(url, { method: 'POST', body }), 400, /Map 2 arrived before map 0/);
    assert.equal((await fs.stats()).webChannelSessions, before);
  });
});

describe('bad Firestore messages fail the stream in the channel', () => {
  it('invalid JSON in __data__ is answered 200, then an INVALID_ARGUMENT error on the back channel', async () => {
    const channel = await openListen();
    const sent = await channel.send(['{"database": oops']);
    assert.equal(sent.status, 200, sent.text);
    const back = await channel.openBack();
    const failure = await back.nextMessage();
    assert.equal(failure.error.status, 'INVALID_ARGUMENT');
    assert.equal(failure.error.code, 3);
    assert.match(failure.error.message, /Invalid JSON payload/);
    // The stream is over; the session still takes requests until the client terminates it.
    assert.equal((await channel.send([addDocumentsTarget(fs.database, 1, [fs.doc('a/b')])])).status, 200);
    back.abort();
  });

  it('an unknown field in a Firestore message is an INVALID_ARGUMENT naming it', async () => {
    for (const rpc of ['Listen', 'Write'] as const) {
      const channel = await RawChannel.open(fs.host, rpc, {
        database: fs.database,
        messages: [{ database: fs.database, addTargte: { targetId: 1 } }],
      });
      channels.push(channel);
      const back = await channel.openBack();
      const failure = await back.nextMessage();
      assert.equal(failure.error.status, 'INVALID_ARGUMENT', `${rpc}: ${JSON.stringify(failure)}`);
      assert.match(failure.error.message, /Unknown name "addTargte"/);
      back.abort();
    }
  });

  it('a Write request that is not an object is an INVALID_ARGUMENT', async () => {
    const channel = await RawChannel.open(fs.host, 'Write', { database: fs.database, messages: ['[1,2]'] });
    channels.push(channel);
    const back = await channel.openBack();
    const failure = await back.nextMessage();
    assert.equal(failure.error.status, 'INVALID_ARGUMENT');
    back.abort();
  });
});
