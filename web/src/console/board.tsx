/**
 * The live stock board: SKUs x locations with every counter, coloured by status, filtered by
 * status, location, hot SKUs and SKU prefix. It follows `inventory/{sku}` documents as stock moves;
 * a hot SKU's sharded figures there are the aggregate (its page sums the shards live).
 */
import type { InventoryDoc, StockStatus } from '@hearth/contracts';
import { watchStock, type WithId } from '@hearth/client';
import { statusLabel } from '../format';
import { href, type Route } from '../router';
import { useClient } from '../session';
import { Alert } from '../ui/field';
import { useLive } from '../ui/hooks';
import { useLocations } from './locations';

const FIGURES = ['onHand', 'reserved', 'available', 'incoming', 'inTransit', 'damaged'] as const;
const FIGURE_LABELS: Record<(typeof FIGURES)[number], string> = {
  onHand: 'On hand',
  reserved: 'Reserved',
  available: 'Available',
  incoming: 'Incoming',
  inTransit: 'In transit',
  damaged: 'Damaged',
};

function setFilter(key: string, value: string) {
  const q = new URLSearchParams(location.hash.split('?')[1] ?? '');
  if (value) q.set(key, value);
  else q.delete(key);
  location.hash = `#/console?${q}`;
}

function Filters({ route }: { route: Route }) {
  const locations = useLocations();
  const q = route.query;
  return (
    <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
      <label>
        SKU starts with{' '}
        <input
          type="search"
          value={q.get('sku') ?? ''}
          onChange={(e) => setFilter('sku', e.currentTarget.value)}
        />
      </label>
      <label>
        Status{' '}
        <select value={q.get('status') ?? ''} onChange={(e) => setFilter('status', e.currentTarget.value)}>
          <option value="">Any</option>
          {Object.entries(statusLabel).map(([v, l]) => (
            <option value={v}>{l}</option>
          ))}
        </select>
      </label>
      <label>
        Location{' '}
        <select
          value={q.get('location') ?? ''}
          onChange={(e) => setFilter('location', e.currentTarget.value)}
        >
          <option value="">All</option>
          {locations.map((l) => (
            <option value={l.id}>{l.name}</option>
          ))}
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          checked={q.get('hot') === '1'}
          onChange={(e) => setFilter('hot', e.currentTarget.checked ? '1' : '')}
        />{' '}
        Hot SKUs only
      </label>
    </form>
  );
}

function Rows({ inv, only }: { inv: WithId<InventoryDoc>; only: string }) {
  const locs = Object.entries(inv.locations)
    .filter(([id]) => !only || id === only)
    .sort(([a], [b]) => a.localeCompare(b));
  const hot = Object.keys(inv.shards ?? {}).length > 0;
  return (
    <>
      {locs.map(([id, l], i) => (
        <tr class={`status-${inv.status}`} data-sku={inv.sku} data-location={id}>
          {i === 0 && (
            <th scope="rowgroup" rowSpan={locs.length}>
              <a href={href('console', 'sku', inv.sku)}>{inv.sku}</a>
              {hot && <span class="badge hot">hot</span>}
              <br />
              <span class={`badge status ${inv.status}`}>{statusLabel[inv.status]}</span>
            </th>
          )}
          <td>{id}</td>
          {FIGURES.map((f) => (
            <td class="num" data-figure={f}>
              {l[f]}
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

export function Board({ route }: { route: Route }) {
  const client = useClient();
  const status = (route.query.get('status') ?? '') as StockStatus | '';
  const sku = route.query.get('sku') ?? '';
  const only = route.query.get('location') ?? '';
  const hotOnly = route.query.get('hot') === '1';
  const stock = useLive<WithId<InventoryDoc>[]>(
    (set, fail) =>
      watchStock(client, { ...(status ? { status } : {}), skuPrefix: sku, limit: 100 }, set, fail),
    [status, sku],
  );
  const rows = (stock.value ?? []).filter(
    (inv) => (!hotOnly || Object.keys(inv.shards ?? {}).length > 0) && (!only || only in inv.locations),
  );
  return (
    <section aria-labelledby="board-title">
      <h1 id="board-title">Live stock board</h1>
      <Filters route={route} />
      {stock.error && <Alert>Could not watch stock: {stock.error.message}</Alert>}
      {stock.value === undefined && !stock.error && <p aria-busy="true">Loading…</p>}
      <table class="board">
        <caption>
          {rows.length} SKUs{stock.value?.length === 100 ? ' (the first 100; narrow the filters)' : ''}, live
        </caption>
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Location</th>
            {FIGURES.map((f) => (
              <th scope="col" class="num">
                {FIGURE_LABELS[f]}
              </th>
            ))}
          </tr>
        </thead>
        {rows.map((inv) => (
          <tbody>
            <Rows inv={inv} only={only} />
          </tbody>
        ))}
      </table>
    </section>
  );
}
