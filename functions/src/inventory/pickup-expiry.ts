/**
 * expirePickups: click-and-collect goods wait at the store for PICKUP_HOLD_HOURS from the first
 * line ready; past that, every line not collected is cancelled as the store would (its units back
 * on sale, the refund recorded) and the order leaves the query. Run by the expiry schedule.
 */
import { Timestamp } from 'firebase-admin/firestore';
import { countReads } from '../platform/deps';
import type { Deps } from './deps';
import { DomainError } from '../platform/callable';
import { operationId } from './idempotency';
import { cancelInTx } from './order-cancel';
import { orderRef } from './paths';
import { runInTransaction } from '../platform/transaction';

const PAGE = 100;
const system = { uid: 'expirePickups', role: 'system' as const };

export async function expirePickups(deps: Deps): Promise<{ expired: number; failed: string[] }> {
  const now = deps.clock.now();
  const due = await deps.db
    .collection('orders')
    .where('pickup.expiresAt', '<=', Timestamp.fromDate(now))
    .limit(PAGE)
    .get();
  countReads(deps, Math.max(1, due.size));
  let expired = 0;
  const failed: string[] = [];
  for (const d of due.docs) {
    try {
      const done = await runInTransaction(deps, `expire pickup ${d.id}`, async (tx) => {
        // Collected meanwhile, or already expired by an overlapping run: the order says so.
        try {
          const { skus } = await cancelInTx(
            deps,
            tx,
            system,
            { orderId: d.id, reason: `not collected by ${now.toISOString()}`, idempotencyKey: null },
            operationId('expirePickups', system.uid, d.id),
            true,
          );
          return skus;
        } catch (err) {
          if (err instanceof DomainError && err.code === 'failed-precondition') {
            tx.update(orderRef(deps.db, d.id), { 'pickup.expiresAt': null });
            return null;
          }
          throw err;
        }
      });
      if (done) {
        expired++;
        for (const sku of done) deps.refresher?.request(sku);
      }
    } catch (err) {
      console.error(`expiring the pickup of order ${d.id} failed; the next run tries again`, err);
      failed.push(d.id);
    }
  }
  return { expired, failed };
}
