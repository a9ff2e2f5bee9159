import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Timestamp } from 'firebase-admin/firestore';
import { collection, doc, onSnapshot, runTransaction as webRunTransaction } from 'firebase/firestore';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { Arrivals, within } from '../../../test/support/within';
import { databaseName, rawClient } from './raw-client';

const TX_TIMEOUT_MS = 700;

describe('transactions', () => {
  let fs: TestFirestore;
  before(async () => {
    fs = await useEmulator({ transactionTimeoutMs: TX_TIMEOUT_MS });
  });
  after(() => fs.stop());

  it('100 concurrent runTransaction increments of one document end at exactly +100', async () => {
    const ref = fs.adminDb.doc('counters/hot');
    await ref.set({ n: 0 });
    // Each transaction answers the value its committed attempt read: serialised, they read 0..99,
    // each exactly once (a lost update would show one value twice and end below 100).
    const read = await Promise.all(
      Array.from({ length: 100 }, () =>
        fs.adminDb.runTransaction(async (tx) => {
          const n = (await tx.get(ref)).get('n') as number;
          tx.update(ref, { n: n + 1 });
          return n;
        }),
      ),
    );
    assert.equal((await ref.get()).get('n'), 100);
    assert.deepEqual(
      read.sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i),
    );
  });

  it('web SDK transactions (optimistic, with preconditions) also end at exactly +N', async () => {
    const web = fs.webDb();
    await fs.adminDb.doc('counters/web').set({ n: 0 });
    const ref = doc(web, 'counters/web');
    await Promise.all(
      Array.from({ length: 20 }, () =>
        webRunTransaction(web, async (tx) => {
          const snap = await tx.get(ref);
          tx.update(ref, { n: snap.get('n') + 1 });
        }),
      ),
    );
    assert.equal((await fs.adminDb.doc('counters/web').get()).get('n'), 20);
  });

  it('transfers by admin and web transactions keep a total that every snapshot, read-only transaction and query sees', async () => {
    const db = fs.adminDb;
    const web = fs.webDb();
    const accounts = Array.from({ length: 5 }, (_, i) => db.doc(`accounts/a${i}`));
    await Promise.all(accounts.map((ref) => ref.set({ n: 100 })));
    const total = (docs: Array<{ get(field: string): unknown }>) =>
      docs.reduce((sum, d) => sum + (d.get('n') as number), 0);
    const seen: string[] = [];
    const check = (what: string, sum: number) => {
      if (sum !== 500) seen.push(`${what} saw ${sum}`);
    };
    // What each listener showed, as the balances in account order: the listeners must deliver
    // the final balances (so they did watch the transfers), and any error they get fails the test.
    const balances = (docs: Array<{ id: string; get(field: string): unknown }>) =>
      [...docs]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((d) => d.get('n'))
        .join(',');
    const adminShown = new Arrivals<string>();
    const webShown = new Arrivals<string>();
    const unsubscribe = db.collection('accounts').onSnapshot(
      (s) => {
        check('admin listener', total(s.docs));
        adminShown.push(balances(s.docs));
      },
      (error) => seen.push(`admin listener failed: ${error.message}`),
    );
    const webUnsubscribe = onSnapshot(
      collection(web, 'accounts'),
      (s) => {
        if (s.metadata.fromCache) return;
        check('web listener', total(s.docs));
        webShown.push(balances(s.docs));
      },
      (error) => seen.push(`web listener failed: ${error.message}`),
    );
    await adminShown.until((b) => b === '100,100,100,100,100', "the admin listener's first snapshot");
    await webShown.until((b) => b === '100,100,100,100,100', "the web listener's first snapshot");
    let seed = 3;
    const random = (n: number) => Math.floor(((seed = (seed * 48271) % 2147483647) / 2147483647) * n);
    const transfers = Array.from({ length: 50 }, (_, t) => {
      const from = random(5);
      const to = (from + 1 + random(4)) % 5;
      const amount = 1 + random(10);
      if (t % 4 === 3) {
        return webRunTransaction(web, async (tx) => {
          const [a, b] = [doc(web, `accounts/a${from}`), doc(web, `accounts/a${to}`)];
          const [sa, sb] = [await tx.get(a), await tx.get(b)];
          tx.update(a, { n: sa.get('n') - amount });
          tx.update(b, { n: sb.get('n') + amount });
        });
      }
      return db.runTransaction(async (tx) => {
        const [sa, sb] = await tx.getAll(accounts[from]!, accounts[to]!);
        tx.update(accounts[from]!, { n: sa!.get('n') - amount });
        tx.update(accounts[to]!, { n: sb!.get('n') + amount });
      });
    });
    const readers = Array.from({ length: 20 }, (_, r) =>
      r % 2
        ? db.runTransaction(
            async (tx) => {
              check('read-only getAll', total(await tx.getAll(...accounts)));
              check('read-only query', total((await tx.get(db.collection('accounts'))).docs));
            },
            { readOnly: true },
          )
        : db
            .collection('accounts')
            .get()
            .then((s) => check('query', total(s.docs))),
    );
    await Promise.all([...transfers, ...readers]);
    const final = (await db.collection('accounts').get()).docs;
    check('final state', total(final));
    const finalBalances = balances(final);
    assert.notEqual(finalBalances, '100,100,100,100,100', 'the transfers moved nothing');
    await adminShown.until((b) => b === finalBalances, `the admin listener showing ${finalBalances}`);
    await webShown.until((b) => b === finalBalances, `the web listener showing ${finalBalances}`);
    unsubscribe();
    webUnsubscribe();
    assert.deepEqual(seen, []);
  });

  it('of two transactions that read and write the same document one is aborted and its retry succeeds', async () => {
    // Two documents taken in opposite orders: a deadlock the emulator must break by aborting one.
    const a = fs.adminDb.doc('pair/a');
    const b = fs.adminDb.doc('pair/b');
    await a.set({ n: 0 });
    await b.set({ n: 0 });
    let attempts = 0;
    let bothRead!: () => void;
    const barrier = new Promise<void>((resolve) => (bothRead = resolve));
    let firstReads = 0;
    const run = (first: typeof a, second: typeof a) =>
      fs.adminDb.runTransaction(async (tx) => {
        attempts++;
        const s1 = await tx.get(first);
        if (++firstReads === 2) bothRead();
        await Promise.race([barrier, new Promise((r) => setTimeout(r, 200))]);
        const s2 = await tx.get(second);
        tx.update(first, { n: s1.get('n') + 1 });
        tx.update(second, { n: s2.get('n') + 1 });
      });
    await Promise.all([run(a, b), run(b, a)]);
    assert.equal((await a.get()).get('n'), 2);
    assert.equal((await b.get()).get('n'), 2);
    assert.ok(attempts >= 3, `expected a retry, saw ${attempts} attempts`);
  });

  it('transactions over overlapping documents in random orders all commit, exactly once each', async () => {
    const refs = Array.from({ length: 5 }, (_, i) => fs.adminDb.doc(`carts/sku${i}`));
    await Promise.all(refs.map((r) => r.set({ n: 0 })));
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const picks = Array.from({ length: 40 }, () => [...refs].sort(() => random() - 0.5).slice(0, 3));
    await Promise.all(
      picks.map((pick) =>
        fs.adminDb.runTransaction(async (tx) => {
          const snaps = [];
          // One read at a time, in the pick's own order: the interleavings that deadlock.
          for (const ref of pick) snaps.push(await tx.get(ref));
          snaps.forEach((snap, i) => tx.update(pick[i]!, { n: snap.get('n') + 1 }));
        }),
      ),
    );
    const total = (await Promise.all(refs.map((r) => r.get()))).reduce((n, s) => n + s.get('n'), 0);
    assert.equal(total, 120);
  });

  it('transactions that read several documents concurrently all commit, and leave no lock behind', async () => {
    const [a, b] = [fs.adminDb.doc('concurrent/a'), fs.adminDb.doc('concurrent/b')];
    await a.set({ n: 0 });
    await b.set({ n: 0 });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fs.adminDb.runTransaction(async (tx) => {
          const [first, second] = i % 2 ? [a, b] : [b, a];
          const [s1, s2] = await Promise.all([tx.get(first), tx.get(second)]);
          tx.update(first, { n: s1.get('n') + 1 });
          tx.update(second, { n: s2.get('n') + 1 });
        }),
      ),
    );
    assert.equal((await a.get()).get('n'), 20);
    assert.equal((await b.get()).get('n'), 20);
    // A plain write would wait for any lock left behind (until the idle timeout at least).
    const started = Date.now();
    await fs.adminDb.batch().update(a, { n: 0 }).update(b, { n: 0 }).commit();
    assert.ok(Date.now() - started < TX_TIMEOUT_MS / 2, 'a lock was left behind');
  });

  it('a commit whose optimistic precondition no longer holds gets FAILED_PRECONDITION and writes nothing', async () => {
    const ref = fs.adminDb.doc('optimistic/doc');
    const first = await ref.set({ v: 1 });
    await ref.set({ v: 2 });
    const batch = fs.adminDb.batch();
    batch.update(ref, { v: 3 }, { lastUpdateTime: first.writeTime });
    batch.set(fs.adminDb.doc('optimistic/other'), { v: 1 });
    await assert.rejects(batch.commit(), (e: any) => e.code === 9);
    assert.equal((await ref.get()).get('v'), 2);
    assert.equal((await fs.adminDb.doc('optimistic/other').get()).exists, false);
  });

  it('read-only transactions see one snapshot even while others commit', async () => {
    const x = fs.adminDb.doc('snap/x');
    const y = fs.adminDb.doc('snap/y');
    await fs.adminDb.batch().set(x, { v: 1 }).set(y, { v: 1 }).commit();
    const seen = await fs.adminDb.runTransaction(
      async (tx) => {
        const vx = (await tx.get(x)).get('v');
        await fs.adminDb.batch().set(x, { v: 2 }).set(y, { v: 2 }).commit();
        const vy = (await tx.get(y)).get('v');
        const count = (await tx.get(fs.adminDb.collection('snap').where('v', '==', 1))).size;
        return { vx, vy, count };
      },
      { readOnly: true },
    );
    assert.deepEqual(seen, { vx: 1, vy: 1, count: 2 });
  });

  it('reads at a read time see the state of that time', async () => {
    const ref = fs.adminDb.doc('history/doc');
    const v1 = await ref.set({ v: 1 });
    await ref.set({ v: 2 });
    await fs.adminDb.doc('history/later').set({ v: 3 });
    const old = await fs.adminDb.runTransaction(
      async (tx) => {
        const single = (await tx.get(ref)).get('v');
        const names = (await tx.get(fs.adminDb.collection('history'))).docs.map((d) => d.id);
        return { single, names };
      },
      { readOnly: true, readTime: v1.writeTime },
    );
    assert.deepEqual(old, { single: 1, names: ['doc'] });
    assert.equal((await ref.get()).get('v'), 2);
  });

  it('a transaction that never commits releases its locks after the idle timeout', async (t) => {
    if (!fs.inProcess) return t.skip("depends on this emulator's short transaction timeout");
    const ref = fs.adminDb.doc('abandoned/doc');
    await ref.set({ n: 0 });
    const raw = rawClient(fs.host);
    const database = databaseName(fs.projectId);
    const [begun] = await raw.beginTransaction({ database });
    const stream = raw.batchGetDocuments({
      database,
      documents: [`${database}/documents/abandoned/doc`],
      transaction: begun.transaction,
    });
    for await (const _ of stream) void _;
    // The abandoned transaction holds the lock; this one waits for it to expire, then succeeds.
    const started = Date.now();
    await fs.adminDb.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      tx.update(ref, { n: snap.get('n') + 1 });
    });
    const waited = Date.now() - started;
    assert.equal((await ref.get()).get('n'), 1);
    assert.ok(waited >= TX_TIMEOUT_MS / 2, `waited only ${waited} ms`);
    // Reads and the commit of the expired transaction are ABORTED, which the SDKs retry.
    await assert.rejects(
      raw.getDocument({ name: `${database}/documents/abandoned/doc`, transaction: begun.transaction }),
      (e: any) => e.code === 10 && /expired/.test(e.message),
    );
    await assert.rejects(
      raw.commit({ database, transaction: begun.transaction, writes: [] }),
      (e: any) => e.code === 10 && /expired/.test(e.message),
    );
    await raw.close();
  });

  it('a document entering a query read in a transaction before it commits aborts the attempt; the retry sees it', async () => {
    const shards = fs.adminDb.collection('phantom');
    await shards.doc('s1').set({ stock: 1 });
    let attempts = 0;
    const total = await fs.adminDb.runTransaction(async (tx) => {
      attempts++;
      const snap = await tx.get(shards.where('stock', '>', 0));
      if (attempts === 1) await shards.doc('s2').set({ stock: 5 });
      const sum = snap.docs.reduce((n, d) => n + (d.get('stock') as number), 0);
      tx.set(fs.adminDb.doc('phantom-total/t'), { sum });
      return sum;
    });
    assert.equal(total, 6);
    assert.equal(attempts, 2);
    assert.equal((await fs.adminDb.doc('phantom-total/t').get()).get('sum'), 6);
  });

  it('a plain write waits for the lock of a transaction that read the document, until it ends', async (t) => {
    if (!fs.inProcess) return t.skip("depends on this emulator's short transaction timeout");
    // No sleep decides the order: the transaction's first attempt awaits the plain write itself.
    // With the lock, the write can only go through once that attempt has ended, here by idling
    // past the transaction timeout; the attempt's commit is then refused as expired and the retry
    // reads the plain write's value. Without the lock the write would return at once and the
    // first attempt would commit over it.
    const ref = fs.adminDb.doc('order/doc');
    await ref.set({ v: 'initial' });
    const order: string[] = [];
    let attempts = 0;
    let waited = 0;
    await fs.adminDb.runTransaction(async (tx) => {
      attempts++;
      const snap = await tx.get(ref);
      if (attempts === 1) {
        const sent = Date.now();
        await within(
          ref.update({ v: 'plain' }).then(() => order.push('plain')),
          'the plain write, once the transaction holding its lock expired',
        );
        waited = Date.now() - sent;
      }
      tx.set(ref, { v: `${snap.get('v')}+tx` });
      order.push(`tx attempt ${attempts}`);
    });
    assert.ok(waited >= TX_TIMEOUT_MS / 2, `the plain write waited only ${waited} ms`);
    assert.equal(attempts, 2);
    assert.deepEqual(order, ['plain', 'tx attempt 1', 'tx attempt 2']);
    assert.equal((await ref.get()).get('v'), 'plain+tx');
  });

  it('rejects read times in the future', async () => {
    const future = Timestamp.fromMillis(Date.now() + 3_600_000);
    await assert.rejects(
      fs.adminDb.runTransaction(async (tx) => tx.get(fs.adminDb.doc('x/y')), {
        readOnly: true,
        readTime: future,
      }),
      (e: any) => e.code === 3,
    );
  });
});
