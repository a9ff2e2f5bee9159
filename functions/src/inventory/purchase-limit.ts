/**
 * setPurchaseLimit (staff): sets or lifts a SKU's cap per customer. The cap lives on the
 * availability document, which every batch of reservations reads already, so checking it costs
 * the hot path nothing; a batch planned on the document as it was before the change still applies
 * the old cap (the change takes effect from the next batch that reads it).
 *
 * Lowering a cap below what a customer already holds or bought cancels nothing: they keep what
 * they have and can take no more until their window turns. No stock moves, so no ledger entry.
 */
import { InventoryDoc, type SetPurchaseLimitRequest, type SetPurchaseLimitResponse } from '@hearth/contracts';
import type { Deps } from './deps';
import { notFound } from './errors';
import { once } from './idempotency';
import { inventoryRef } from './paths';
import type { Staff } from './staff';

export function setPurchaseLimit(
  deps: Deps,
  staff: Staff,
  req: SetPurchaseLimitRequest,
): Promise<SetPurchaseLimitResponse> {
  return once(
    deps,
    { scope: 'setPurchaseLimit', uid: staff.uid, key: req.idempotencyKey, request: req },
    'set the purchase limit',
    async (tx) => {
      const ref = inventoryRef(deps.db, req.sku);
      const snap = await tx.get(ref);
      if (!snap.exists) throw notFound('sku', req.sku);
      InventoryDoc.parse(snap.data());
      tx.update(ref, { purchaseLimit: req.limit });
      return { sku: req.sku, limit: req.limit };
    },
  );
}
