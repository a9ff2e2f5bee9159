/**
 * The flash-sale monitor for a hot SKU: exact availability (the shards summed, live), each shard,
 * reservations per second over the last minute (from the ledger, live) and the holds about to expire.
 */
import type { LedgerEntry } from '@hearth/contracts';
import { watchAvailability, watchLedger, type Availability, type WithId } from '@hearth/client';
import type { AlignedData } from 'uplot';
import { href } from '../router';
import { useClient } from '../session';
import { LineChart } from '../ui/chart';
import { Alert } from '../ui/field';
import { useLive, useNow } from '../ui/hooks';
import { HoldsOn, Shards } from './sku';

const WINDOW_S = 60;

/** Reserve entries per second over the last minute, ending now (seconds with none count 0). */
export function reservationsPerSecond(
  entries: Pick<LedgerEntry, 'kind' | 'at'>[],
  nowMs: number,
): AlignedData {
  const end = Math.floor(nowMs / 1000);
  const xs = Array.from({ length: WINDOW_S }, (_, i) => end - WINDOW_S + 1 + i);
  const counts = new Map<number, number>();
  for (const e of entries) {
    if (e.kind !== 'reserve') continue;
    const s = Math.floor(e.at.toMillis() / 1000);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return [xs, xs.map((x) => counts.get(x) ?? 0)];
}

export function FlashMonitor({ sku }: { sku: string }) {
  const client = useClient();
  const now = useNow();
  const stock = useLive<Availability>(
    (set, fail) => watchAvailability(client, sku, set, { onError: fail }),
    [sku],
  );
  // Enough of the ledger for a busy minute of a flash sale.
  const ledger = useLive<WithId<LedgerEntry>[]>(
    (set, fail) => watchLedger(client, sku, set, { limit: 500, onError: fail }),
    [sku],
  );
  const rate = reservationsPerSecond(ledger.value ?? [], now);
  const lastTen = (rate[1] as number[]).slice(-10).reduce((a, b) => a + b, 0) / 10;
  return (
    <article aria-labelledby="flash-title">
      <p>
        <a href={href('console', 'sku', sku)}>← SKU {sku}</a>
      </p>
      <h1 id="flash-title">Flash-sale monitor: {sku}</h1>
      {stock.error && <Alert>{stock.error.message}</Alert>}
      {stock.value && (
        <p class="big" data-testid="flash-available">
          <strong>{stock.value.available}</strong> available of {stock.value.onHand} on hand (
          {stock.value.reserved} reserved)
        </p>
      )}
      <p>Reservations per second, last 10 s: {lastTen.toFixed(1)}</p>
      <LineChart
        title={`Reservations per second of ${sku}, last minute`}
        data={rate}
        series={[{ label: 'reservations/s', stroke: '#b4451f' }]}
      />
      <Shards sku={sku} />
      <HoldsOn sku={sku} />
    </article>
  );
}
