/** checkout: turns a held, unexpired reservation into an order, selling exactly the held units. */
import { Timestamp } from 'firebase-admin/firestore';
import {
  type CheckoutResponse,
  type CustomerEvent,
  type OrderDoc,
  type ReservationRequest,
  VariantDoc,
} from '@hearth/contracts';
import { countReads, settingsOf } from '../platform/deps';
import type { Deps } from './deps';
import { precondition } from './errors';
import { once } from './idempotency';
import { orderRef, reservationRef, variantRef } from './paths';
import { assertHeld, type Caller, readReservation, settleAllocations } from './reservations';
import { eventsOf } from '../platform/paths';
import { newOrder, newOrderLine, pickupOf } from './order-lines';
import { StockTx } from './stock-tx';
import { orderPlaced } from './outbox-events';
import { giveBack } from './customer-limits';
import { stillOwed } from './backorders';

export async function checkout(
  deps: Deps,
  caller: Caller,
  req: ReservationRequest,
): Promise<CheckoutResponse> {
  const id = req.reservationId;
  const answer = await once(
    deps,
    { scope: 'checkout', uid: caller.uid, key: req.idempotencyKey, request: req },
    'check out',
    async (tx, opId) => {
      const now = deps.clock.now();
      const res = readReservation(await tx.get(reservationRef(deps.db, id)), { ...caller, staff: false });
      assertHeld(id, res, now);
      const waiting = stillOwed(id, res);
      if (waiting) throw waiting;

      // Prices are not stock: read outside the transaction's locks.
      const variants = await deps.db.getAll(...res.lines.map((l) => variantRef(deps.db, l.productId, l.sku)));
      countReads(deps, variants.length);
      const { currency } = settingsOf(deps);
      const lines = res.lines.map((line, i) => {
        const snap = variants[i]!;
        if (!snap.exists)
          throw precondition('price_missing', `${line.sku} has no price; it cannot be sold yet`);
        const variant = VariantDoc.parse(snap.data());
        // One order, one currency: a price in another would make the total meaningless.
        if (variant.currency !== currency)
          throw precondition(
            'price_currency',
            `${line.sku} is priced in ${variant.currency} but this store sells in ${currency} (param STORE_CURRENCY); it cannot be sold until its price is`,
          );
        const unitPriceMinor = variant.priceMinor;
        return { ...line, unitPriceMinor, lineTotalMinor: unitPriceMinor * line.qty };
      });

      const st = new StockTx(tx, deps, {
        actor: { uid: caller.uid, role: 'customer' },
        correlationId: id,
        idempotencyKey: req.idempotencyKey,
        opId,
      });
      await settleAllocations(st, res, 'sale', `order ${id}`);
      // Bought units stay counted against the customer's caps; the hold no longer counts.
      await giveBack(deps, tx, res, { hold: true, units: 'none' });
      deps.checkpoint?.('checkout:before-write');

      const at = Timestamp.fromDate(now);
      const totalMinor = lines.reduce((sum, l) => sum + l.lineTotalMinor, 0);
      const order: OrderDoc = {
        customerId: res.customerId,
        reservationId: id,
        lines: lines.map((l) => ({
          sku: l.sku,
          qty: l.qty,
          unitPriceMinor: l.unitPriceMinor,
          allocations: l.allocations,
          returned: 0,
          ...newOrderLine,
          ...(l.bundleId ? { bundleId: l.bundleId, unitsPerBundle: l.unitsPerBundle ?? null } : {}),
        })),
        totalMinor,
        currency,
        status: 'placed',
        statusHistory: [{ status: 'placed', at }],
        createdAt: at,
        ...newOrder(caller.uid, at, pickupOf(res)),
      };
      st.emit(orderPlaced(id, order));
      st.write();
      tx.create(orderRef(deps.db, id), order);
      tx.update(reservationRef(deps.db, id), { status: 'checked_out', closedAt: at, orderId: id });
      // The store, not the app, records what was bought: recommendations must never offer it again
      // and training must see it. Ids derive from the order, so a retried commit cannot add twice.
      res.lines.forEach((line, i) => {
        const event: CustomerEvent = {
          kind: 'purchase',
          productId: line.productId,
          sku: line.sku,
          quantity: line.qty,
          at,
        };
        tx.set(eventsOf(deps.db, res.customerId).doc(`order-${id}-${i}`), event);
      });
      return {
        orderId: id,
        reservationId: id,
        lines: lines.map((l) => ({
          sku: l.sku,
          qty: l.qty,
          unitPriceMinor: l.unitPriceMinor,
          lineTotalMinor: l.lineTotalMinor,
        })),
        totalMinor,
        currency,
      };
    },
  );
  for (const line of answer.lines) deps.refresher?.request(line.sku);
  return answer;
}
