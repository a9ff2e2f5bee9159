/**
 * Session lifetime: a session whose client vanished is reaped after sessionIdleMs (its Listen
 * targets with it), terminate closes at once, a client that does not acknowledge what it was sent
 * is dropped past maxUnackedChars while one that reads like the SDK is not, maxSessions refuses
 * handshakes with 503.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  addDocumentsTarget,
  eventually,
  Follower,
  forwardBody,
  handshake,
  ORIGIN,
  RawChannel,
  startEmulator,
  within,
  type TestEmulator,
} from './raw-channel';

const KEEPALIVE_MS = 100;
const SESSION_IDLE_MS = 300;
const MAX_UNACKED_CHARS = 8000;

let fs: TestEmulator;
before(async () => {
  fs = await startEmulator({
    webChannel: {
      keepaliveMs: KEEPALIVE_MS,
      sessionIdleMs: SESSION_IDLE_MS,
      maxUnackedChars: MAX_UNACKED_CHARS,
    },
  });
});
after(() => fs.stop());

async function counts() {
  const stats = await fs.stats();
  return { sessions: stats.webChannelSessions!, targets: stats.listenTargets! };
}

/** A Listen session with one target on `path`, its streaming back channel read up to CURRENT. */
async function listening(path: string) {
  const channel = await RawChannel.open(fs.host, 'Listen', {
    database: fs.database,
    messages: [addDocumentsTarget(fs.database, 1, [fs.doc(path)])],
  });
  const back = await channel.openBack();
  await back.messageWhere((m) => m.targetChange?.targetChangeType === 'CURRENT', 3000, 'CURRENT');
  return { channel, back };
}

describe('reaping', () => {
  it('a session whose back channel closed (client vanished) and that sends nothing is closed after sessionIdleMs, with its watch target', async () => {
    const before = await counts();
    const { channel, back } = await listening('reap/a');
    assert.deepEqual(await counts(), { sessions: before.sessions + 1, targets: before.targets + 1 });
    back.abort();
    const vanished = Date.now();
    await eventually(
      async () => ((await counts()).sessions === before.sessions ? true : undefined),
      SESSION_IDLE_MS * 10,
      'the session to be reaped',
    );
    const after = Date.now() - vanished;
    assert.ok(after >= SESSION_IDLE_MS * 0.9, `reaped ${after} ms after the client vanished`);
    assert.equal((await counts()).targets, before.targets, 'the server-side watch target is removed');
    // Its target no longer receives: the session is gone for the client too.
    await fs.admin.doc('reap/a').set({ after: true });
    const reopened = await channel.openBack();
    await reopened.end();
    assert.equal(reopened.status, 400);
    assert.match(reopened.text, /Unknown SID/);
    assert.deepEqual(reopened.arrays, []);
    const post = await channel.send([]);
    assert.equal(post.status, 400);
    assert.ok(post.text.indexOf('Unknown SID') > 0, post.text);
  });

  it('a session with an open streaming back channel is not reaped, however long it is silent', async () => {
    const before = await counts();
    const { channel, back } = await listening('reap/b');
    // Keepalive noops mark time: wait through several idle periods.
    const noops = back.arrays.length + Math.ceil((SESSION_IDLE_MS * 3) / KEEPALIVE_MS);
    await back.waitUntil(
      () => (back.arrays.length >= noops ? true : undefined),
      SESSION_IDLE_MS * 10,
      'noops spanning three idle periods',
    );
    assert.deepEqual(await counts(), { sessions: before.sessions + 1, targets: before.targets + 1 });
    await fs.admin.doc('reap/b').set({ still: 'listening' });
    const change = await back.messageWhere((m) => m.documentChange, 3000, 'the change');
    assert.deepEqual(change.documentChange.document.fields, { still: { stringValue: 'listening' } });
    back.abort();
    await channel.terminate();
  });

  it('a long-polling session (no back channel between polls) is not reaped while it keeps polling', async () => {
    const before = await counts();
    const { channel, back } = await listening('reap/c');
    back.abort();
    await back.end();
    const polls = Math.ceil((SESSION_IDLE_MS * 3) / KEEPALIVE_MS);
    for (let i = 0; i < polls; i++) await channel.openBack({ ci: 1 }).end(KEEPALIVE_MS * 10);
    assert.deepEqual(await counts(), { sessions: before.sessions + 1, targets: before.targets + 1 });
    // And its target still receives, on the next poll.
    await fs.admin.doc('reap/c').set({ polled: true });
    const poll = channel.openBack({ ci: 1 });
    await poll.end();
    assert.ok(
      poll.arrays.some(([, [m]]: any) => m.documentChange),
      JSON.stringify(poll.arrays),
    );
    await channel.terminate();
  });
});

describe('terminate', () => {
  it('closes the session at once: its back channel ends, its watch target is removed, its SID is unknown', async () => {
    const before = await counts();
    const { channel, back } = await listening('term/a');
    const response = await channel.terminate();
    assert.equal(response.status, 200);
    assert.deepEqual(await counts(), before);
    await back.end();
    assert.equal(back.error, null);
    const post = await channel.send([]);
    assert.equal(post.status, 400);
    assert.match(post.text, /Unknown SID/);
  });

  it('a forward POST whose session is terminated while its body is still arriving is answered Unknown SID', async () => {
    const { channel, back } = await listening('term/b');
    const body = forwardBody([addDocumentsTarget(fs.database, 2, [fs.doc('term/c')])], 1);
    const req = http.request(channel.url({ RID: channel.rid + 1, AID: 0 }), {
      method: 'POST',
      agent: false,
      // With Expect, the server answers 100 Continue once it has taken the request (and looked up
      // its SID): from then on the session is ended under a request in progress.
      headers: { origin: ORIGIN, expect: '100-continue', 'content-length': String(Buffer.byteLength(body)) },
    });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.on('data', (b: Buffer) => (text += b.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
    });
    await within(new Promise((resolve) => req.once('continue', resolve)), 3000, '100 Continue');
    assert.equal((await channel.terminate()).status, 200);
    req.end(body);
    const response = await within(answered, 3000, 'the forward answer');
    assert.equal(response.status, 400, response.text);
    assert.ok(response.text.indexOf('Unknown SID') > 0, response.text);
    await back.end();
  });
});

describe('maxUnackedChars', () => {
  const big = 'x'.repeat(1000);

  it('a client that never acknowledges what it was sent has its session dropped past the limit', async () => {
    // Its own emulator, with sessions never idle-reaped meanwhile: only the limit can drop it.
    const own = await startEmulator({ webChannel: { maxUnackedChars: MAX_UNACKED_CHARS } });
    try {
      const channel = await RawChannel.open(own.host, 'Listen', {
        database: own.database,
        messages: [addDocumentsTarget(own.database, 1, [own.doc('flood/a')])],
      });
      const back = await channel.openBack();
      // The client reads this back channel but never acknowledges: no forward POST, no new GET.
      let commits = 0;
      while ((await own.stats()).webChannelSessions === 1 && commits < 50) {
        await own.admin.doc('flood/a').set({ big, n: ++commits });
      }
      assert.equal((await own.stats()).webChannelSessions, 0, `still open after ${commits} commits`);
      assert.equal((await own.stats()).listenTargets, 0);
      // Each commit sends a little more than `big` (the document's JSON, then a snapshot).
      assert.ok(commits >= MAX_UNACKED_CHARS / (big.length * 1.5), `dropped after ${commits} commits`);
      assert.ok(commits <= MAX_UNACKED_CHARS / big.length + 1, `dropped after ${commits} commits`);
      // Long before the drop, the server ended the streaming back channel for the client to reopen.
      await back.end();
      assert.ok(back.bytes < MAX_UNACKED_CHARS, `${back.bytes} bytes on the back channel`);
      const post = await channel.send([]);
      assert.equal(post.status, 400);
      assert.match(post.text, /Unknown SID/);
    } finally {
      await own.stop();
    }
  });

  it('a client reading like the SDK (reopening its streaming back channel with the new AID when it ends) keeps its session through far more than the limit', async () => {
    const before = await counts();
    const channel = await RawChannel.open(fs.host, 'Listen', {
      database: fs.database,
      messages: [addDocumentsTarget(fs.database, 1, [fs.doc('flood/b')])],
    });
    const follower = new Follower(channel);
    await follower.start();
    const commits = Math.ceil((MAX_UNACKED_CHARS * 5) / big.length);
    for (let n = 1; n <= commits; n++) {
      await fs.admin.doc('flood/b').set({ big, n });
      await follower.messageWhere(
        (m) => m.documentChange?.document.fields.n.integerValue === String(n),
        3000,
        `change ${n}`,
      );
    }
    assert.deepEqual(await counts(), { sessions: before.sessions + 1, targets: before.targets + 1 });
    assert.ok(follower.opened > 1, 'the server ended the back channel so the client acknowledged');
    follower.stop();
    await channel.terminate();
  });
});

it('maxSessions: a handshake beyond it is refused with 503 (and CORS); after a terminate one is accepted', async () => {
  const small = await startEmulator({ webChannel: { maxSessions: 2 } });
  try {
    const a = await RawChannel.open(small.host, 'Listen', { database: small.database });
    await RawChannel.open(small.host, 'Write', { database: small.database });
    const refused = await handshake(small.host, 'Listen', { database: small.database });
    assert.equal(refused.status, 503);
    assert.match(refused.text, /Too many open channel sessions \(2\)/);
    assert.equal(refused.headers['access-control-allow-origin'], ORIGIN);
    assert.equal((await small.stats()).webChannelSessions, 2);
    await a.terminate();
    await RawChannel.open(small.host, 'Listen', { database: small.database });
  } finally {
    await small.stop();
  }
});
