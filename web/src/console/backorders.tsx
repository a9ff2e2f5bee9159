/**
 * A SKU's backorders for staff: its policy (set or turned off through setStockPolicy, errors on the
 * fields they name) and the queue of holds owed units, live, in the order arrivals fill them.
 */
import type { BackorderPolicy } from '@hearth/contracts';
import { setStockPolicy, watchBackorderQueue, type BackorderRow } from '@hearth/client';
import { day } from '../format';
import { href } from '../router';
import { useClient } from '../session';
import { Alert } from '../ui/field';
import { useLive } from '../ui/hooks';
import { ActionForm, num } from './action-form';
import { useLocations } from './locations';

export const policyLabel = (p: BackorderPolicy | null): string =>
  p
    ? `Takes backorders at ${p.locationId}: up to ${p.limit} owed at once, promised from open purchase orders or ${p.leadTimeDays} days out`
    : 'Takes no backorders';

function Queue({ sku }: { sku: string }) {
  const client = useClient();
  const queue = useLive<BackorderRow[]>(
    (set, fail) => watchBackorderQueue(client, sku, set, { onError: fail }),
    [sku],
  );
  if (queue.error) return <Alert>{queue.error.message}</Alert>;
  if (!queue.value) return <p aria-busy="true">Loading the queue…</p>;
  if (queue.value.length === 0) return <p>Nobody is waiting for {sku}.</p>;
  return (
    <table class="board" data-testid="backorder-queue">
      <caption>Waiting for {sku}, in fill order (oldest hold first)</caption>
      <thead>
        <tr>
          {['#', 'Customer', 'Backordered', 'Still owed', 'Promised', 'Hold'].map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {queue.value.map((e, i) => (
          <tr data-reservation={e.reservationId}>
            <th scope="row">{i + 1}</th>
            <td>{e.customerId}</td>
            <td class="num">{e.qty}</td>
            <td class="num" data-figure="owed">
              {e.owed}
            </td>
            <td>{day(e.promisedAt.toMillis())}</td>
            <td>
              <a href={href('console', 'reservation', e.reservationId)}>{e.reservationId}</a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BackordersPanel(props: { sku: string; policy: BackorderPolicy | null; backordered: number }) {
  const { sku, policy } = props;
  const client = useClient();
  const locations = useLocations();
  const done = (r: { backorder: BackorderPolicy | null }) =>
    `${sku}: ${policyLabel(r.backorder).toLowerCase()}`;
  return (
    <section aria-labelledby="backorders-title">
      <h2 id="backorders-title">Backorders</h2>
      <p>
        {policyLabel(policy)}. {props.backordered} {props.backordered === 1 ? 'unit is' : 'units are'} owed
        now; arrivals go to them first.
      </p>
      {locations.length === 0 ? (
        // The form takes its location choices once, when it first renders; it waits for them.
        <p aria-busy="true">Loading locations…</p>
      ) : (
        <ActionForm
          title="Set backorders"
          quantityField="backorder.limit"
          fields={[
            {
              name: 'backorder.limit',
              label: 'Units that may be owed at once',
              kind: 'number',
              initial: String(policy?.limit ?? ''),
            },
            {
              name: 'backorder.locationId',
              label: 'Owed at (location)',
              kind: 'select',
              options: locations.map((l) => ({ value: l.id, label: l.name })),
              ...(policy ? { initial: policy.locationId } : {}),
            },
            {
              name: 'backorder.leadTimeDays',
              label: 'Lead time (days) past open purchase orders',
              kind: 'number',
              initial: String(policy?.leadTimeDays ?? ''),
            },
          ]}
          submit={(v) =>
            setStockPolicy(client, {
              sku,
              backorder: {
                limit: num(v['backorder.limit']),
                locationId: v['backorder.locationId'] ?? '',
                leadTimeDays: num(v['backorder.leadTimeDays']),
              },
            })
          }
          done={done}
        />
      )}
      {policy && (
        <ActionForm
          title="Turn backorders off"
          quantityField="backorder"
          fields={[]}
          submit={() => setStockPolicy(client, { sku, backorder: null })}
          done={(r: { backorder: BackorderPolicy | null }) =>
            `${done(r)}; units already owed stay owed until they arrive or their holds end`
          }
        />
      )}
      <Queue sku={sku} />
    </section>
  );
}
