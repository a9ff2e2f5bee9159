/**
 * setSupplier (staff): a supplier's name and lead time, which replenishment orders ahead of
 * (forecasting/refresh-forecasts.ts reads it for every SKU whose variant names the supplier).
 * A planning figure, not stock: no ledger entry. Setting what is already there writes nothing, so
 * a retried call has one effect without an idempotency key. setSkuSupplier (staff): which
 * supplier a SKU comes from, on its variant, marked as staff-set so a re-seed keeps it.
 */
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import {
  SupplierDoc,
  type SetSkuSupplierRequest,
  type SetSkuSupplierResponse,
  type SetSupplierRequest,
  type SetSupplierResponse,
} from '@hearth/contracts';
import { inventoryRef, suppliersCol, variantRef } from '../platform/paths';
import { runInTransaction } from '../platform/transaction';
import type { Deps } from './deps';
import { notFound } from './errors';
import { once } from './idempotency';
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

/**
 * Moves a SKU to another supplier: the next forecast run plans it with that supplier's lead time
 * and its suggestions name that supplier. An unknown SKU (no inventory document, or one naming no
 * product) or supplier is refused as not-found before anything is written.
 */
export async function setSkuSupplier(
  deps: Deps,
  staff: Staff,
  req: SetSkuSupplierRequest,
): Promise<SetSkuSupplierResponse> {
  return once(
    deps,
    { scope: 'setSkuSupplier', uid: staff.uid, key: req.idempotencyKey, request: req },
    "set the SKU's supplier",
    async (tx) => {
      const [inv, supplier] = await Promise.all([
        tx.get(inventoryRef(deps.db, req.sku)),
        tx.get(suppliersCol(deps.db).doc(req.supplierId)),
      ]);
      const productId = inv.get('productId') as unknown;
      if (!inv.exists || typeof productId !== 'string') throw notFound('SKU', req.sku);
      if (!supplier.exists) throw notFound('supplier', req.supplierId);
      const ref = variantRef(deps.db, productId, req.sku);
      const variant = await tx.get(ref);
      if (!variant.exists) throw notFound('SKU', req.sku);
      const was = variant.get('supplierId') as unknown;
      const previous = typeof was === 'string' ? was : null;
      const changed = previous !== req.supplierId || variant.get('supplierSetBy') === undefined;
      if (changed) tx.update(ref, { supplierId: req.supplierId, supplierSetBy: staff.uid });
      return { sku: req.sku, supplierId: req.supplierId, previous, changed };
    },
  );
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
