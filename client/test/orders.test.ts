/** The order helpers: bad input refused before any call, and an illegal move's states kept for the app. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FirebaseError, initializeApp } from 'firebase/app';
import { connectFunctionsEmulator, getFunctions } from 'firebase/functions';
import { advanceFulfilment, cancelOrder, toHearthError } from '../src';

describe('order helpers', () => {
  // Nothing listens on this port: a call that reached the network would fail as unavailable/internal.
  const app = initializeApp({ projectId: 'demo-client-test', apiKey: 'k' }, 'order-calls');
  const functions = getFunctions(app);
  connectFunctionsEmulator(functions, '127.0.0.1', 1);

  it('refuses a negative quantity, a forged order id and an unknown state before any network call', async () => {
    const cut = await cancelOrder({ functions }, { orderId: 'o/../x', lines: [{ lineIndex: 0, qty: -1 }] });
    assert.ok(!cut.ok && cut.error.code === 'invalid-argument');
    assert.deepEqual(
      !cut.ok && cut.error.code === 'invalid-argument' && cut.error.issues.map((i) => i.field),
      ['orderId', 'lines.0.qty'],
    );
    const move = await advanceFulfilment(
      { functions },
      { orderId: 'o1', lineIndex: 0, to: 'teleported' as 'picked' },
    );
    assert.ok(!move.ok && move.error.code === 'invalid-argument' && move.error.field === 'to');
  });

  it("keeps an illegal move's reason for the app to switch on", () => {
    const e = toHearthError(
      Object.assign(
        new FirebaseError(
          'functions/failed-precondition',
          'Order o1 line 0 is allocated; it cannot become shipped',
        ),
        {
          details: { reason: 'illegal_transition', from: 'allocated', to: 'shipped' },
        },
      ),
    );
    assert.equal(e.code, 'failed-precondition');
    assert.equal(e.code === 'failed-precondition' && e.reason, 'illegal_transition');
  });
});
