/**
 * A SKU's ledger as a timeline: every movement, who made it and why, its correlation id linked to
 * the reservation or order it belongs to.
 */
import type { LedgerEntry, LedgerKind } from '@hearth/contracts';
import { watchLedger, type WithId } from '@hearth/client';
import { dateTime } from '../format';
import { href } from '../router';
import { useClient } from '../session';
import { Alert } from '../ui/field';
import { useLive } from '../ui/hooks';

/** Kinds whose correlation id is a reservation (and, for a sale, the order of the same id). */
const BY_RESERVATION: LedgerKind[] = ['reserve', 'release', 'expire', 'sale'];

function Correlation({ entry }: { entry: LedgerEntry }) {
  if (BY_RESERVATION.includes(entry.kind)) {
    return <a href={href('console', 'reservation', entry.correlationId)}>{entry.correlationId}</a>;
  }
  if (entry.kind === 'return' || entry.kind === 'damaged') {
    const order = /return of order (\S+)/.exec(entry.reason)?.[1];
    if (order) return <a href={href('console', 'reservation', order)}>{entry.correlationId}</a>;
  }
  return <code>{entry.correlationId}</code>;
}

export function Ledger({ sku }: { sku: string }) {
  const client = useClient();
  const ledger = useLive<WithId<LedgerEntry>[]>(
    (set, fail) => watchLedger(client, sku, set, { limit: 50, onError: fail }),
    [sku],
  );
  return (
    <section aria-labelledby="ledger-title">
      <h2 id="ledger-title">Ledger</h2>
      {ledger.error && <Alert>Could not watch the ledger: {ledger.error.message}</Alert>}
      <ol class="timeline" aria-label={`Stock movements of ${sku}, newest first`}>
        {ledger.value?.map((e) => (
          <li class={`kind-${e.kind}`} data-kind={e.kind}>
            <time dateTime={new Date(e.at.toMillis()).toISOString()}>{dateTime(e.at.toMillis())}</time>{' '}
            <strong>{e.kind.replace('_', ' ')}</strong>{' '}
            <span class="num">
              {e.qty > 0 && e.kind === 'adjust' ? '+' : ''}
              {e.qty}
            </span>{' '}
            at {e.locationId}
            {e.shard !== null && ` (shard ${e.shard})`}
            {e.toLocationId && ` to ${e.toLocationId}`}
            <br />
            <span class="muted">
              by {e.actor.uid} ({e.actor.role}) · {e.reason} · <Correlation entry={e} />
            </span>
          </li>
        ))}
      </ol>
      {ledger.value?.length === 0 && <p>No movements yet.</p>}
    </section>
  );
}
