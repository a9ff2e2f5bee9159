/** One product in a grid: name, where it belongs, its price range, and why it is shown. */
import { href } from '../router';
import { money } from '../format';
import { label } from './facets';
import type { Product } from './products';

export function ProductCard({ product, note }: { product: Product; note?: string }) {
  const price = product.priceRangeMinor;
  return (
    <li class="card">
      <a href={href('p', product.id)}>
        <span class="card-title">{product.name}</span>
      </a>
      <span class="muted">
        {label(product.category)} · {label(product.room ?? 'home')}
      </span>
      {price && (
        <span>
          {price.min === price.max ? money(price.min) : `${money(price.min)} – ${money(price.max)}`}
        </span>
      )}
      {note && <span class="reason">{note}</span>}
    </li>
  );
}
