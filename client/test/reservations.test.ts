/** watchReservation against the emulator and firestore.rules: the owner follows a hold to its end. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Timestamp } from 'firebase-admin/firestore';
import { disableNetwork, enableNetwork } from 'firebase/firestore';
import { useEmulator, type TestFirestore } from '../../test/support/emulator';
import { Arrivals, within } from '../../test/support/within';
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
    await within(done, 'the checked_out state of r1 after the hold').finally(stop);
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
    let stop = (): void => undefined;
    const error = await within(
      new Promise<HearthError>((resolve) => {
        stop = watchReservation(
          { db: fs.webDb({ uid: 'mallory' }) },
          'r2',
          () => assert.fail('not theirs'),
          resolve,
        );
      }),
      "the error for mallory watching ada's reservation r2",
    ).finally(() => stop());
    assert.equal(error.code, 'permission-denied');
  });

  /** Reports from one watch, awaited one at a time with a timeout that names what never came. */
  const recorder = () => {
    const arrivals = new Arrivals<string>();
    const next = (accept: (entry: string) => boolean) =>
      arrivals.until(accept, `a report matching ${accept.toString()}`, 5_000);
    return { seen: arrivals.seen, next, push: arrivals.push };
  };

  it('says unavailable, not not-found, for a reservation it cannot see while offline; the hold once online', async () => {
    await fs.adminDb.doc('reservations/r3').set(held);
    const db = fs.webDb({ uid: 'ada' });
    await disableNetwork(db);
    const r = recorder();
    const stop = watchReservation(
      { db },
      'r3',
      (s) => r.push(`state:${s.status}`),
      (e) => r.push(`error:${e.code}`),
    );
    await r.next((e) => e === 'error:unavailable');
    await enableNetwork(db);
    await r.next((e) => e === 'state:held');
    stop();
    assert.ok(!r.seen.includes('error:not-found'), r.seen.join(', '));
    assert.deepEqual(r.seen, ['error:unavailable', 'state:held']);
  });

  it("leaves a missing reservation's verdict to the server: unavailable offline, then the rules' permission-denied (they cannot show a missing hold is the caller's)", async () => {
    const db = fs.webDb({ uid: 'ada' });
    await disableNetwork(db);
    const r = recorder();
    const stop = watchReservation(
      { db },
      'missing',
      () => r.push('state'),
      (e) => r.push(`error:${e.code}`),
    );
    await r.next((e) => e === 'error:unavailable');
    await enableNetwork(db);
    await r.next((e) => e === 'error:permission-denied');
    stop();
    assert.deepEqual(r.seen, ['error:unavailable', 'error:permission-denied']);
  });
});
