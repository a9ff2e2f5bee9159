/**
 * One semantics behind gRPC and REST: security rules allow and deny the same requests with the
 * same status and message; a document lock taken by a gRPC transaction holds a REST commit back
 * until that transaction commits; and a REST write reaches gRPC listeners.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { DocumentSnapshot, QuerySnapshot } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { status as grpcStatus } from '../../src/errors';
import { httpStatusOf } from '../../src/transports/http-io';
import { rawClient, type RawClient } from '../conformance/raw-client';
import { SnapshotQueue } from '../conformance/snapshots';
import { bearer, database, deferred, docName, documents, restCaller, within, type RestCall } from './support';

const RULES = `rules_version = '2';
service cloud.firestore {
  match /databases/{db}/documents {
    match /carts/{uid} {
      allow read, write: if request.auth != null && request.auth.uid == uid;
    }
    match /products/{id} {
      allow read: if true;
      allow write: if request.auth.token.admin == true;
    }
    match /orders/{id} {
      allow create: if request.auth != null
        && request.resource.data.owner == request.auth.uid
        && request.resource.data.total is int && request.resource.data.total > 0;
      allow read: if request.auth != null && resource.data.owner == request.auth.uid;
    }
  }
}`;

type Outcome = { ok: true; value: unknown } | { ok: false; code: number; message: string };

/** One request, sent the same over both transports; `suffix` keeps creates of each apart. */
interface Case {
  what: string;
  auth: string | undefined;
  grpc(raw: RawClient, options: object, suffix: string): Promise<unknown>;
  rest(call: RestCall, headers: Record<string, string>, suffix: string): ReturnType<RestCall>;
}

async function drain(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

/** Reads HTTP/1.1 responses off a socket, in order. */
function responseReader(socket: Socket) {
  let buffer = Buffer.alloc(0);
  let bytes = 0;
  let waiter: (() => void) | null = null;
  let failure: Error | null = null;
  socket.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    buffer = Buffer.concat([buffer, chunk]);
    waiter?.();
  });
  const fail = (error: Error) => {
    failure = error;
    waiter?.();
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('the connection closed')));
  const next = async (): Promise<{ status: number; body: any }> => {
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = buffer.subarray(0, end).toString();
        const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length >= end + 4 + length) {
          const body = buffer.subarray(end + 4, end + 4 + length).toString();
          buffer = buffer.subarray(end + 4 + length);
          return { status: Number(head.split(' ')[1]), body: JSON.parse(body) };
        }
      }
      if (failure) throw failure;
      await new Promise<void>((resolve) => (waiter = resolve));
      waiter = null;
    }
  };
  return {
    next,
    get bytesReceived() {
      return bytes;
    },
  };
}

/** An RFC 3339 UTC timestamp in microseconds since the epoch. */
function micros(timestamp: string): bigint {
  const [whole, fraction = ''] = timestamp.replace('Z', '').split('.');
  return BigInt(Date.parse(`${whole}Z`)) * 1000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
}

/** A POST as the admin (the project has rules loaded by then). */
function httpRequest(host: string, path: string, body: unknown): string {
  const text = JSON.stringify(body);
  return (
    `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer owner\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`
  );
}

describe('one semantics over gRPC and REST', () => {
  let fs: TestFirestore;
  let rest: RestCall;
  let raw: RawClient;
  before(async () => {
    fs = await useEmulator();
    rest = restCaller(fs.host);
    raw = rawClient(fs.host);
  });
  after(async () => {
    await raw.close();
    await fs.stop();
  });

  it('security rules allow and deny the same requests, with the same status and message', async () => {
    const loaded = await rest('PUT', `/emulator/v1/projects/${fs.projectId}:securityRules`, {
      json: { rules: { files: [{ name: 'firestore.rules', content: RULES }] } },
    });
    assert.equal(loaded.status, 200, loaded.text);
    await Promise.all([
      fs.adminDb.doc('carts/alice').set({ items: 2 }),
      fs.adminDb.doc('products/p1').set({ price: 10 }),
      fs.adminDb.doc('orders/o1').set({ owner: 'alice', total: 5 }),
      fs.adminDb.doc('orders/o2').set({ owner: 'bob', total: 7 }),
    ]);
    const alice = bearer('alice');
    const bob = bearer('bob');
    const staff = bearer('carol', { admin: true });
    const db = database(fs.projectId);
    const docs = documents(fs.projectId);
    const name = (path: string) => docName(fs.projectId, path);

    const get = (what: string, auth: string | undefined, path: string): Case => ({
      what,
      auth,
      grpc: (r, o) => r.getDocument({ name: name(path) }, o).then(([d]) => d.name),
      rest: (c, headers) => c('GET', `/v1/${docs}/${path}`, { headers }),
    });
    const commit = (what: string, auth: string | undefined, writes: (suffix: string) => object[]): Case => ({
      what,
      auth,
      grpc: (r, o, suffix) =>
        r.commit({ database: db, writes: writes(suffix) } as never, o).then(() => 'committed'),
      rest: (c, headers, suffix) =>
        c('POST', `/v1/${db}/documents:commit`, { headers, json: { writes: writes(suffix) } }),
    });
    const query = (what: string, auth: string | undefined, structuredQuery: object): Case => ({
      what,
      auth,
      grpc: (r, o) => drain(r.runQuery({ parent: docs, structuredQuery } as never, o)).then((a) => a.length),
      rest: (c, headers) => c('POST', `/v1/${docs}:runQuery`, { headers, json: { structuredQuery } }),
    });
    const order = (owner: string, total: number) => (suffix: string) => [
      {
        update: {
          name: name(`orders/new-${owner}-${total}${suffix}`),
          fields: { owner: { stringValue: owner }, total: { integerValue: String(total) } },
        },
        currentDocument: { exists: false },
      },
    ];
    const ownedBy = (uid: string) => ({
      from: [{ collectionId: 'orders' }],
      where: { fieldFilter: { field: { fieldPath: 'owner' }, op: 'EQUAL', value: { stringValue: uid } } },
    });
    const cases: Case[] = [
      get('the owner reads her cart', alice, 'carts/alice'),
      get('someone else reads it', bob, 'carts/alice'),
      get('an anonymous caller reads it', undefined, 'carts/alice'),
      get('anyone reads a product', undefined, 'products/p1'),
      get('a missing product (allowed, then not found)', alice, 'products/none'),
      commit('the owner writes her cart', alice, () => [
        { update: { name: name('carts/alice'), fields: { items: { integerValue: '3' } } } },
      ]),
      commit('someone else writes it', bob, () => [{ delete: name('carts/alice') }]),
      commit('staff write a product', staff, () => [
        { update: { name: name('products/p1'), fields: { price: { integerValue: '12' } } } },
      ]),
      commit('a customer writes a product', alice, () => [
        { update: { name: name('products/p1'), fields: { price: { integerValue: '1' } } } },
      ]),
      commit('an order with a positive total', alice, order('alice', 5)),
      commit('an order with a zero total', alice, order('alice', 0)),
      commit('an order for someone else', alice, order('bob', 5)),
      commit('one allowed and one denied write in a commit', alice, () => [
        { update: { name: name('carts/alice'), fields: { items: { integerValue: '4' } } } },
        { delete: name('products/p1') },
      ]),
      query('a query for her own orders', alice, ownedBy('alice')),
      query('a query for all orders', alice, { from: [{ collectionId: 'orders' }] }),
      query("a query for bob's orders", alice, ownedBy('bob')),
    ];

    for (const c of cases) {
      const headers: Record<string, string> = c.auth ? { authorization: c.auth } : {};
      const overGrpc: Outcome = await c.grpc(raw, { otherArgs: { headers } }, '-grpc').then(
        (value) => ({ ok: true as const, value }),
        (e: { code: number; details: string }) => ({
          ok: false as const,
          code: e.code,
          message: e.details.replaceAll('-grpc', ''),
        }),
      );
      const reply = await c.rest(rest, headers, '-rest');
      const overRest: Outcome =
        reply.status === 200
          ? { ok: true, value: undefined }
          : {
              ok: false,
              code: grpcStatus[reply.body.error.status as keyof typeof grpcStatus] as number,
              message: (reply.body.error.message as string).replaceAll('-rest', ''),
            };
      if (overGrpc.ok) {
        assert.equal(reply.status, 200, `${c.what}: allowed over gRPC, over REST ${reply.text}`);
      } else {
        assert.deepEqual(overRest, overGrpc, c.what);
        assert.equal(reply.status, httpStatusOf(overGrpc.code), c.what);
        assert.equal(reply.body.error.code, reply.status, c.what);
      }
    }
    // The verdicts themselves, so that "the same" cannot mean "both wrong".
    const denied = [
      'someone else reads it',
      'an anonymous caller reads it',
      'someone else writes it',
      'a customer writes a product',
      'an order with a zero total',
      'an order for someone else',
      'one allowed and one denied write in a commit',
      'a query for all orders',
      "a query for bob's orders",
    ];
    for (const c of cases) {
      const headers: Record<string, string> = c.auth ? { authorization: c.auth } : {};
      const reply = await c.rest(rest, headers, '-again');
      if (denied.includes(c.what)) {
        assert.equal(reply.status, 403, `${c.what} is denied: ${reply.text}`);
        assert.equal(reply.body.error.status, 'PERMISSION_DENIED');
      } else if (c.what.includes('missing')) {
        assert.equal(reply.status, 404, c.what);
      } else {
        assert.equal(reply.status, 200, `${c.what} is allowed: ${reply.text}`);
      }
    }
    assert.equal((await fs.adminDb.doc('products/p1').get()).get('price'), 12);
    assert.equal((await fs.adminDb.doc('carts/alice').get()).get('items'), 3);
    for (const suffix of ['-grpc', '-rest']) {
      assert.equal((await fs.adminDb.doc(`orders/new-alice-5${suffix}`).get()).exists, true, suffix);
      assert.equal((await fs.adminDb.doc(`orders/new-alice-0${suffix}`).get()).exists, false, suffix);
    }
  });

  it('a REST commit to a document a gRPC transaction has read waits until that transaction commits', async () => {
    const ref = fs.adminDb.doc('locks/x');
    await ref.set({ by: [] });
    const read = deferred();
    const release = deferred();
    // A gRPC read-write transaction: its read takes the document's lock, which it then holds.
    const transaction = fs.adminDb.runTransaction(
      async (tx) => {
        const snap = await tx.get(ref);
        read.resolve();
        await release.promise;
        tx.update(ref, { by: [...(snap.get('by') as string[]), 'tx'] });
      },
      { maxAttempts: 1 },
    );
    await within(read.promise, 'the transaction read');

    // Two pipelined REST commits on one connection: the first to the locked document, the second
    // to a free one. The server takes them in order, down the same path, so once the second is
    // applied the first has reached the lock; answers leave in order, so none can come before the
    // first commit is done.
    const marker = fs.adminDb.doc('locks/marker');
    const markerSeen = new SnapshotQueue<DocumentSnapshot>();
    const unsubscribe = marker.onSnapshot(markerSeen.push, markerSeen.fail);
    await markerSeen.until((s) => !s.exists);
    const socket = connect(
      Number(fs.host.slice(fs.host.lastIndexOf(':') + 1)),
      fs.host.slice(0, fs.host.lastIndexOf(':')),
    );
    try {
      const responses = responseReader(socket);
      const commitPath = `/v1/${database(fs.projectId)}/documents:commit`;
      const append = {
        writes: [
          {
            transform: {
              document: docName(fs.projectId, 'locks/x'),
              fieldTransforms: [
                { fieldPath: 'by', appendMissingElements: { values: [{ stringValue: 'rest' }] } },
              ],
            },
          },
        ],
      };
      const mark = { writes: [{ update: { name: docName(fs.projectId, 'locks/marker'), fields: {} } }] };
      socket.write(httpRequest(fs.host, commitPath, append) + httpRequest(fs.host, commitPath, mark));

      await within(
        markerSeen.until((s) => s.exists),
        'the second pipelined commit',
      );
      assert.equal(
        responses.bytesReceived,
        0,
        'the REST commit is not answered while the transaction holds the lock',
      );
      assert.deepEqual((await ref.get()).get('by'), [], 'nor applied');

      release.resolve();
      await within(transaction, 'the transaction commit');
      const first = await within(responses.next(), 'the answer to the REST commit');
      const second = await within(responses.next(), 'the answer to the marker commit');
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(second.status, 200, JSON.stringify(second.body));
      // The REST commit went on top of the transaction's write, not under it.
      const final = await ref.get();
      assert.deepEqual(final.get('by'), ['tx', 'rest']);
      const stored = await rest('GET', `/v1/${documents(fs.projectId)}/locks/x`, {
        headers: { authorization: 'Bearer owner' },
      });
      assert.equal(stored.body.updateTime, first.body.commitTime, 'the REST commit was the last write');
      // The second request on the connection was applied before the first: the first was waiting.
      assert.ok(micros(second.body.commitTime) < micros(first.body.commitTime));
    } finally {
      unsubscribe();
      socket.destroy();
      release.resolve();
    }
  });

  it('a REST commit is seen by a gRPC onSnapshot listener, and so is a REST delete', async () => {
    // As the admin: the project has rules loaded by now.
    const asAdmin = { authorization: 'Bearer owner' };
    const seen = new SnapshotQueue<QuerySnapshot>();
    const unsubscribe = fs.adminDb.collection('feed').onSnapshot(seen.push, seen.fail);
    try {
      await seen.until((s) => s.empty);
      const created = await rest('POST', `/v1/${documents(fs.projectId)}/feed?documentId=f1`, {
        headers: asAdmin,
        json: { fields: { title: { stringValue: 'New sofa' }, price: { doubleValue: 499.5 } } },
      });
      assert.equal(created.status, 200, created.text);
      const added = await seen.until((s) => s.size === 1);
      assert.deepEqual(added.docs[0]!.data(), { title: 'New sofa', price: 499.5 });
      const { seconds, nanoseconds } = added.docs[0]!.updateTime;
      assert.equal(
        BigInt(seconds) * 1_000_000n + BigInt(nanoseconds / 1000),
        micros(created.body.updateTime),
      );

      const patched = await rest(
        'PATCH',
        `/v1/${documents(fs.projectId)}/feed/f1?updateMask.fieldPaths=price`,
        {
          headers: asAdmin,
          json: { fields: { price: { doubleValue: 399 } } },
        },
      );
      assert.equal(patched.status, 200, patched.text);
      const changed = await seen.until((s) => s.size === 1 && s.docs[0]!.get('price') === 399);
      assert.equal(changed.docs[0]!.get('title'), 'New sofa');

      const deleted = await rest('DELETE', `/v1/${documents(fs.projectId)}/feed/f1`, { headers: asAdmin });
      assert.equal(deleted.status, 200, deleted.text);
      await seen.until((s) => s.empty);
    } finally {
      unsubscribe();
    }
  });
});
