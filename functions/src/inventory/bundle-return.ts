/**
 * A return of one line of a bundle returns the bundle: a dining set comes back as a set (the
 * table with its six chairs), all or nothing. The units named are of the line's SKU and must be a
 * whole number of sets; every line of the bundle takes back as many sets, each at the chosen
 * location and in the chosen condition, and nothing changes if any line has fewer sets left to
 * return (cancelled or returned units never come back twice).
 */
import { Timestamp } from 'firebase-admin/firestore';
import type { CustomerEvent, OrderDoc, RecordReturnRequest, StockChangeResponse } from '@hearth/contracts';
import type { DocumentReference } from 'firebase-admin/firestore';
import { eventsOf } from '../platform/paths';
import type { Tx } from '../platform/transaction';
import type { Deps } from './deps';
import { InventoryError } from './errors';
import { historyEntry, orderStatusOf } from './order-lines';
import { orderEvent } from './outbox-events';
import { putUnits } from './placement';
import type { Staff } from './staff';
import type { StockTx } from './stock-tx';

type Line = OrderDoc['lines'][number];

const perSet = (line: Line) => line.unitsPerBundle ?? 1;
const setsLeft = (line: Line) =>
  Math.floor((line.qty - (line.cancelled ?? 0) - line.returned) / perSet(line));

export async function returnBundle(
  deps: Deps,
  staff: Staff,
  st: StockTx,
  tx: Tx,
  ref: DocumentReference,
  order: OrderDoc,
  lineIndex: number,
  req: RecordReturnRequest,
): Promise<Omit<StockChangeResponse, 'sku' | 'locationId'>> {
  const named = order.lines[lineIndex]!;
  const bundleId = named.bundleId!;
  if (req.qty % perSet(named) !== 0)
    throw new InventoryError(
      'invalid-argument',
      `qty: ${req.sku} is part of bundle ${bundleId}, ${perSet(named)} to a set; return whole sets (a multiple of ${perSet(named)}), and the rest of the set comes back with it`,
      { field: 'qty', issues: [{ field: 'qty', message: `must be a multiple of ${perSet(named)}` }] },
    );
  const sets = req.qty / perSet(named);
  const members = order.lines.flatMap((l, i) => (l.bundleId === bundleId ? [i] : []));
  const short = members.find((i) => setsLeft(order.lines[i]!) < sets);
  if (short !== undefined)
    throw new InventoryError(
      'failed-precondition',
      `Order ${req.orderId} has ${setsLeft(order.lines[short]!)} set(s) of bundle ${bundleId} left to return (${order.lines[short]!.sku} is short); ${sets} were brought back`,
      { reason: 'return_exceeds_order', returnable: setsLeft(order.lines[short]!) * perSet(named) },
    );
  const { ids, back, at } = await takeBack(deps, st, tx, order, members, sets, req, bundleId);
  const lines = order.lines.map((l, i) => (back.has(i) ? { ...l, returned: l.returned + back.get(i)! } : l));
  const status = orderStatusOf(lines);
  tx.update(ref, {
    lines,
    status,
    statusHistory: [...order.statusHistory, { status, at }],
    history: [
      ...order.history,
      ...members.map((i) =>
        historyEntry({
          at,
          by: staff,
          action: 'returned',
          lineIndex: i,
          qty: back.get(i)!,
          note: req.condition,
        }),
      ),
    ],
  });
  st.emit(
    orderEvent('order.returned', req.orderId, {
      sku: req.sku,
      qty: req.qty,
      condition: req.condition,
      locationId: req.locationId,
      status,
      bundleId,
    }),
  );
  return { kind: req.condition === 'resellable' ? 'return' : 'damaged', qty: req.qty, ledgerEntryIds: ids };
}

/** Puts every line of the bundle back (or records it damaged), with the customer's return events. */
async function takeBack(
  deps: Deps,
  st: StockTx,
  tx: Tx,
  order: OrderDoc,
  members: number[],
  sets: number,
  req: RecordReturnRequest,
  bundleId: string,
): Promise<{ ids: string[]; back: Map<number, number>; at: Timestamp }> {
  await st.loadInventory(members.map((i) => order.lines[i]!.sku));
  const ids: string[] = [];
  const at = Timestamp.fromDate(deps.clock.now());
  const back = new Map<number, number>();
  for (const i of members) {
    const line = order.lines[i]!;
    const qty = sets * perSet(line);
    back.set(i, qty);
    const move = {
      sku: line.sku,
      locationId: req.locationId,
      reason: `return of bundle ${bundleId} of order ${req.orderId}`,
    };
    const lineIds =
      req.condition === 'resellable'
        ? await putUnits(st, { ...move, kind: 'return' }, qty)
        : [st.apply({ ...move, kind: 'damaged', qty, shard: null })];
    ids.push(...lineIds);
    const event: CustomerEvent = {
      kind: 'return',
      productId: st.inventory(line.sku).productId,
      sku: line.sku,
      quantity: qty,
      at,
    };
    tx.set(eventsOf(deps.db, order.customerId).doc(`return-${lineIds[0]}`), event);
  }
  return { ids, back, at };
}
