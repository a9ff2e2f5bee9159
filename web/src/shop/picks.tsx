/** Personal picks with their reasons ("Popular in Scandi"), for a signed-in shopper. */
import { useEffect, useState } from 'preact/hooks';
import { recommendations } from '@hearth/client';
import { useClient, useSession } from '../session';
import { ProductCard } from './product-card';
import { productsById, type Product } from './products';

export function Picks() {
  const client = useClient();
  const { user } = useSession();
  const [picks, setPicks] = useState<Array<{ product: Product; reason: string }> | null>(null);
  useEffect(() => {
    setPicks(null);
    if (!user) return;
    let live = true;
    void (async () => {
      const res = await recommendations(client, { limit: 6 });
      if (!res.ok) return; // picks are a bonus: the catalog works without them
      const products = await productsById(
        client,
        res.value.items.map((i) => i.productId),
      );
      const list = res.value.items.flatMap((i) => {
        const product = products.get(i.productId);
        return product ? [{ product, reason: i.reason }] : [];
      });
      if (live) setPicks(list);
    })();
    return () => void (live = false);
  }, [client, user?.uid]);
  if (!picks?.length) return null;
  return (
    <section aria-labelledby="picks-title" class="picks">
      <h2 id="picks-title">Picked for you</h2>
      <ul class="cards">
        {picks.map((p) => (
          <ProductCard product={p.product} note={p.reason} />
        ))}
      </ul>
    </section>
  );
}
