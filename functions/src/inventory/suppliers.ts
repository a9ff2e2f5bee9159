/**
 * setSupplier (staff): a supplier's name and lead time, which replenishment orders ahead of
 * (forecasting/refresh-forecasts.ts reads it for every SKU whose variant names the supplier).
 * A planning figure, not stock: no ledger entry. Setting what is already there writes nothing, so
 * a retried call has one effect without an idempotency key.
 */
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { SupplierDoc, type SetSupplierRequest, type SetSupplierResponse } from '@hearth/contracts';
import { suppliersCol } from '../platform/paths';
import { runInTransaction } from '../platform/transaction';
import type { Deps } from './deps';
import type { Staff } from './staff';

export async function setSupplier(
  deps: Deps,
  staff: Staff,
  req: SetSupplierRequest,
): Promise<SetSupplierResponse> {
  const ref = suppliersCol(deps.db).doc(req.supplierId);
  return runInTransaction(deps, 'set the supplier', async (tx) => {
    const snap = await tx.get(ref);
    const was = snap.exists ? SupplierDoc.safeParse(snap.data()) : undefined;
    const same = was?.success && was.data.name === req.name && was.data.leadTimeDays === req.leadTimeDays;
    if (!same) {
      const doc: SupplierDoc = {
        name: req.name,
        leadTimeDays: req.leadTimeDays,
        updatedAt: Timestamp.fromDate(deps.clock.now()),
        updatedBy: staff.uid,
      };
      tx.set(ref, doc);
    }
    return { supplierId: req.supplierId, name: req.name, leadTimeDays: req.leadTimeDays, changed: !same };
  });
}

/** Every supplier by id (a store has tens, not thousands); a document that fails its schema is left out. */
export async function loadSuppliers(db: Firestore): Promise<Map<string, SupplierDoc>> {
  const out = new Map<string, SupplierDoc>();
  for (const d of (await suppliersCol(db).get()).docs) {
    const parsed = SupplierDoc.safeParse(d.data());
    if (parsed.success) out.set(d.id, parsed.data);
  }
  return out;
}
