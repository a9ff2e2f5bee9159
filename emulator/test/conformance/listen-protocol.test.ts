import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { databaseName, rawClient, type RawClient } from './raw-client';
import { SnapshotQueue } from './snapshots';

/** One Listen stream through the v1 client, its responses as a queue of short descriptions. */
function openListen(raw: RawClient, database: string) {
  const stream = raw.listen();
  const responses = new SnapshotQueue<any>();
  stream.on('data', responses.push);
  stream.on('error', responses.fail);
  const describe = (r: any): string => {
    if (r.targetChange) {
      const t = r.targetChange;
      return `${t.targetChangeType}[${(t.targetIds ?? []).join(',')}]`;
    }
    if (r.documentChange) return `change ${r.documentChange.document.name.split('/').pop()}`;
    if (r.documentDelete) return `delete ${r.documentDelete.document.split('/').pop()}`;
    if (r.documentRemove) return `remove ${r.documentRemove.document.split('/').pop()}`;
    return JSON.stringify(r);
  };
  return {
    send: (request: object) => stream.write({ database, ...request }),
    /** Descriptions of responses up to and including the next global snapshot. */
    async untilSnapshot(): Promise<{ seen: string[]; resumeToken: Buffer }> {
      const seen: string[] = [];
      for (;;) {
        const r = await responses.next();
        const text = describe(r);
        if (text === 'NO_CHANGE[]') return { seen, resumeToken: r.targetChange.resumeToken };
        seen.push(text);
      }
    },
    next: async () => describe(await responses.next()),
    nextRaw: () => responses.next(),
    close: () => stream.end(),
  };
}

describe('Listen protocol (v1 client)', () => {
  let fs: TestFirestore;
  let raw: RawClient;
  let database: string;
  const query = (collectionId: string) => ({
    query: { parent: `${database}/documents`, structuredQuery: { from: [{ collectionId }] } },
  });
  before(async () => {
    fs = await useEmulator();
    raw = rawClient(fs.host);
    database = databaseName(fs.projectId);
  });
  after(async () => {
    await raw.close();
    await fs.stop();
  });

  it('a target gets ADD, its documents, CURRENT, then a global snapshot; changes follow one snapshot per commit', async () => {
    await fs.adminDb.doc('proto/a').set({ v: 1 });
    const listen = openListen(raw, database);
    listen.send({ addTarget: { targetId: 7, ...query('proto') } });
    assert.deepEqual((await listen.untilSnapshot()).seen, ['ADD[7]', 'change a', 'CURRENT[7]']);
    await fs.adminDb.doc('proto/b').set({ v: 1 });
    assert.deepEqual((await listen.untilSnapshot()).seen, ['change b']);
    await fs.adminDb.doc('proto/a').delete();
    assert.deepEqual((await listen.untilSnapshot()).seen, ['delete a']);
    listen.send({ removeTarget: 7 });
    assert.equal(await listen.next(), 'REMOVE[7]');
    listen.close();
  });

  it('a resume token brings only what changed since it, including removals', async () => {
    const db = fs.adminDb;
    await Promise.all(['keep', 'edit', 'drop'].map((id) => db.doc(`resumed/${id}`).set({ v: 1 })));
    const first = openListen(raw, database);
    first.send({ addTarget: { targetId: 1, ...query('resumed') } });
    const { resumeToken } = await first.untilSnapshot();
    first.close();
    await db.doc('resumed/edit').update({ v: 2 });
    await db.doc('resumed/drop').delete();
    await db.doc('resumed/new').set({ v: 1 });
    const second = openListen(raw, database);
    second.send({ addTarget: { targetId: 1, resumeToken, ...query('resumed') } });
    const { seen } = await second.untilSnapshot();
    assert.deepEqual(seen.slice(0, 1), ['ADD[1]']);
    assert.deepEqual(seen.slice(1, -1).sort(), ['change edit', 'change new', 'delete drop']);
    assert.equal(seen[seen.length - 1], 'CURRENT[1]');
    second.close();
  });

  it('a target resuming from a read time in the future is removed with INVALID_ARGUMENT', async () => {
    await fs.adminDb.doc('future/x').set({ v: 1 });
    const listen = openListen(raw, database);
    const inAnHour = { seconds: Math.floor(Date.now() / 1000) + 3600 };
    listen.send({ addTarget: { targetId: 1, readTime: inAnHour, ...query('future') } });
    const removed = await listen.nextRaw();
    assert.equal(removed.targetChange.targetChangeType, 'REMOVE');
    assert.equal(removed.targetChange.cause.code, 3);
    assert.match(removed.targetChange.cause.message, /future/);
    listen.send({ addTarget: { targetId: 2, ...query('future') } });
    assert.deepEqual((await listen.untilSnapshot()).seen, ['ADD[2]', 'change x', 'CURRENT[2]']);
    listen.close();
  });

  it('a document matching several targets of one stream comes once, naming them all', async () => {
    const listen = openListen(raw, database);
    listen.send({ addTarget: { targetId: 1, ...query('shared-doc') } });
    await listen.untilSnapshot();
    listen.send({
      addTarget: { targetId: 2, documents: { documents: [`${database}/documents/shared-doc/d`] } },
    });
    await listen.untilSnapshot();
    await fs.adminDb.doc('shared-doc/d').set({ v: 1 });
    const change = await listen.nextRaw();
    assert.deepEqual([...change.documentChange.targetIds].sort(), [1, 2]);
    assert.equal((await listen.untilSnapshot()).seen.length, 0);
    listen.close();
  });

  it('a thousand targets on one stream each become current, and one commit reaches them all in one change', async () => {
    const listen = openListen(raw, database);
    const name = `${database}/documents/crowd/d`;
    const count = 1000;
    for (let id = 1; id <= count; id++) {
      listen.send({
        addTarget: { targetId: id, ...(id % 2 ? query('crowd') : { documents: { documents: [name] } }) },
      });
    }
    const current = new Set<number>();
    while (current.size < count) {
      const r = await listen.nextRaw();
      if (r.targetChange?.targetChangeType === 'CURRENT') current.add(r.targetChange.targetIds[0]);
    }
    await fs.adminDb.doc('crowd/d').set({ v: 1 });
    let change = await listen.nextRaw();
    while (!change.documentChange) change = await listen.nextRaw();
    assert.equal(change.documentChange.targetIds.length, count);
    assert.deepEqual((await listen.untilSnapshot()).seen, []);
    listen.close();
  });

  it('a `once` target is removed after its first consistent snapshot', async () => {
    await fs.adminDb.doc('oneshot/x').set({ v: 1 });
    const listen = openListen(raw, database);
    listen.send({ addTarget: { targetId: 3, once: true, ...query('oneshot') } });
    assert.deepEqual((await listen.untilSnapshot()).seen, ['ADD[3]', 'change x', 'CURRENT[3]']);
    assert.equal(await listen.next(), 'REMOVE[3]');
    listen.close();
  });

  it('an invalid target is removed with a cause, and the stream keeps serving other targets', async () => {
    const listen = openListen(raw, database);
    listen.send({
      addTarget: {
        targetId: 4,
        query: {
          parent: `${database}/documents`,
          structuredQuery: {
            from: [{ collectionId: 'c' }],
            where: {
              fieldFilter: { field: { fieldPath: 'a' }, op: 'OPERATOR_UNSPECIFIED', value: { nullValue: 0 } },
            },
          },
        },
      },
    });
    assert.equal(await listen.next(), 'REMOVE[4]');
    listen.send({ addTarget: { targetId: 5, ...query('still-fine') } });
    assert.deepEqual((await listen.untilSnapshot()).seen, ['ADD[5]', 'CURRENT[5]']);
    listen.close();
  });
});
