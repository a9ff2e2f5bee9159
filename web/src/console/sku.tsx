/**
 * One SKU for staff: its counters per location and its shards, live; holds on it; its backorders
 * and their queue; the ledger; actions.
 */
import { doc, onSnapshot } from 'firebase/firestore';
import type { InventoryDoc, ReservationDoc, ShardDoc } from '@hearth/contracts';
import { toHearthError, watchHeldReservations, watchShards, type WithId } from '@hearth/client';
import { countdown, statusLabel } from '../format';
import { href } from '../router';
import { useClient } from '../session';
import { Alert } from '../ui/field';
import { useLive, useNow } from '../ui/hooks';
import { Actions } from './actions';
import { BackordersPanel } from './backorders';
import { Ledger } from './ledger';
import { PurchaseLimitPanel } from './purchase-limit';

export function Shards({ sku }: { sku: string }) {
  const client = useClient();
  const shards = useLive<WithId<ShardDoc>[]>((set, fail) => watchShards(client, sku, set, fail), [sku]);
  if (!shards.value?.length) return null;
  const max = Math.max(1, ...shards.value.map((s) => s.onHand));
  return (
    <section aria-labelledby="shards-title">
      <h2 id="shards-title">Shards (live)</h2>
      <ul class="shards">
        {shards.value
          .sort((a, b) => a.locationId.localeCompare(b.locationId) || a.index - b.index)
          .map((s) => (
            <li data-shard={s.id}>
              <span class="shard-name">
                {s.locationId} #{s.index}
              </span>
              <meter min={0} max={max} value={s.available} aria-label={`Shard ${s.id} available`} />
              <span class="num">
                {s.available} available / {s.onHand} on hand
              </span>
            </li>
          ))}
      </ul>
    </section>
  );
}

export function HoldsOn({ sku }: { sku: string }) {
  const client = useClient();
  const now = useNow();
  const holds = useLive<WithId<ReservationDoc>[]>(
    (set, fail) => watchHeldReservations(client, set, { limit: 200, onError: fail }),
    [],
  );
  const mine = (holds.value ?? []).filter((r) => r.lines.some((l) => l.sku === sku));
  return (
    <section aria-labelledby="holds-title">
      <h2 id="holds-title">Holds on {sku}</h2>
      {holds.error && <Alert>{holds.error.message}</Alert>}
      {mine.length === 0 ? (
        <p>None open.</p>
      ) : (
        <ul>
          {mine.map((r) => (
            <li>
              <a href={href('console', 'reservation', r.id)}>{r.id}</a>:{' '}
              {r.lines.find((l) => l.sku === sku)?.qty} by {r.customerId}, expires in{' '}
              {countdown(r.expiresAt.toMillis(), now)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function SkuPage({ sku }: { sku: string }) {
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
  const hot = Object.keys(inv.value?.shards ?? {}).length > 0;
  return (
    <article aria-labelledby="sku-title">
      <p>
        <a href="#/console">← Stock board</a>
        {hot && (
          <>
            {' · '}
            <a href={href('console', 'flash', sku)}>Flash-sale monitor</a>
          </>
        )}
      </p>
      <h1 id="sku-title">
        SKU {sku}{' '}
        {inv.value && <span class={`badge status ${inv.value.status}`}>{statusLabel[inv.value.status]}</span>}
      </h1>
      {inv.error && <Alert>{inv.error.message}</Alert>}
      {inv.value === null && <Alert>No SKU {sku} is stocked.</Alert>}
      {inv.value && (
        <table class="board">
          <caption>
            Per location (product <a href={href('p', inv.value.productId)}>{inv.value.productId}</a>)
          </caption>
          <thead>
            <tr>
              {[
                'Location',
                'On hand',
                'Reserved',
                'Available',
                'Incoming',
                'In transit',
                'Damaged',
                'Backordered',
                'Shards',
              ].map((h) => (
                <th scope="col">{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {Object.entries(inv.value.locations).map(([id, l]) => (
              <tr data-location={id}>
                <th scope="row">{id}</th>
                <td class="num" data-figure="onHand">
                  {l.onHand}
                </td>
                <td class="num" data-figure="reserved">
                  {l.reserved}
                </td>
                <td class="num" data-figure="available">
                  {l.available}
                </td>
                <td class="num">{l.incoming}</td>
                <td class="num">{l.inTransit}</td>
                <td class="num">{l.damaged}</td>
                <td class="num" data-figure="backordered">
                  {l.backordered ?? 0}
                </td>
                <td class="num">{inv.value!.shards[id] ?? '–'}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-location="all">
              <th scope="row">All locations</th>
              <td class="num">{inv.value.onHand}</td>
              <td class="num">{inv.value.reserved}</td>
              <td class="num">{inv.value.available}</td>
              <td class="num">{inv.value.incoming}</td>
              <td class="num">{inv.value.inTransit}</td>
              <td />
              <td class="num" data-figure="backordered">
                {inv.value.backordered ?? 0}
              </td>
              <td />
            </tr>
          </tfoot>
        </table>
      )}
      <div class="columns">
        <div>
          {inv.value && <PurchaseLimitPanel sku={sku} limit={inv.value.purchaseLimit ?? null} />}
          {inv.value && !hot && (
            <BackordersPanel
              sku={sku}
              policy={inv.value.backorder ?? null}
              backordered={inv.value.backordered ?? 0}
            />
          )}
          <Shards sku={sku} />
          <HoldsOn sku={sku} />
          <Ledger sku={sku} />
        </div>
        {inv.value && <Actions sku={sku} />}
      </div>
    </article>
  );
}
