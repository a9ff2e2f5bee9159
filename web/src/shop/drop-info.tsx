/** What a shopper sees of limits for drops and bundles: a SKU's cap per customer, a bundle's set. */
import { doc, onSnapshot } from 'firebase/firestore';
import { useState } from 'preact/hooks';
import type { InventoryDoc, ProductDoc } from '@hearth/contracts';
import { reserve, toHearthError } from '@hearth/client';
import { useClient, useSession } from '../session';
import { Alert } from '../ui/field';
import { useLive } from '../ui/hooks';

/** "Limit 2 per customer", live from the SKU's availability document (nothing when uncapped). */
export function LimitNote({ sku }: { sku: string }) {
  const client = useClient();
  const inv = useLive<InventoryDoc | null>(
    (set, fail) =>
      onSnapshot(
        doc(client.db, 'inventory', sku),
        (s) => set(s.exists() ? (s.data() as InventoryDoc) : null),
        (err) => fail(toHearthError(err)),
      ),
    [sku],
  );
  const limit = inv.value?.purchaseLimit;
  if (!limit) return null;
  const per = limit.periodHours === null ? '' : ` every ${limit.periodHours} hours`;
  return (
    <span class="muted" data-limit={limit.units}>
      {' '}
      · Limit {limit.units} per customer{per}
    </span>
  );
}

/** A bundle's contents and one button that holds the whole set (all or nothing). */
export function BundleContents({ product }: { product: ProductDoc & { id: string } }) {
  const client = useClient();
  const session = useSession();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  if (!product.bundle) return null;
  const hold = async () => {
    const res = await reserve(client, [], { bundles: [{ productId: product.id, qty: 1 }] });
    setOutcome(
      res.ok
        ? { ok: true, text: `The set is held until ${new Date(res.value.expiresAt).toLocaleTimeString()}` }
        : { ok: false, text: res.error.message },
    );
  };
  return (
    <section aria-labelledby="bundle-title" data-bundle={product.id}>
      <h2 id="bundle-title">In this set</h2>
      <ul>
        {product.bundle.components.map((c) => (
          <li>
            {c.qty} × {c.sku}
            <LimitNote sku={c.sku} />
          </li>
        ))}
      </ul>
      <button type="button" disabled={!session.user} onClick={() => void hold()}>
        Hold the whole set
      </button>
      {!session.user && <span class="muted"> Sign in to hold it.</span>}
      {outcome && <Alert kind={outcome.ok ? 'ok' : undefined}>{outcome.text}</Alert>}
    </section>
  );
}
