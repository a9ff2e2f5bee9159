/** A SKU's cap per customer (limits for drops): what it is, and a form to set or lift it (staff). */
import type { PurchaseLimit } from '@hearth/contracts';
import { setPurchaseLimit } from '@hearth/client';
import { useClient } from '../session';
import { ActionForm, num } from './action-form';

export const limitLabel = (limit: PurchaseLimit | null | undefined): string =>
  !limit
    ? 'No limit per customer'
    : `At most ${limit.units} per customer ${limit.periodHours === null ? 'for the whole drop' : `every ${limit.periodHours} hours`}`;

export function PurchaseLimitPanel({ sku, limit }: { sku: string; limit: PurchaseLimit | null }) {
  const client = useClient();
  const done = (r: { limit: PurchaseLimit | null }) => `${sku}: ${limitLabel(r.limit).toLowerCase()}`;
  return (
    <section
      aria-labelledby="limit-title"
      data-purchase-limit={limit ? `${limit.units}/${limit.periodHours ?? 'drop'}` : 'none'}
    >
      <h2 id="limit-title">Limit per customer</h2>
      <p>{limitLabel(limit)}. Units held or bought count; released, expired and cancelled ones come back.</p>
      <ActionForm
        title="Set the limit"
        quantityField="limit.units"
        fields={[
          {
            name: 'limit.units',
            label: 'Units per customer',
            kind: 'number',
            initial: String(limit?.units ?? ''),
          },
          {
            name: 'limit.periodHours',
            label: 'Per how many hours (empty: the whole drop)',
            kind: 'number',
            initial: limit?.periodHours == null ? '' : String(limit.periodHours),
          },
        ]}
        submit={(v) => {
          const hours = v['limit.periodHours']?.trim() ?? '';
          return setPurchaseLimit(client, sku, {
            units: num(v['limit.units']),
            periodHours: hours === '' ? null : num(hours),
          });
        }}
        done={done}
      />
      {limit && (
        <ActionForm
          title="Lift the limit"
          quantityField="limit"
          fields={[]}
          submit={() => setPurchaseLimit(client, sku, null)}
          done={done}
        />
      )}
    </section>
  );
}
