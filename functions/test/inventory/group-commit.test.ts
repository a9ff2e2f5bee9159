/**
 * Group commit, through the callable handlers on one function instance: calls that arrive together
 * share one transaction, and each still gets its own answer. One cart's refusal touches no other;
 * repeats of one idempotency key collapse into one effect; a batch that would pass a commit's 500
 * writes is split; a crash inside the batch's transaction writes nothing for any of its carts.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { inventoryCallables } from '../../src/inventory/callables';
import { type Deps, newMetrics } from '../../src/inventory/deps';
import type { CallRequest } from '../../src/platform/callable';
import { assertInvariants } from './support/invariants';
import { everything } from './support/snapshot';
import { FakeClock, key, seedStore } from './support/store';

const as = (uid: string, data: unknown): CallRequest => ({
  data,
  auth: { uid, token: { uid } as never, rawToken: 'test' },
});

const codeOf = (r: PromiseSettledResult<unknown>) =>
  r.status === 'fulfilled' ? 'ok' : String((r.reason as { code?: string }).code ?? r.reason);

describe('group commit', () => {
  let fs: TestFirestore;
  let deps: Deps;
  before(async () => {
    fs = await useEmulator();
  });
  after(() => fs.stop());
  beforeEach(async () => {
    await fs.clear();
    deps = { db: fs.adminDb, clock: new FakeClock(), metrics: newMetrics() };
  });

  test("one batch, many answers: each refusal is its cart's own, the others commit together", async () => {
    await seedStore(deps, [
      { sku: 'sofa', stock: { 'wh-north': 5 } },
      { sku: 'rug', stock: { 'wh-north': 10 }, shards: { 'wh-north': 2 } },
    ]);
    const api = inventoryCallables(() => deps);
    const used = key('used');
    await api.reserveStock(as('early', { idempotencyKey: used, lines: [{ sku: 'sofa', qty: 1 }] }));
    const commitsBefore = deps.metrics!.commits;
    // Carts over the same SKUs queue together (bob's and dan's go their own ways).
    const cart = (sofa: number, rug = 1) => ({
      idempotencyKey: key(),
      lines: [
        { sku: 'sofa', qty: sofa },
        { sku: 'rug', qty: rug },
      ],
    });
    const calls: [string, unknown, string][] = [
      ['ann', cart(2), 'ok'],
      [
        'bob',
        {
          idempotencyKey: key(),
          lines: [
            { sku: 'sofa', qty: 1 },
            { sku: 'no-such-sku', qty: 1 },
          ],
        },
        'not-found',
      ],
      ['cat', cart(9), 'resource-exhausted'],
      ['dan', cart(-1), 'invalid-argument'],
      // The key was used before for another request: refused, naming the field.
      ['early', { ...cart(2), idempotencyKey: used }, 'invalid-argument'],
      ['eve', cart(1), 'ok'],
      // Would fit alone, not after ann and eve (arrival order): refused from the transaction's read.
      ['fay', cart(2), 'resource-exhausted'],
      [
        'gus',
        {
          idempotencyKey: key(),
          lines: [
            { sku: 'rug', qty: 2 },
            { sku: 'sofa', qty: 1 },
          ],
        },
        'ok',
      ],
      ['hal', cart(1), 'resource-exhausted'],
    ];
    const results = await Promise.allSettled(calls.map(([uid, data]) => api.reserveStock(as(uid, data))));
    assert.deepEqual(
      results.map((r, i) => [calls[i]![0], codeOf(r)]),
      calls.map(([uid, , expected]) => [uid, expected]),
    );
    // Every hold of the batch went in one commit.
    assert.equal(deps.metrics!.commits - commitsBefore, 1);
    const cat = results[2] as PromiseRejectedResult;
    assert.deepEqual(cat.reason.details, { sku: 'sofa', requested: 9, available: 4 });
    const fay = results[6] as PromiseRejectedResult;
    assert.deepEqual(fay.reason.details, { sku: 'sofa', requested: 2, available: 1 });
    const hal = results[8] as PromiseRejectedResult;
    assert.deepEqual(hal.reason.details, { sku: 'sofa', requested: 1, available: 0 });
    const early = results[4] as PromiseRejectedResult;
    assert.equal(early.reason.details.field, 'idempotencyKey');
    const sofa = (await fs.adminDb.doc('inventory/sofa').get()).data()!;
    assert.deepEqual([sofa.reserved, sofa.available], [5, 0]);
    assert.equal((await fs.adminDb.collection('reservations').get()).size, 4);
    const rugShards = await fs.adminDb.collection('inventory/rug/shards').get();
    assert.equal(
      rugShards.docs.reduce((sum, d) => sum + d.data().reserved, 0),
      4,
    );
    await assertInvariants(fs.adminDb);
  });

  test('repeats of one key in one batch: one effect, the first answer to each, another request refused', async () => {
    await seedStore(deps, [{ sku: 'lamp', stock: { 'wh-north': 10 } }]);
    const api = inventoryCallables(() => deps);
    const idempotencyKey = key('same');
    const same = { idempotencyKey, lines: [{ sku: 'lamp', qty: 3 }] };
    const other = { idempotencyKey, lines: [{ sku: 'lamp', qty: 4 }] };
    const results = await Promise.allSettled(
      Array.from({ length: 15 }, (_, i) => api.reserveStock(as('ivy', i % 3 === 2 ? other : same))),
    );
    const answers = results.filter((r, i) => i % 3 !== 2);
    for (const r of answers) assert.deepEqual(r, answers[0]);
    assert.equal(answers[0]!.status, 'fulfilled');
    for (const r of results.filter((_, i) => i % 3 === 2))
      assert.equal(
        codeOf(r) === 'invalid-argument' && (r as PromiseRejectedResult).reason.details.field,
        'idempotencyKey',
      );
    assert.equal((await fs.adminDb.collection('reservations').get()).size, 1);
    const ledger = await fs.adminDb.collection('ledger').where('kind', '==', 'reserve').get();
    assert.deepEqual(
      ledger.docs.map((d) => d.data().qty),
      [3],
    );
    assert.equal((await fs.adminDb.doc('inventory/lamp').get()).data()!.reserved, 3);
    await assertInvariants(fs.adminDb);
  });

  test('a batch past 500 writes is split over several commits, every cart served', async () => {
    // 50 SKUs a cart: 52 writes a cart (hold, record, 50 ledger entries) plus 50 counters a commit,
    // so 9 carts (518 writes) cannot share one.
    const skus = Array.from({ length: 50 }, (_, i) => `mug-${i}`);
    await seedStore(
      deps,
      skus.map((sku) => ({ sku, stock: { 'wh-south': 40 } })),
    );
    const api = inventoryCallables(() => deps);
    const commitsBefore = deps.metrics!.commits;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.reserveStock(
          as(`buyer-${i}`, { idempotencyKey: key(), lines: skus.map((sku) => ({ sku, qty: 1 })) }),
        ),
      ),
    );
    assert.equal(results.length, 20);
    const commits = deps.metrics!.commits - commitsBefore;
    assert.ok(commits >= 3 && commits <= 6, `20 carts of 52 writes in ${commits} commits`);
    for (const sku of skus.slice(0, 3))
      assert.equal((await fs.adminDb.doc(`inventory/${sku}`).get()).data()!.reserved, 20);
    await assertInvariants(fs.adminDb);
  });

  test("a crash inside the batch's transaction writes nothing for any cart; the retries all succeed", async () => {
    await seedStore(deps, [{ sku: 'chair', stock: { 'wh-north': 10 }, shards: { 'wh-north': 4 } }]);
    let crashes = 1;
    const crashing: Deps = {
      ...deps,
      checkpoint: (step) => {
        if (step === 'reserveStock:before-write' && crashes-- > 0)
          throw new Error('crashed before the commit');
      },
    };
    const api = inventoryCallables(() => crashing);
    const data = Array.from({ length: 6 }, () => ({
      idempotencyKey: key(),
      lines: [{ sku: 'chair', qty: 1 }],
    }));
    const before = await everything(fs.adminDb);
    const first = await Promise.allSettled(data.map((d, i) => api.reserveStock(as(`c${i}`, d))));
    assert.deepEqual(first.map(codeOf), Array(6).fill('internal'));
    assert.deepEqual(await everything(fs.adminDb), before);
    const again = await Promise.all(data.map((d, i) => api.reserveStock(as(`c${i}`, d))));
    assert.equal(new Set(again.map((r) => r.reservationId)).size, 6);
    await assertInvariants(fs.adminDb);
  });
});
