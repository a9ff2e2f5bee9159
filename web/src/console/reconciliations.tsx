/** Reconciliation runs (hourly): what each found, and what it repaired or left for a person. */
import type { ReconciliationReport } from '@hearth/contracts';
import { watchReconciliations, type WithId } from '@hearth/client';
import { dateTime } from '../format';
import { useClient } from '../session';
import { Alert } from '../ui/field';
import { useLive } from '../ui/hooks';

export function Reconciliations() {
  const client = useClient();
  const runs = useLive<WithId<ReconciliationReport>[]>(
    (set, fail) => watchReconciliations(client, set, { onError: fail }),
    [],
  );
  return (
    <section aria-labelledby="recon-title">
      <h1 id="recon-title">Reconciliation</h1>
      {runs.error && <Alert>{runs.error.message}</Alert>}
      {runs.value?.length === 0 && <p>No runs yet (reconcileInventory runs hourly).</p>}
      <ol class="runs">
        {runs.value?.map((r) => (
          <li>
            <strong>{dateTime(r.startedAt.toMillis())}</strong>: {r.ledgerEntries} ledger entries over{' '}
            {r.skus} SKUs,{' '}
            {r.drift.length === 0
              ? 'no drift'
              : `${r.drift.length} drift (${r.drift.filter((d) => d.repaired).length} repaired)`}
            {r.drift.length > 0 && (
              <ul>
                {r.drift.map((d) => (
                  <li>
                    {d.sku} {d.locationId ?? ''} {d.field}: ledger {d.ledger ?? '–'}, counter{' '}
                    {d.counter ?? '–'} — {d.repaired ? 'repaired' : 'left for a person'} ({d.why})
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
