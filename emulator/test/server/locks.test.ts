import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LockManager, type LockOwner } from '../../src/server/locks';

function owner(label: string, priority: number, abortable = true): LockOwner {
  return { label, priority, abortable, held: new Set(), waiting: new Set() };
}

const isAborted = (pattern: RegExp) => (e: any) => e.code === 10 && pattern.test(e.message);

describe('document locks', () => {
  it('grants a free lock at once and queues contenders first in, first out', async () => {
    const locks = new LockManager(1000);
    const [a, b, c] = [owner('a', 1), owner('b', 2), owner('c', 3)];
    await locks.acquire(a, ['doc']);
    const order: string[] = [];
    const pb = locks.acquire(b, ['doc']).then(() => order.push('b'));
    const pc = locks.acquire(c, ['doc']).then(() => order.push('c'));
    locks.releaseAll(a);
    await pb;
    assert.equal(locks.holderOf('doc'), b);
    locks.releaseAll(b);
    await pc;
    assert.deepEqual(order, ['b', 'c']);
    locks.releaseAll(c);
    assert.equal(locks.holderOf('doc'), null);
  });

  it('breaks a deadlock by aborting the youngest transaction in the cycle, whose locks go to the other', async () => {
    const locks = new LockManager(1000);
    const older = owner('older', 1);
    const younger = owner('younger', 2);
    await locks.acquire(older, ['a']);
    await locks.acquire(younger, ['b']);
    const olderWaits = locks.acquire(older, ['b']);
    await assert.rejects(locks.acquire(younger, ['a']), isAborted(/deadlock/));
    await olderWaits;
    assert.deepEqual([...older.held].sort(), ['a', 'b']);
    assert.equal(younger.held.size, 0);
  });

  it('aborts the youngest even when an older transaction closes the cycle', async () => {
    const locks = new LockManager(1000);
    const older = owner('older', 1);
    const younger = owner('younger', 2);
    let victim: unknown = null;
    younger.onVictim = (e) => (victim = e);
    await locks.acquire(older, ['a']);
    await locks.acquire(younger, ['b']);
    const youngerWaits = locks.acquire(younger, ['a']);
    await locks.acquire(older, ['b']);
    await assert.rejects(youngerWaits, isAborted(/deadlock/));
    assert.ok(victim);
    assert.deepEqual([...older.held].sort(), ['a', 'b']);
  });

  it('never picks a plain write as the victim', async () => {
    const locks = new LockManager(1000);
    const tx = owner('tx', 5);
    const write = owner('write', Number.MAX_SAFE_INTEGER, false);
    await locks.acquire(write, ['a']);
    await locks.acquire(tx, ['b']);
    const writeWaits = locks.acquire(write, ['b']);
    await assert.rejects(locks.acquire(tx, ['a']), isAborted(/deadlock/));
    await writeWaits;
    assert.deepEqual([...write.held].sort(), ['a', 'b']);
  });

  it('gives up a wait after the timeout with ABORTED and leaves the queue intact', async () => {
    const locks = new LockManager(50);
    const [a, b, c] = [owner('a', 1), owner('b', 2), owner('c', 3)];
    await locks.acquire(a, ['doc']);
    const bWaits = locks.acquire(b, ['doc']);
    // Lock timers are unref'd so they never keep a process alive; this test has to.
    const keepAlive = setTimeout(() => {}, 1000);
    await assert.rejects(bWaits, isAborted(/contention/));
    clearTimeout(keepAlive);
    const cWaits = locks.acquire(c, ['doc']);
    locks.releaseAll(a);
    await cWaits;
    assert.equal(locks.holderOf('doc'), c);
  });

  it('an owner may wait for several locks at once; ending it withdraws every wait', async () => {
    const locks = new LockManager(1000);
    const [holder, reader] = [owner('holder', 1), owner('reader', 2)];
    await locks.acquire(holder, ['a', 'b']);
    const waits = [locks.acquire(reader, ['a']), locks.acquire(reader, ['b'])];
    assert.equal(reader.waiting.size, 2);
    locks.releaseAll(reader);
    for (const w of waits) await assert.rejects(w, isAborted(/ended/));
    locks.releaseAll(holder);
    assert.equal(locks.holderOf('a'), null);
    assert.equal(locks.holderOf('b'), null);
  });

  it('refuses locks to an owner that has ended, so a late read cannot leak a lock', async () => {
    const locks = new LockManager(1000);
    const tx = owner('tx', 1);
    locks.releaseAll(tx, Object.assign(new Error('expired'), { code: 10 }) as any);
    await assert.rejects(locks.acquire(tx, ['a']), /expired/);
    assert.equal(locks.holderOf('a'), null);
  });

  it('finds a deadlock through an owner waiting on two locks', async () => {
    const locks = new LockManager(1000);
    const [t1, t2] = [owner('t1', 1), owner('t2', 2)];
    await locks.acquire(t1, ['a', 'c']);
    await locks.acquire(t2, ['b']);
    const t2Waits = locks.acquire(t2, ['a']);
    const t2AlsoWaits = locks.acquire(t2, ['c']);
    const t1Waits = locks.acquire(t1, ['b']);
    await assert.rejects(t2Waits, isAborted(/deadlock/));
    await assert.rejects(t2AlsoWaits, isAborted(/deadlock/));
    await t1Waits;
    assert.deepEqual([...t1.held].sort(), ['a', 'b', 'c']);
  });

  it('takes several locks in name order, so two plain writes never deadlock', async () => {
    const locks = new LockManager(1000);
    const w1 = owner('w1', 10, false);
    const w2 = owner('w2', 11, false);
    await Promise.all([
      locks.acquire(w1, ['z', 'a', 'm']).then(() => locks.releaseAll(w1)),
      locks.acquire(w2, ['m', 'z', 'a']).then(() => locks.releaseAll(w2)),
    ]);
    assert.equal(locks.holderOf('a'), null);
  });
});
