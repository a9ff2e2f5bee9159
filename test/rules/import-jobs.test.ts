/**
 * Import jobs under firestore.rules, as an attacker would try them: staff read a job, its chunks
 * and its report; customers and anonymous callers read none of it; nobody writes any of it from an
 * app (the job's progress and report are the functions' alone, so nobody can mark rows done, plant
 * a chunk into a started file or erase a report).
 */
import assert from 'node:assert/strict';
import { assertFails, assertSucceeds } from '@firebase/rules-unit-testing';
import { after, before, describe, it } from 'node:test';
import { startHearthRules, type Db, type HearthRules } from './hearth-env';

const JOB = 'importJobs/0123456789abcdef0123456789abcdef';

describe('import jobs under the rules', () => {
  let h: HearthRules;
  before(async () => {
    h = await startHearthRules();
    await h.env.withSecurityRulesDisabled(async (ctx) => {
      const db = ctx.firestore() as unknown as Db;
      await db.doc(JOB).set({ status: 'running', rowsDone: 10, totalRows: 20, createdBy: { uid: 'sam' } });
      await db.doc(`${JOB}/chunks/000`).set({ index: 0, text: 'sku,locationId,onHand\ns1,l1,5\n' });
      await db
        .doc(`${JOB}/issues/0000003-0`)
        .set({ row: 3, column: 'onHand', message: 'must not be negative' });
    });
  });
  after(() => h.stop());

  it('lets staff and admins read a job, list jobs, and read its chunks and report', async () => {
    for (const who of ['staff', 'admin'] as const) {
      const db = h.db(who);
      await assertSucceeds(db.doc(JOB).get());
      await assertSucceeds(db.collection('importJobs').limit(5).get());
      await assertSucceeds(db.doc(`${JOB}/chunks/000`).get());
      await assertSucceeds(db.collection(`${JOB}/issues`).orderBy('__name__').limit(100).get());
    }
  });

  it('refuses customers and anonymous callers every read', async () => {
    for (const who of ['alice', 'anonymous'] as const) {
      const db = h.db(who);
      await assertFails(db.doc(JOB).get());
      await assertFails(db.collection('importJobs').limit(5).get());
      await assertFails(db.doc(`${JOB}/chunks/000`).get());
      await assertFails(db.collection(`${JOB}/issues`).limit(5).get());
    }
    await assertFails(h.dbWith('mallory', { staff: 'true' }).doc(JOB).get());
  });

  it('refuses every write from an app, staff included, and leaves the job as it was', async () => {
    const staff = h.db('staff');
    await assertFails(staff.doc(JOB).update({ rowsDone: 20, status: 'done' }));
    await assertFails(staff.doc(JOB).delete());
    await assertFails(
      h
        .db('admin')
        .collection('importJobs')
        .doc('0123456789abcdef0123456789abcdee')
        .set({ status: 'queued' }),
    );
    await assertFails(
      h
        .db('alice')
        .collection('importJobs')
        .doc('0123456789abcdef0123456789abcdee')
        .set({ status: 'queued' }),
    );
    await assertFails(staff.doc(`${JOB}/chunks/001`).set({ index: 1, text: 's1,l1,99999\n' }));
    await assertFails(staff.doc(`${JOB}/issues/0000003-0`).delete());
    await assertFails(h.db('admin').doc(`${JOB}/issues/0000004-0`).set({ row: 4, column: '', message: 'x' }));
    const job = await h.adminGet(JOB);
    assert.equal(job?.rowsDone, 10);
    assert.equal(job?.status, 'running');
    assert.ok(await h.adminGet(`${JOB}/issues/0000003-0`));
    assert.equal(await h.adminGet(`${JOB}/chunks/001`), undefined);
  });

  it('gives staff no other subcollection of a job', async () => {
    await h.env.withSecurityRulesDisabled(async (ctx) => {
      await (ctx.firestore() as unknown as Db).doc(`${JOB}/secrets/x`).set({ a: 1 });
    });
    await assertFails(h.db('staff').doc(`${JOB}/secrets/x`).get());
  });
});
