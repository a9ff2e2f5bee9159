/**
 * transferStock and receiveTransfer. Shipping takes the units off the source's onHand and shows
 * them as inTransit at the destination: sellable at neither. Receiving puts them on hand there.
 */
import { Timestamp } from 'firebase-admin/firestore';
import {
  type ReceiveTransferRequest,
  TransferDoc,
  type TransferResponse,
  type TransferStockRequest,
} from '@hearth/contracts';
import type { Deps } from './deps';
import { notFound, precondition } from './errors';
import { once } from './idempotency';
import { loadLocations } from './locations';
import { transferRef } from './paths';
import { putUnits, takeUnits } from './placement';
import type { Staff } from './staff';
import { StockTx } from './stock-tx';

export async function transferStock(
  deps: Deps,
  staff: Staff,
  req: TransferStockRequest,
): Promise<TransferResponse> {
  const locations = await loadLocations(deps);
  for (const id of [req.fromLocationId, req.toLocationId])
    if (!locations.has(id)) throw notFound('location', id);
  const answer = await once(
    deps,
    { scope: 'transferStock', uid: staff.uid, key: req.idempotencyKey, request: req },
    'ship the transfer',
    async (tx, opId) => {
      const st = new StockTx(tx, deps, {
        actor: staff,
        correlationId: opId,
        idempotencyKey: req.idempotencyKey,
        opId,
      });
      await st.loadInventory([req.sku]);
      const move = {
        kind: 'transfer_out' as const,
        sku: req.sku,
        locationId: req.fromLocationId,
        toLocationId: req.toLocationId,
        reason: `transfer ${opId}`,
      };
      await takeUnits(st, move, req.qty);
      deps.checkpoint?.('transferStock:before-write');
      st.write();
      const transfer: TransferDoc = {
        sku: req.sku,
        fromLocationId: req.fromLocationId,
        toLocationId: req.toLocationId,
        qty: req.qty,
        status: 'in_transit',
        shippedAt: Timestamp.fromDate(deps.clock.now()),
        receivedAt: null,
      };
      tx.create(transferRef(deps.db, opId), transfer);
      return { transferId: opId, status: 'in_transit' as const };
    },
  );
  deps.refresher?.request(req.sku);
  return answer;
}

export async function receiveTransfer(
  deps: Deps,
  staff: Staff,
  req: ReceiveTransferRequest,
): Promise<TransferResponse> {
  let sku = '';
  const answer = await once(
    deps,
    { scope: 'receiveTransfer', uid: staff.uid, key: req.idempotencyKey, request: req },
    'receive the transfer',
    async (tx, opId) => {
      const ref = transferRef(deps.db, req.transferId);
      const snap = await tx.get(ref);
      if (!snap.exists) throw notFound('transfer', req.transferId);
      const transfer = TransferDoc.parse(snap.data());
      if (transfer.status !== 'in_transit')
        throw precondition('transfer_received', `Transfer ${req.transferId} was already received`);
      const st = new StockTx(tx, deps, {
        actor: staff,
        correlationId: req.transferId,
        idempotencyKey: req.idempotencyKey,
        opId,
      });
      await st.loadInventory([transfer.sku]);
      await putUnits(
        st,
        {
          kind: 'transfer_in',
          sku: transfer.sku,
          locationId: transfer.toLocationId,
          reason: `transfer ${req.transferId}`,
        },
        transfer.qty,
      );
      st.write();
      tx.update(ref, { status: 'received', receivedAt: Timestamp.fromDate(deps.clock.now()) });
      sku = transfer.sku;
      return { transferId: req.transferId, status: 'received' as const };
    },
  );
  if (sku) deps.refresher?.request(sku);
  return answer;
}
