/** The storefront's home: products by room, category and style, a name search, and picks for the shopper. */
import type { Route } from '../router';
import { useClient } from '../session';
import { useLive } from '../ui/hooks';
import { Alert } from '../ui/field';
import { CATEGORIES, ROOMS, STYLES, label } from './facets';
import { watchCatalog, type Product } from './products';
import { ProductCard } from './product-card';
import { Picks } from './picks';

function setQuery(key: string, value: string) {
  const [path = '', search = ''] = location.hash.replace(/^#/, '').split('?');
  const q = new URLSearchParams(search);
  if (value) q.set(key, value);
  else q.delete(key);
  location.hash = `${path || '/'}?${q}`;
}

function Select(props: { name: string; values: string[]; value: string }) {
  return (
    <label>
      {label(props.name)}{' '}
      <select value={props.value} onChange={(e) => setQuery(props.name, e.currentTarget.value)}>
        <option value="">Any</option>
        {props.values.map((v) => (
          <option value={v}>{label(v)}</option>
        ))}
      </select>
    </label>
  );
}

export function Catalog({ route }: { route: Route }) {
  const client = useClient();
  const filter = {
    room: route.query.get('room') ?? '',
    category: route.query.get('category') ?? '',
    style: route.query.get('style') ?? '',
    search: route.query.get('q') ?? '',
  };
  const { value: products, error } = useLive<Product[]>(
    (set, fail) => watchCatalog(client, filter, set, fail),
    [filter.room, filter.category, filter.style, filter.search],
  );
  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">Shop the catalog</h1>
      <Picks />
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery('q', (new FormData(e.currentTarget).get('q') as string) ?? '');
        }}
      >
        <label>
          Search by name <input name="q" type="search" value={filter.search} placeholder="e.g. heart" />
        </label>
        <button type="submit">Search</button>
        <Select name="room" values={ROOMS} value={filter.room} />
        <Select name="category" values={CATEGORIES} value={filter.category} />
        <Select name="style" values={STYLES} value={filter.style} />
      </form>
      {error && <Alert>Could not load the catalog: {error.message}</Alert>}
      {products === undefined && !error && <p aria-busy="true">Loading…</p>}
      {products?.length === 0 && <p>Nothing matches; try another room or a shorter search.</p>}
      <ul class="cards" aria-label="Products">
        {products?.map((p) => (
          <ProductCard product={p} />
        ))}
      </ul>
    </section>
  );
}
