/**
 * A product page: its variants, each with live availability ("Only 2 left") from watchAvailability,
 * which sums a hot SKU's shards so the figure is exact at every snapshot; add to cart; similar items.
 */
import { useEffect, useState } from 'preact/hooks';
import { similarItems, watchAvailability, type Availability } from '@hearth/client';
import { money, shopperAvailability } from '../format';
import { useClient, useSession } from '../session';
import { useLive } from '../ui/hooks';
import { Alert } from '../ui/field';
import { addToCart } from './cart-store';
import { BundleContents, LimitNote } from './drop-info';
import { label } from './facets';
import { ProductCard } from './product-card';
import { optionsText, productsById, watchProduct, type Product, type Variant } from './products';

function VariantRow(props: { product: Product; variant: Variant }) {
  const { product, variant } = props;
  const client = useClient();
  const [added, setAdded] = useState(false);
  // One watch per variant, so a variant that is not stocked does not hold back the others.
  const { value: a, error } = useLive<Availability>(
    (set, fail) => watchAvailability(client, variant.sku, set, { onError: fail }),
    [variant.sku],
  );
  const shown = a
    ? shopperAvailability(a.status, a.forSale)
    : error?.code === 'not-found'
      ? 'Not stocked'
      : error
        ? 'Availability unknown'
        : 'Checking…';
  const sellable = a && (a.forSale > 0 || a.status === 'backorder' || a.status === 'made_to_order');
  return (
    <tr data-sku={variant.sku}>
      <th scope="row">{optionsText(variant)}</th>
      <td>{money(variant.priceMinor)}</td>
      <td class={`availability status-${a?.status ?? 'loading'}`} data-testid={`availability-${variant.sku}`}>
        {shown}
        <LimitNote sku={variant.sku} />
      </td>
      <td>
        <button
          type="button"
          disabled={!sellable}
          aria-label={`Add to cart: ${optionsText(variant)}`}
          onClick={() => {
            addToCart({
              sku: variant.sku,
              productId: product.id,
              name: product.name,
              options: optionsText(variant),
              priceMinor: variant.priceMinor,
            });
            setAdded(true);
          }}
        >
          Add to cart
        </button>
        {added && (
          <span role="status" class="muted">
            {' '}
            Added
          </span>
        )}
      </td>
    </tr>
  );
}

function Similar({ productId }: { productId: string }) {
  const client = useClient();
  const { user } = useSession();
  const [items, setItems] = useState<Product[]>([]);
  useEffect(() => {
    setItems([]);
    if (!user) return;
    let live = true;
    void similarItems(client, productId, { limit: 4 }).then(async (res) => {
      if (!res.ok) return; // no live model yet: the page works without it
      const found = await productsById(
        client,
        res.value.items.map((i) => i.productId),
      );
      if (live) setItems([...found.values()]);
    });
    return () => void (live = false);
  }, [client, productId, user?.uid]);
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="similar-title">
      <h2 id="similar-title">Similar items</h2>
      <ul class="cards">
        {items.map((p) => (
          <ProductCard product={p} />
        ))}
      </ul>
    </section>
  );
}

export function ProductPage({ productId }: { productId: string }) {
  const client = useClient();
  const page = useLive<{ product: Product | null; variants: Variant[] }>(
    (set, fail) => watchProduct(client, productId, set, fail),
    [productId],
  );
  if (page.error) return <Alert>Could not load this product: {page.error.message}</Alert>;
  if (!page.value) return <p aria-busy="true">Loading…</p>;
  const { product, variants } = page.value;
  if (!product) return <Alert>No such product.</Alert>;
  return (
    <article aria-labelledby="product-title">
      <p class="muted">
        <a href={`#/?room=${product.room ?? ''}`}>{label(product.room ?? 'home')}</a> ·{' '}
        {label(product.category)}
        {product.styleTags.length > 0 && ` · ${product.styleTags.map(label).join(', ')}`}
      </p>
      <h1 id="product-title">{product.name}</h1>
      {product.description && <p>{product.description}</p>}
      <BundleContents product={product} />
      <table class="variants">
        <caption>Variants and live availability</caption>
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col">Price</th>
            <th scope="col">Availability</th>
            <th scope="col">
              <span class="visually-hidden">Cart</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {variants.map((v) => (
            <VariantRow product={product} variant={v} />
          ))}
        </tbody>
      </table>
      <Similar productId={product.id} />
    </article>
  );
}
