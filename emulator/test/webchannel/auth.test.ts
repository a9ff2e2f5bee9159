/**
 * Credentials in the handshake's header block (`Authorization: Bearer <token>`) are the stream's
 * caller exactly as gRPC metadata would be: rules allow or deny Listen targets and writes over
 * WebChannel as they do over gRPC, and a denial reaches the client in the shape the SDK reads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawClient, type RawClient } from '../conformance/raw-client';
import {
  addDocumentsTarget,
  mockIdToken,
  RawChannel,
  startEmulator,
  type BackChannel,
  type TestEmulator,
} from './raw-channel';

const RULES = `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    match /{document=**} {
      allow read, write: if request.auth != null && request.auth.uid == 'alice';
    }
  }
}`;

let fs: TestEmulator;
let grpc: RawClient;
const open: Array<{ channel: RawChannel; back: BackChannel }> = [];

before(async () => {
  fs = await startEmulator();
  await fs.admin.doc('private/a').set({ secret: 'é' });
  await fs.loadRules(RULES);
  grpc = rawClient(fs.host);
});
after(async () => {
  for (const { channel } of open) {
    channel.abortAll();
    await channel.terminate();
  }
  await grpc.close();
  await fs.stop();
});

const bearer = (uid: string) => ({ Authorization: `Bearer ${mockIdToken(uid)}` });

async function listen(headers: Record<string, string>, targetId: number) {
  const channel = await RawChannel.open(fs.host, 'Listen', {
    database: fs.database,
    headers,
    messages: [addDocumentsTarget(fs.database, targetId, [fs.doc('private/a')])],
  });
  const back = await channel.openBack();
  open.push({ channel, back });
  return { channel, back };
}

async function writeStream(headers: Record<string, string>) {
  const channel = await RawChannel.open(fs.host, 'Write', {
    database: fs.database,
    headers,
    messages: [{ database: fs.database }],
  });
  const back = await channel.openBack();
  open.push({ channel, back });
  const hello = await back.nextMessage();
  assert.equal(typeof hello.streamToken, 'string', JSON.stringify(hello));
  const write = async (path: string, value: string) => {
    await channel.send([
      {
        streamToken: hello.streamToken,
        writes: [{ update: { name: fs.doc(path), fields: { v: { stringValue: value } } } }],
      },
    ]);
    return back.nextMessage();
  };
  return { channel, back, write };
}

describe('Listen', () => {
  it('the uid the rules allow gets the document', async () => {
    const { back } = await listen(bearer('alice'), 1);
    assert.deepEqual(await back.nextMessage(), { targetChange: { targetChangeType: 'ADD', targetIds: [1] } });
    const change = await back.nextMessage();
    assert.deepEqual(change.documentChange.document.fields, { secret: { stringValue: 'é' } });
  });

  it('another uid gets targetChange REMOVE with cause code 7, and no document', async () => {
    const { back } = await listen(bearer('bob'), 4);
    const removed = await back.nextMessage();
    assert.equal(removed.targetChange.targetChangeType, 'REMOVE');
    assert.deepEqual(removed.targetChange.targetIds, [4]);
    assert.equal(removed.targetChange.cause.code, 7);
    assert.match(removed.targetChange.cause.message, /./);
    // Nothing else follows for the target: the next commit sends nothing on this stream.
    await fs.admin.doc('private/a').update({ secret: 'changed' });
    await fs.admin.doc('private/a').update({ secret: 'é' });
    assert.ok(!back.arrays.some(([, p]) => JSON.stringify(p).includes('documentChange')));
  });

  it('no Authorization is an anonymous caller, denied the same way', async () => {
    const { back } = await listen({}, 5);
    const removed = await back.nextMessage();
    assert.equal(removed.targetChange.targetChangeType, 'REMOVE');
    assert.equal(removed.targetChange.cause.code, 7);
  });

  it('a token that is not a JWT fails the stream with UNAUTHENTICATED, as over gRPC', async () => {
    const { back } = await listen({ Authorization: 'Bearer not-a-jwt' }, 6);
    const failure = await back.nextMessage();
    assert.equal(failure.error.status, 'UNAUTHENTICATED');
    assert.equal(failure.error.code, 16);
    await assert.rejects(
      grpc.getDocument(
        { name: fs.doc('private/a') },
        { otherArgs: { headers: { authorization: 'Bearer not-a-jwt' } } },
      ),
      (e: { code?: number }) => e.code === 16,
    );
  });
});

describe('Write', () => {
  it('the allowed uid writes; the document is stored', async () => {
    const { write } = await writeStream(bearer('alice'));
    const result = await write('private/by-alice', 'ok');
    assert.equal(result.writeResults?.length, 1, JSON.stringify(result));
    assert.deepEqual((await fs.admin.doc('private/by-alice').get()).data(), { v: 'ok' });
  });

  it('another uid gets an in-channel PERMISSION_DENIED error with code 7, and nothing is written', async () => {
    const { write } = await writeStream(bearer('bob'));
    const result = await write('private/by-bob', 'no');
    assert.deepEqual(Object.keys(result), ['error']);
    assert.equal(result.error.code, 7);
    assert.equal(result.error.status, 'PERMISSION_DENIED');
    assert.equal(typeof result.error.message, 'string');
    assert.equal((await fs.admin.doc('private/by-bob').get()).exists, false);
  });

  it('the same token over gRPC gets the same answers', async () => {
    const commit = (uid: string, path: string) =>
      grpc.commit(
        {
          database: fs.database,
          writes: [{ update: { name: fs.doc(path), fields: { v: { stringValue: 'grpc' } } } }],
        },
        { otherArgs: { headers: { authorization: `Bearer ${mockIdToken(uid)}` } } },
      );
    await commit('alice', 'private/grpc-alice');
    await assert.rejects(commit('bob', 'private/grpc-bob'), (e: { code?: number }) => e.code === 7);
  });
});
