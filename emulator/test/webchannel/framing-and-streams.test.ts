/**
 * WebChannel at the wire: the handshake answer, chunk framing (lengths in UTF-16 code units),
 * CORS on every channel response, and the Listen and Write streams carried over it, driven by a
 * raw channel client (raw-channel.ts) the way the web SDK drives them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  addDocumentsTarget,
  ChunkParser,
  chunksOf,
  handshake,
  ORIGIN,
  RawChannel,
  request,
  startEmulator,
  type TestEmulator,
} from './raw-channel';

let fs: TestEmulator;
before(async () => {
  fs = await startEmulator();
});
after(() => fs.stop());

function assertCors(headers: Record<string, unknown>, what: string): void {
  assert.equal(headers['access-control-allow-origin'], ORIGIN, `${what}: Allow-Origin`);
  assert.equal(headers['access-control-allow-credentials'], 'true', `${what}: Allow-Credentials`);
}

describe('chunk parser (the test client itself)', () => {
  it('counts UTF-16 code units, accepts pretty JSON, and takes bytes split inside a character', () => {
    const json = '[\n  [1, ["é😀"]]\n]';
    const body = Buffer.from(`${json.length}\n${json}3\n[2]`);
    const parser = new ChunkParser();
    const chunks: string[] = [];
    // Split after every byte: the emoji's four bytes arrive one by one.
    for (let i = 0; i < body.length; i++) chunks.push(...parser.push(body.subarray(i, i + 1)));
    parser.end();
    assert.deepEqual(chunks, [json, '[2]']);
  });

  it('refuses a byte count where a code unit count belongs', () => {
    const json = '["é"]';
    const parser = new ChunkParser();
    assert.deepEqual(parser.push(Buffer.from(`${Buffer.byteLength(json)}\n${json}`)), []);
    assert.throws(() => parser.end(), /Truncated chunk/);
  });
});

describe('handshake', () => {
  it('is answered [[0,["c",SID,null,8]]] in one chunk with a correct length, and CORS', async () => {
    const response = await handshake(fs.host, 'Listen', { database: fs.database });
    assert.equal(response.status, 200);
    assertCors(response.headers, 'handshake');
    const match = /^(\d+)\n([\s\S]*)$/.exec(response.text);
    assert.ok(match, response.text);
    assert.equal(Number(match[1]), match[2]!.length);
    const [answer] = chunksOf(response.text) as [[[number, [string, string, null, number]]]];
    assert.equal(answer.length, 1);
    const [id, [c, sid, hostPrefix, version, ...rest]] = answer[0]!;
    assert.deepEqual([id, c, hostPrefix, version, rest], [0, 'c', null, 8, []]);
    assert.match(sid, /^[A-Za-z0-9_-]{8,}$/);
  });

  it('without an Origin (Node, curl) allows any origin', async () => {
    const response = await handshake(fs.host, 'Write', { database: fs.database, origin: null });
    assert.equal(response.status, 200);
    assert.equal(response.headers['access-control-allow-origin'], '*');
  });

  it('CORS headers are on forward, back channel and terminate responses too', async () => {
    const channel = await RawChannel.open(fs.host, 'Listen', { database: fs.database });
    const forward = await channel.send([addDocumentsTarget(fs.database, 1, [fs.doc('cors/a')])]);
    assert.equal(forward.status, 200);
    assertCors(forward.headers, 'forward POST');
    const back = await channel.openBack();
    assert.equal(back.status, 200);
    assertCors(back.headers, 'back channel');
    back.abort();
    const terminate = await channel.terminate();
    assert.equal(terminate.status, 200);
    assertCors(terminate.headers, 'terminate');
  });
});

describe('Listen over the channel', () => {
  it('a document target gets ADD, the document, CURRENT, then a global snapshot, in order; a commit arrives as documentChange', async () => {
    const name = fs.doc('rooms/lounge');
    await fs.admin.doc('rooms/lounge').set({ title: 'Lounge' });
    const channel = await RawChannel.open(fs.host, 'Listen', {
      database: fs.database,
      messages: [addDocumentsTarget(fs.database, 2, [name])],
    });
    const back = await channel.openBack();
    try {
      const add = await back.nextMessage();
      assert.deepEqual(add, { targetChange: { targetChangeType: 'ADD', targetIds: [2] } });
      const change = await back.nextMessage();
      assert.equal(change.documentChange.document.name, name);
      assert.deepEqual(change.documentChange.document.fields, { title: { stringValue: 'Lounge' } });
      assert.deepEqual(change.documentChange.targetIds, [2]);
      const current = await back.nextMessage();
      assert.equal(current.targetChange.targetChangeType, 'CURRENT');
      assert.deepEqual(current.targetChange.targetIds, [2]);
      assert.equal(typeof current.targetChange.resumeToken, 'string');
      // The global snapshot: NO_CHANGE (the default, which may be omitted), no target ids, a read time.
      const snapshot = await back.nextMessage();
      const { targetChangeType, ...rest } = snapshot.targetChange;
      assert.ok([undefined, 'NO_CHANGE'].includes(targetChangeType), targetChangeType);
      assert.deepEqual(Object.keys(rest).sort(), ['readTime', 'resumeToken']);

      await fs.admin.doc('rooms/lounge').update({ title: 'Lounge 2' });
      const update = await back.nextMessage();
      assert.deepEqual(update.documentChange.document.fields, { title: { stringValue: 'Lounge 2' } });
      assert.deepEqual(update.documentChange.targetIds, [2]);
      const after = await back.nextMessage();
      assert.ok(after.targetChange.readTime && !after.targetChange.targetIds?.length, JSON.stringify(after));
    } finally {
      back.abort();
      await channel.terminate();
    }
  });

  it('frames non-ASCII documents by UTF-16 code units (emoji, é), in the array shapes the SDK reads', async () => {
    const title = 'Canapé 😀 — 北欧';
    await fs.admin.doc('rooms/café').set({ title });
    const channel = await RawChannel.open(fs.host, 'Listen', {
      database: fs.database,
      messages: [addDocumentsTarget(fs.database, 3, [fs.doc('rooms/café')])],
    });
    const back = await channel.openBack();
    try {
      const change = await back.messageWhere((m) => m.documentChange, 3000, 'the document');
      assert.equal(change.documentChange.document.fields.title.stringValue, title);
      await fs.admin.doc('rooms/café').update({ title: `${title}!` });
      await back.messageWhere((m) => m.documentChange, 3000, 'the update');
      // Every chunk so far parsed with UTF-16 lengths; show the lengths were not byte counts.
      const withEmoji = back.chunks.filter((c) => c.includes('😀'));
      assert.ok(withEmoji.length >= 2, 'two chunks carry the title');
      for (const text of withEmoji) assert.notEqual(Buffer.byteLength(text), text.length);
      // Arrays are [id, payload] with ids rising by one; a message's payload is [message].
      const ids = back.arrays.map(([id]) => id);
      assert.deepEqual(
        ids,
        ids.map((_, i) => ids[0]! + i),
      );
      assert.equal(ids[0], 1);
      for (const [, payload] of back.arrays) {
        assert.ok(Array.isArray(payload) && payload.length === 1, JSON.stringify(payload));
        assert.ok(payload[0] === 'noop' || typeof payload[0] === 'object', JSON.stringify(payload));
      }
    } finally {
      back.abort();
      await channel.terminate();
    }
  });
});

describe('Write over the channel', () => {
  it('the handshake gets streamId and streamToken without writeResults; a write gets writeResults and commitTime and is stored', async () => {
    const channel = await RawChannel.open(fs.host, 'Write', {
      database: fs.database,
      messages: [{ database: fs.database }],
    });
    const back = await channel.openBack();
    try {
      const hello = await back.nextMessage();
      assert.equal(typeof hello.streamId, 'string');
      assert.equal(typeof hello.streamToken, 'string');
      assert.equal(hello.writeResults, undefined);
      assert.equal(hello.commitTime, undefined);

      const title = 'Fauteuil 🛋️ é';
      const forward = await channel.send([
        {
          streamToken: hello.streamToken,
          writes: [{ update: { name: fs.doc('chairs/one'), fields: { title: { stringValue: title } } } }],
        },
      ]);
      assert.equal(forward.status, 200);
      const result = await back.nextMessage();
      assert.equal(result.writeResults.length, 1);
      assert.match(result.writeResults[0].updateTime, /^\d{4}-\d\d-\d\dT/);
      assert.match(result.commitTime, /^\d{4}-\d\d-\d\dT/);
      assert.notEqual(result.streamToken, hello.streamToken);
      const stored = await fs.admin.doc('chairs/one').get();
      assert.deepEqual(stored.data(), { title });
    } finally {
      back.abort();
      await channel.terminate();
    }
  });

  it('a forward POST is answered [backChannelOpen, lastArrayIdSent, unackedChars]', async () => {
    const channel = await RawChannel.open(fs.host, 'Write', {
      database: fs.database,
      messages: [{ database: fs.database }],
    });
    const first = await channel.send([]);
    assert.deepEqual(first.ack, [0, 0, 0]);
    const back = await channel.openBack();
    try {
      const [id, [hello]] = (await back.next()) as [number, [{ streamToken: string }]];
      const second = await channel.send([], { aid: 0 });
      assert.equal(second.ack?.[0], 1);
      assert.equal(second.ack?.[1], id);
      assert.equal(second.ack?.[2], JSON.stringify([id, [hello]]).length);
      const third = await channel.send([], { aid: id });
      assert.deepEqual(third.ack, [1, id, 0]);
    } finally {
      back.abort();
      await channel.terminate();
    }
  });
});

it('health and stats still answer outside the channel paths', async () => {
  const response = await request(`http://${fs.host}/emulator/v1/stats`, { origin: null });
  assert.equal(response.status, 200);
  assert.equal(typeof JSON.parse(response.text).webChannelSessions, 'number');
});
