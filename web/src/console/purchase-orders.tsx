/**
 * Supply: purchase orders (open ones live, each received by line or closed), a new order, reorder
 * suggestions ordered in one press, cycle counts (compare-and-set on the figure seen) and a SKU's
 * stock policy. Every form calls the typed helper and shows the callable's error on its field.
 */
import type { ForecastDoc } from '@hearth/contracts';
import {
  closePurchaseOrder,
  createPurchaseOrder,
  orderLocationSuggestion,
  orderSuggestion,
  receivePurchaseOrder,
  setStockCount,
  setStockPolicy,
  SKU_WIDE,
  suggestionCover,
  USUAL_SUPPLIER,
  watchPurchaseOrders,
  watchReorderSuggestions,
  watchSuggestionOrders,
  type PurchaseOrderRow,
  type Result,
  type WithId,
} from '@hearth/client';
import { useState } from 'preact/hooks';
import { dateTime } from '../format';
import { useClient } from '../session';
import { Alert } from '../ui/field';
import { useLive } from '../ui/hooks';
import { ActionForm, num, type FieldSpec } from './action-form';
import { useLocations } from './locations';

const DAY_MS = 24 * 3600 * 1000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** A date typed as YYYY-MM-DD means that day; anything else goes to the schema as typed. */
const expectedAt = (s: string) => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00.000Z` : s);

function useLocationField(name = 'locationId', label = 'Location'): FieldSpec {
  const options = useLocations().map((l) => ({ value: l.id, label: l.name }));
  return { name, label, kind: 'select', options };
}

/**
 * "Order": the suggestion as a purchase order in one press, from the SKU's supplier (also used by
 * the replenishment view). With `ownPlan`, the location's own suggestion, ordered to it. Once an
 * order of the same run covers it (the client's suggestionCover: the SKU-wide order covers every
 * location's, a location's covers the SKU-wide one), the button gives way to that order's id.
 */
export function OrderSuggestionButton(props: {
  forecast: WithId<ForecastDoc>;
  locationId: string;
  ownPlan?: boolean;
}) {
  const client = useClient();
  const [answer, setAnswer] = useState<Result<{ purchaseOrderId: string }> | null>(null);
  const [busy, setBusy] = useState(false);
  const { forecast, locationId } = props;
  const runOrders = useLive<PurchaseOrderRow[]>(
    (set, fail) => watchSuggestionOrders(client, forecast, set, { onError: fail }),
    [forecast.sku, forecast.generatedAt.toMillis()],
  );
  const plan = props.ownPlan ? forecast.locations[locationId]?.replenishment : forecast.replenishment;
  const suggestedQty = plan?.suggestedQty ?? 0;
  const where = props.ownPlan ? ` to ${locationId}` : '';
  const cover = runOrders.value && suggestionCover(runOrders.value, props.ownPlan ? locationId : SKU_WIDE);
  if (cover && !answer) return <span class="covered">ordered as PO {cover.purchaseOrderId}</span>;
  return (
    <>
      <button
        type="button"
        disabled={busy || !locationId}
        aria-label={`Order ${suggestedQty} × ${forecast.sku}${where}`}
        onClick={async () => {
          setBusy(true);
          const res = props.ownPlan
            ? await orderLocationSuggestion(client, forecast, locationId)
            : await orderSuggestion(client, forecast, {
                supplier: forecast.supplier?.name ?? USUAL_SUPPLIER,
                locationId,
              });
          setBusy(false);
          setAnswer(res);
        }}
      >
        Order {suggestedQty}
      </button>
      {answer?.ok && <Alert kind="ok">Purchase order {answer.value.purchaseOrderId}</Alert>}
      {answer && !answer.ok && <Alert>{answer.error.message}</Alert>}
    </>
  );
}

function Suggestions() {
  const client = useClient();
  const first = useLocations()[0]?.id ?? '';
  const rows = useLive<WithId<ForecastDoc>[]>(
    (set, fail) => watchReorderSuggestions(client, set, { limit: 20, onError: fail }),
    [],
  );
  return (
    <section aria-labelledby="suggestions-title">
      <h2 id="suggestions-title">Reorder suggestions</h2>
      {rows.error && <Alert>{rows.error.message}</Alert>}
      {rows.value?.length === 0 && <p>Nothing to reorder (forecasts refresh nightly).</p>}
      <table>
        <tbody>
          {rows.value?.map((f) => (
            <tr>
              <th scope="row">{f.sku}</th>
              <td>
                position {f.replenishment.inventoryPosition}, reorder point {f.replenishment.reorderPoint}
              </td>
              <td>
                <OrderSuggestionButton forecast={f} locationId={first} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function OpenOrder({ po }: { po: PurchaseOrderRow }) {
  const client = useClient();
  const skus = po.lines.filter((l) => l.received < l.qty).map((l) => ({ value: l.sku, label: l.sku }));
  return (
    <li>
      <strong>{po.supplier}</strong> to {po.locationId}, expected {dateTime(po.expectedAt.toMillis())} (
      {po.id}
      ): {po.lines.map((l) => `${l.sku} ${l.received}/${l.qty}`).join(', ')}
      <ActionForm
        key={`${po.id}-${skus.length}`}
        title={`Receive on ${po.id}`}
        quantityField="qty"
        fields={[
          { name: 'sku', label: 'Line', kind: 'select', options: skus },
          { name: 'qty', label: 'Units received', kind: 'number', initial: '1' },
        ]}
        submit={(v) =>
          receivePurchaseOrder(client, {
            purchaseOrderId: po.id,
            lines: [{ sku: v.sku ?? '', qty: num(v.qty) }],
          })
        }
        done={(r: { status: string }) => `Received; the order is ${r.status}`}
      />
      <ActionForm
        title={`Close ${po.id}`}
        quantityField="reason"
        fields={[{ name: 'reason', label: 'Why', initial: 'supplier cancelled' }]}
        submit={(v) => closePurchaseOrder(client, { purchaseOrderId: po.id, reason: v.reason ?? '' })}
        done={() => 'Closed: what never came left incoming'}
      />
    </li>
  );
}

export function PurchaseOrdersPage() {
  const client = useClient();
  const location = useLocationField();
  const orders = useLive<PurchaseOrderRow[]>(
    (set, fail) => watchPurchaseOrders(client, set, { onError: fail }),
    [],
  );
  return (
    <section aria-labelledby="po-title">
      <h1 id="po-title">Purchase orders and counts</h1>
      <h2>Open purchase orders</h2>
      {orders.error && <Alert>{orders.error.message}</Alert>}
      {orders.value?.length === 0 && <p>No open purchase orders.</p>}
      <ul class="runs">
        {orders.value?.map((po) => (
          <OpenOrder po={po} />
        ))}
      </ul>
      <div class="actions">
        <ActionForm
          title="New purchase order"
          quantityField="qty"
          fields={[
            { name: 'supplier', label: 'Supplier' },
            location,
            {
              name: 'expectedAt',
              label: 'Expected (YYYY-MM-DD)',
              initial: isoDate(Date.now() + 14 * DAY_MS),
            },
            { name: 'sku', label: 'SKU' },
            { name: 'qty', label: 'Units', kind: 'number' },
          ]}
          submit={(v) =>
            createPurchaseOrder(client, {
              supplier: v.supplier ?? '',
              locationId: v.locationId ?? '',
              expectedAt: expectedAt(v.expectedAt ?? ''),
              lines: [{ sku: (v.sku ?? '').trim(), qty: num(v.qty) }],
            })
          }
          done={(r: { purchaseOrderId: string }) => `Purchase order ${r.purchaseOrderId} is open`}
        />
        <ActionForm
          title="Record a count"
          quantityField="counted"
          fields={[
            { name: 'sku', label: 'SKU' },
            location,
            { name: 'expectedOnHand', label: 'On hand shown when counting began', kind: 'number' },
            { name: 'counted', label: 'Counted', kind: 'number' },
            { name: 'note', label: 'Note' },
          ]}
          submit={(v) =>
            setStockCount(client, {
              sku: (v.sku ?? '').trim(),
              locationId: v.locationId ?? '',
              expectedOnHand: num(v.expectedOnHand),
              counted: num(v.counted),
              note: v.note ?? '',
            })
          }
          done={(r: { delta: number; previous: number; counted: number }) =>
            r.delta === 0
              ? 'The count matched: nothing to adjust'
              : `${r.previous} → ${r.counted} (${r.delta})`
          }
        />
        <ActionForm
          title="Set stock policy"
          quantityField="safetyStock"
          fields={[
            { name: 'sku', label: 'SKU' },
            {
              name: 'lowStockUnits',
              label: 'Low-stock threshold (empty: the store default)',
              kind: 'number',
            },
            location,
            { name: 'safetyStock', label: 'Safety stock there', kind: 'number', initial: '0' },
          ]}
          submit={(v) =>
            setStockPolicy(client, {
              sku: (v.sku ?? '').trim(),
              lowStockUnits: (v.lowStockUnits ?? '').trim() === '' ? null : num(v.lowStockUnits),
              safetyStock: { [v.locationId ?? '']: num(v.safetyStock) },
            })
          }
          done={(r: { lowStockUnits: number }) => `Policy set; low at ${r.lowStockUnits} units`}
        />
      </div>
      <Suggestions />
    </section>
  );
}
