/**
 * Every callable, tried with bad input and the wrong caller: a clear error with the code the
 * contract promises (naming the field, or the stock available), and nothing written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import type { CallRequest } from '../../src/platform/callable';
import { inventoryCallables } from '../../src/inventory/callables';
import type { Deps } from '../../src/inventory/deps';
import { assertInvariants } from './support/invariants';
import { everything } from './support/snapshot';
import { FakeClock, key, seedStore } from './support/store';

type Api = ReturnType<typeof inventoryCallables>;
const user = (uid: string, claims: Record<string, unknown> = {}) => ({
  uid,
  token: { uid, ...claims } as never,
  rawToken: 'test',
});
const ivy = user('ivy');
const jon = user('jon');
const staff = user('kim', { staff: true });
const admin = user('lee', { admin: true });

interface Case {
  name: string;
  call: keyof Api;
  req: CallRequest;
  code: string;
  /** Expected details (a subset). */
  details?: Record<string, unknown>;
}

describe('bad input and wrong callers', () => {
  let fs: TestFirestore;
  let api: Api;
  let reservationId: string;
  let checkedOut: string;
  let transferId: string;
  let received: string;
  before(async () => {
    fs = await useEmulator();
    const deps: Deps = { db: fs.adminDb, clock: new FakeClock() };
    await seedStore(deps, [
      { sku: 'armchair', stock: { 'wh-north': 4, 'store-bath': 1 } },
      { sku: 'ottoman', stock: { 'wh-south': 6 }, shards: { 'wh-south': 2 } },
    ]);
    api = inventoryCallables(() => deps);
    const held = (lines: { sku: string; qty: number }[]) =>
      api.reserveStock({ data: { idempotencyKey: key(), lines }, auth: ivy });
    reservationId = (await held([{ sku: 'armchair', qty: 1 }])).reservationId;
    checkedOut = (await held([{ sku: 'ottoman', qty: 1 }])).reservationId;
    await api.checkout({ data: { idempotencyKey: key(), reservationId: checkedOut }, auth: ivy });
    transferId = (
      await api.transferStock({
        data: {
          idempotencyKey: key(),
          sku: 'armchair',
          fromLocationId: 'wh-north',
          toLocationId: 'store-bath',
          qty: 1,
        },
        auth: staff,
      })
    ).transferId;
    received = (
      await api.transferStock({
        data: {
          idempotencyKey: key(),
          sku: 'armchair',
          fromLocationId: 'store-bath',
          toLocationId: 'wh-south',
          qty: 1,
        },
        auth: staff,
      })
    ).transferId;
    await api.receiveTransfer({ data: { idempotencyKey: key(), transferId: received }, auth: staff });
  });
  after(() => fs.stop());

  const reserve = (data: unknown, auth: CallRequest['auth'] = ivy): CallRequest => ({ data, auth });
  const k = () => key('bad');
  const cases = (): Case[] => [
    {
      name: 'no signed-in user',
      call: 'reserveStock',
      req: { data: {}, auth: undefined },
      code: 'unauthenticated',
    },
    { name: 'data is not an object', call: 'reserveStock', req: reserve('lines'), code: 'invalid-argument' },
    {
      name: 'missing idempotency key',
      call: 'reserveStock',
      req: reserve({ lines: [{ sku: 'armchair', qty: 1 }] }),
      code: 'invalid-argument',
      details: { field: 'idempotencyKey' },
    },
    {
      name: 'missing lines',
      call: 'reserveStock',
      req: reserve({ idempotencyKey: k() }),
      code: 'invalid-argument',
      details: { field: 'lines' },
    },
    {
      name: 'empty cart',
      call: 'reserveStock',
      req: reserve({ idempotencyKey: k(), lines: [] }),
      code: 'invalid-argument',
      details: { field: 'lines' },
    },
    ...(['2', -1, 0, 1.5, 1e9, null, Number.NaN] as unknown[]).map((qty): Case => ({
      name: `quantity ${String(qty)}`,
      call: 'reserveStock',
      req: reserve({ idempotencyKey: k(), lines: [{ sku: 'armchair', qty }] }),
      code: 'invalid-argument',
      details: { field: 'lines.0.qty' },
    })),
    {
      name: 'sku with a slash',
      call: 'reserveStock',
      req: reserve({ idempotencyKey: k(), lines: [{ sku: 'arm/chair', qty: 1 }] }),
      code: 'invalid-argument',
      details: { field: 'lines.0.sku' },
    },
    {
      name: 'the same sku twice',
      call: 'reserveStock',
      req: reserve({
        idempotencyKey: k(),
        lines: [
          { sku: 'armchair', qty: 1 },
          { sku: 'armchair', qty: 1 },
        ],
      }),
      code: 'invalid-argument',
      details: { field: 'lines.1.sku' },
    },
    {
      name: 'unknown sku',
      call: 'reserveStock',
      req: reserve({
        idempotencyKey: k(),
        lines: [
          { sku: 'armchair', qty: 1 },
          { sku: 'no-such-sku', qty: 1 },
        ],
      }),
      code: 'not-found',
      details: { kind: 'sku', id: 'no-such-sku' },
    },
    {
      name: 'more than there is (one line of a cart)',
      call: 'reserveStock',
      req: reserve({
        idempotencyKey: k(),
        lines: [
          { sku: 'ottoman', qty: 1 },
          { sku: 'armchair', qty: 3 },
        ],
      }),
      code: 'resource-exhausted',
      details: { sku: 'armchair', requested: 3, available: 2 },
    },
    {
      name: 'more than there is (hot sku)',
      call: 'reserveStock',
      req: reserve({ idempotencyKey: k(), lines: [{ sku: 'ottoman', qty: 9 }], allowSplit: true }),
      code: 'resource-exhausted',
      details: { sku: 'ottoman', requested: 9, available: 5 },
    },
    {
      name: 'checkout without a reservation id',
      call: 'checkout',
      req: reserve({ idempotencyKey: k() }),
      code: 'invalid-argument',
      details: { field: 'reservationId' },
    },
    {
      name: 'checkout of an unknown reservation',
      call: 'checkout',
      req: reserve({ idempotencyKey: k(), reservationId: 'nope' }),
      code: 'not-found',
    },
    {
      name: "checkout of someone else's reservation",
      call: 'checkout',
      req: reserve({ idempotencyKey: k(), reservationId }, jon),
      code: 'permission-denied',
    },
    {
      name: 'checkout of a reservation already checked out',
      call: 'checkout',
      req: reserve({ idempotencyKey: k(), reservationId: checkedOut }),
      code: 'failed-precondition',
      details: { reason: 'reservation_checked_out' },
    },
    {
      name: "release of someone else's reservation",
      call: 'releaseReservation',
      req: reserve({ idempotencyKey: k(), reservationId }, jon),
      code: 'permission-denied',
    },
    {
      name: 'a line given as an array',
      call: 'reserveStock',
      req: reserve({ idempotencyKey: k(), lines: [['armchair', 1]] }),
      code: 'invalid-argument',
      details: { field: 'lines.0' },
    },
    {
      name: 'lines given as an object',
      call: 'reserveStock',
      req: reserve({ idempotencyKey: k(), lines: { 0: { sku: 'armchair', qty: 1 } } }),
      code: 'invalid-argument',
      details: { field: 'lines' },
    },
    {
      name: 'a cart over the line limit',
      call: 'reserveStock',
      req: reserve({
        idempotencyKey: k(),
        lines: Array.from({ length: 51 }, (_, i) => ({ sku: `sku-${i}`, qty: 1 })),
      }),
      code: 'invalid-argument',
      details: { field: 'lines' },
    },
    {
      name: 'an idempotency key too short to be unique',
      call: 'reserveStock',
      req: reserve({ idempotencyKey: 'abc', lines: [{ sku: 'armchair', qty: 1 }] }),
      code: 'invalid-argument',
      details: { field: 'idempotencyKey' },
    },
    {
      name: 'release of a reservation already checked out',
      call: 'releaseReservation',
      req: reserve({ idempotencyKey: k(), reservationId: checkedOut }),
      code: 'failed-precondition',
      details: { reason: 'reservation_checked_out' },
    },
    {
      name: 'restock with the staff claim false',
      call: 'restock',
      req: reserve(
        { idempotencyKey: k(), sku: 'armchair', locationId: 'wh-north', qty: 1 },
        user('mo', { staff: false }),
      ),
      code: 'permission-denied',
    },
    {
      name: 'restock with a staff claim that is not the boolean true',
      call: 'restock',
      req: reserve(
        { idempotencyKey: k(), sku: 'armchair', locationId: 'wh-north', qty: 1 },
        user('mo', { staff: 'true' }),
      ),
      code: 'permission-denied',
    },
    {
      name: 'restock without signing in',
      call: 'restock',
      req: {
        data: { idempotencyKey: k(), sku: 'armchair', locationId: 'wh-north', qty: 1 },
        auth: undefined,
      },
      code: 'unauthenticated',
    },
    {
      name: 'restock without the staff claim',
      call: 'restock',
      req: reserve({ idempotencyKey: k(), sku: 'armchair', locationId: 'wh-north', qty: 1 }),
      code: 'permission-denied',
    },
    {
      name: 'restock of a huge quantity',
      call: 'restock',
      req: reserve({ idempotencyKey: k(), sku: 'armchair', locationId: 'wh-north', qty: 1e6 }, staff),
      code: 'invalid-argument',
      details: { field: 'qty' },
    },
    {
      name: 'restock at an unknown location',
      call: 'restock',
      req: reserve({ idempotencyKey: k(), sku: 'armchair', locationId: 'mars', qty: 1 }, staff),
      code: 'not-found',
      details: { kind: 'location', id: 'mars' },
    },
    {
      name: 'restock of an unknown sku',
      call: 'restock',
      req: reserve({ idempotencyKey: k(), sku: 'ghost', locationId: 'wh-north', qty: 1 }, staff),
      code: 'not-found',
      details: { kind: 'sku', id: 'ghost' },
    },
    {
      name: 'adjustment of zero',
      call: 'adjustStock',
      req: reserve(
        { idempotencyKey: k(), sku: 'armchair', locationId: 'wh-north', delta: 0, reason: 'lost' },
        staff,
      ),
      code: 'invalid-argument',
      details: { field: 'delta' },
    },
    {
      name: 'adjustment without a known reason',
      call: 'adjustStock',
      req: reserve(
        { idempotencyKey: k(), sku: 'armchair', locationId: 'wh-north', delta: -1, reason: 'because' },
        staff,
      ),
      code: 'invalid-argument',
      details: { field: 'reason' },
    },
    {
      name: 'adjustment below what is available',
      call: 'adjustStock',
      req: reserve(
        { idempotencyKey: k(), sku: 'armchair', locationId: 'wh-north', delta: -3, reason: 'lost' },
        staff,
      ),
      code: 'resource-exhausted',
      details: { sku: 'armchair', requested: 3, available: 2 },
    },
    {
      name: 'transfer to the same place',
      call: 'transferStock',
      req: reserve(
        {
          idempotencyKey: k(),
          sku: 'armchair',
          fromLocationId: 'wh-north',
          toLocationId: 'wh-north',
          qty: 1,
        },
        staff,
      ),
      code: 'invalid-argument',
      details: { field: 'toLocationId' },
    },
    {
      name: 'transfer of more than is available',
      call: 'transferStock',
      req: reserve(
        { idempotencyKey: k(), sku: 'ottoman', fromLocationId: 'wh-south', toLocationId: 'wh-north', qty: 6 },
        staff,
      ),
      code: 'resource-exhausted',
      details: { sku: 'ottoman', requested: 6, available: 5 },
    },
    {
      name: 'receiving an unknown transfer',
      call: 'receiveTransfer',
      req: reserve({ idempotencyKey: k(), transferId: 'nope' }, staff),
      code: 'not-found',
    },
    {
      name: 'receiving a transfer twice',
      call: 'receiveTransfer',
      req: reserve({ idempotencyKey: k(), transferId: received }, staff),
      code: 'failed-precondition',
      details: { reason: 'transfer_received' },
    },
    {
      name: 'transfer to an unknown location',
      call: 'transferStock',
      req: reserve(
        { idempotencyKey: k(), sku: 'armchair', fromLocationId: 'wh-north', toLocationId: 'mars', qty: 1 },
        staff,
      ),
      code: 'not-found',
      details: { kind: 'location', id: 'mars' },
    },
    {
      name: 'return of a sku the order does not hold',
      call: 'recordReturn',
      req: reserve(
        {
          idempotencyKey: k(),
          orderId: checkedOut,
          sku: 'armchair',
          qty: 1,
          locationId: 'wh-north',
          condition: 'resellable',
        },
        staff,
      ),
      code: 'not-found',
    },
    {
      name: 'receiving a transfer as a customer',
      call: 'receiveTransfer',
      req: reserve({ idempotencyKey: k(), transferId }),
      code: 'permission-denied',
    },
    {
      name: 'return of an unknown order',
      call: 'recordReturn',
      req: reserve(
        {
          idempotencyKey: k(),
          orderId: 'nope',
          sku: 'ottoman',
          qty: 1,
          locationId: 'wh-south',
          condition: 'resellable',
        },
        staff,
      ),
      code: 'not-found',
    },
    {
      name: 'return of more than was bought',
      call: 'recordReturn',
      req: reserve(
        {
          idempotencyKey: k(),
          orderId: checkedOut,
          sku: 'ottoman',
          qty: 2,
          locationId: 'wh-south',
          condition: 'resellable',
        },
        staff,
      ),
      code: 'failed-precondition',
    },
    {
      name: 'return in an unknown condition',
      call: 'recordReturn',
      req: reserve(
        {
          idempotencyKey: k(),
          orderId: checkedOut,
          sku: 'ottoman',
          qty: 1,
          locationId: 'wh-south',
          condition: 'meh',
        },
        staff,
      ),
      code: 'invalid-argument',
      details: { field: 'condition' },
    },
    {
      name: 'shard count by staff (admins only)',
      call: 'setShardCount',
      req: reserve({ idempotencyKey: k(), sku: 'ottoman', locationId: 'wh-south', count: 8 }, staff),
      code: 'permission-denied',
    },
    {
      name: 'shards at an unknown location',
      call: 'setShardCount',
      req: reserve({ idempotencyKey: k(), sku: 'ottoman', locationId: 'mars', count: 4 }, admin),
      code: 'not-found',
      details: { kind: 'location', id: 'mars' },
    },
    {
      name: 'lowering a shard count',
      call: 'setShardCount',
      req: reserve({ idempotencyKey: k(), sku: 'ottoman', locationId: 'wh-south', count: 1 }, admin),
      code: 'failed-precondition',
    },
  ];

  test('each is refused clearly and changes nothing', async () => {
    for (const c of cases()) {
      const before = await everything(fs.adminDb);
      await assert.rejects(
        (api[c.call] as (r: CallRequest) => Promise<unknown>)(c.req),
        (err: { code: string; message: string; details?: Record<string, unknown> }) => {
          assert.equal(err.code, c.code, `${c.name}: ${err.message}`);
          assert.ok(err.message.length > 10, `${c.name}: message "${err.message}"`);
          for (const [k, v] of Object.entries(c.details ?? {}))
            assert.deepEqual(err.details?.[k], v, `${c.name}: details.${k} (${err.message})`);
          return true;
        },
        c.name,
      );
      assert.deepEqual(await everything(fs.adminDb), before, `${c.name} wrote something`);
    }
    await assertInvariants(fs.adminDb);
  });
});
