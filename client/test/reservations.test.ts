/** watchReservation against the emulator and firestore.rules: the owner follows a hold to its end. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Timestamp } from 'firebase-admin/firestore';
import { useEmulator, type TestFirestore } from '../../test/support/emulator';
import { watchReservation, type HearthError, type ReservationState } from '../src';

let fs: TestFirestore;
before(async () => {
  fs = await useEmulator({ rulesFile: join(__dirname, '..', '..', 'firestore.rules') });
});
after(() => fs.stop());

const expiresAt = Timestamp.fromMillis(Date.parse('2026-11-21T09:15:00Z'));
const held = {
  customerId: 'ada',
  status: 'held',
  lines: [{ sku: 'S1', qty: 2, allocations: [{ locationId: 'wh', shard: null, qty: 2 }] }],
  createdAt: Timestamp.now(),
  expiresAt,
  closedAt: null,
  orderId: null,
};

describe('watchReservation', () => {
  it('shows the owner the hold, then its checkout', async () => {
    await fs.adminDb.doc('reservations/r1').set(held);
    const states: ReservationState[] = [];
    let checkedOut: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (checkedOut = resolve));
    const stop = watchReservation({ db: fs.webDb({ uid: 'ada' }) }, 'r1', (r) => {
      states.push(r);
      if (r.status === 'held')
        void fs.adminDb.doc('reservations/r1').update({ status: 'checked_out', orderId: 'r1' });
      if (r.status === 'checked_out') checkedOut();
    });
    await done;
    stop();
    assert.deepEqual(
      states.map((s) => [s.status, s.orderId]),
      [
        ['held', null],
        ['checked_out', 'r1'],
      ],
    );
    assert.equal(states[0]!.expiresAt.toISOString(), '2026-11-21T09:15:00.000Z');
    assert.equal(states[0]!.lines[0]!.qty, 2);
  });

  it("gives someone else's reservation as permission-denied", async () => {
    await fs.adminDb.doc('reservations/r2').set(held);
    const error = await new Promise<HearthError>((resolve) => {
      watchReservation({ db: fs.webDb({ uid: 'mallory' }) }, 'r2', () => assert.fail('not theirs'), resolve);
    });
    assert.equal(error.code, 'permission-denied');
  });
});
