/**
 * Replenishment: the forecasting job's reorder suggestions, and per SKU its weekly sales history
 * with the next 8 weeks' forecast plotted (uPlot; the table is the accessible copy), its
 * replenishment figures, its supplier's lead time (which staff can change here), and each
 * location's own suggestion where it has the history for one, and a form moving the SKU to another
 * supplier. "Order" turns a suggestion into a purchase order (the supply page's button).
 */
import type { ForecastDoc } from '@hearth/contracts';
import {
  setSkuSupplier,
  setSupplier,
  watchForecast,
  watchReorderSuggestions,
  watchSuppliers,
  type SupplierRow,
  type WithId,
} from '@hearth/client';
import type { AlignedData } from 'uplot';
import { href } from '../router';
import { useClient } from '../session';
import { LineChart } from '../ui/chart';
import { Alert } from '../ui/field';
import { useLive } from '../ui/hooks';
import { ActionForm, num } from './action-form';
import { useLocations } from './locations';
import { OrderSuggestionButton } from './purchase-orders';

const WEEK_S = 7 * 24 * 3600;

/** History then forecast on one weekly time axis; each series is null where the other one is. */
function chartData(f: ForecastDoc): AlignedData {
  const from = f.historyFrom.seconds;
  const hist = f.history.map((_, i) => from + i * WEEK_S);
  const next = f.weeks.map((w) => w.weekStart.seconds);
  const x = [...hist, ...next];
  const sold = [...f.history, ...next.map(() => null)];
  // The forecast line starts from the last week sold, so the two lines meet.
  const ahead = [
    ...f.history.map((u, i) => (i === f.history.length - 1 ? u : null)),
    ...f.weeks.map((w) => w.units),
  ];
  return [x, sold, ahead] as AlignedData;
}

function SkuForecast({ sku }: { sku: string }) {
  const client = useClient();
  const forecast = useLive<WithId<ForecastDoc> | null>(
    (set, fail) => watchForecast(client, sku, set, fail),
    [sku],
  );
  const f = forecast.value;
  const first = useLocations()[0]?.id ?? '';
  if (forecast.error) return <Alert>{forecast.error.message}</Alert>;
  if (f === undefined) return <p aria-busy="true">Loading…</p>;
  if (f === null) return <p>No forecast for {sku} yet (the job runs nightly from the ledger's sales).</p>;
  const r = f.replenishment;
  return (
    <section aria-labelledby="forecast-title">
      <h2 id="forecast-title">
        {sku}: {f.method}, generated {new Date(f.generatedAt.toMillis()).toISOString().slice(0, 10)}
      </h2>
      <LineChart
        title={`Weekly units of ${sku}: sold, and forecast for the next ${f.weeks.length} weeks`}
        data={chartData(f)}
        series={[
          { label: 'sold', stroke: '#1f5fb4' },
          { label: 'forecast', stroke: '#b45f1f' },
        ]}
      />
      <dl class="figures">
        <dt>Inventory position</dt>
        <dd>{r.inventoryPosition}</dd>
        <dt>Reorder point</dt>
        <dd>{r.reorderPoint}</dd>
        <dt>Order up to</dt>
        <dd>{r.orderUpTo}</dd>
        <dt>Safety stock</dt>
        <dd>{r.safetyStock}</dd>
        <dt>Lead time</dt>
        <dd>{r.leadTimeWeeks} weeks</dd>
        <dt>Supplier</dt>
        <dd>
          {f.supplier
            ? `${f.supplier.name}, ${f.supplier.leadTimeDays} days`
            : 'none on record (the default lead time)'}
        </dd>
        <dt>Suggested order</dt>
        <dd>{r.reorder ? r.suggestedQty : 'none'}</dd>
      </dl>
      {r.reorder && <OrderSuggestionButton forecast={f} locationId={first} />}
      <LocationPlans forecast={f} />
      {f.supplier && <LeadTimeForm supplier={f.supplier} />}
      <MoveSupplierForm sku={sku} current={f.supplier?.id} />
      <table>
        <caption>Forecast for the next weeks</caption>
        <thead>
          <tr>
            <th scope="col">Week from</th>
            <th scope="col">Units</th>
          </tr>
        </thead>
        <tbody>
          {f.weeks.map((w) => (
            <tr>
              <td>{new Date(w.weekStart.toMillis()).toISOString().slice(0, 10)}</td>
              <td>{w.units.toFixed(1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Each location's own suggestion, from its own sales, forecast error and stock. */
function LocationPlans({ forecast }: { forecast: WithId<ForecastDoc> }) {
  const names = new Map(useLocations().map((l) => [l.id, l.name]));
  const rows = Object.entries(forecast.locations).sort(([a], [b]) => (a < b ? -1 : 1));
  if (rows.length === 0)
    return <p>No location has sold {forecast.sku} in enough weeks for a forecast of its own.</p>;
  return (
    <table>
      <caption>Per location: each one's own forecast against its own stock</caption>
      <thead>
        <tr>
          <th scope="col">Location</th>
          <th scope="col">Next week</th>
          <th scope="col">Position</th>
          <th scope="col">Reorder point</th>
          <th scope="col">Suggested</th>
          <th scope="col">Action</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([id, l]) => (
          <tr>
            <th scope="row">{names.get(id) ?? id}</th>
            <td>{(l.units[0] ?? 0).toFixed(1)}</td>
            <td>{l.replenishment.inventoryPosition}</td>
            <td>{l.replenishment.reorderPoint}</td>
            <td>{l.replenishment.suggestedQty}</td>
            <td>
              {l.replenishment.reorder ? (
                <OrderSuggestionButton forecast={forecast} locationId={id} ownPlan />
              ) : (
                'none'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The supplier's lead time, as staff set it (setSupplier); the next forecast run orders ahead of it. */
function LeadTimeForm({ supplier }: { supplier: NonNullable<ForecastDoc['supplier']> }) {
  const client = useClient();
  return (
    <ActionForm
      key={supplier.id}
      title={`Set the lead time of ${supplier.name}`}
      quantityField="leadTimeDays"
      fields={[
        {
          name: 'leadTimeDays',
          label: 'Lead time (days)',
          kind: 'number',
          initial: String(supplier.leadTimeDays),
        },
      ]}
      submit={(v) =>
        setSupplier(client, {
          supplierId: supplier.id,
          name: supplier.name,
          leadTimeDays: num(v.leadTimeDays),
        })
      }
      done={(r: { leadTimeDays: number; changed: boolean }) =>
        r.changed
          ? `${supplier.name} now takes ${r.leadTimeDays} days; the next forecast run plans with it`
          : `${supplier.name} already takes ${r.leadTimeDays} days`
      }
    />
  );
}

/**
 * Moves the SKU to another supplier (setSkuSupplier). The figures above are the last forecast
 * run's, with the supplier it planned with; the next run plans with the new one.
 */
function MoveSupplierForm({ sku, current }: { sku: string; current: string | undefined }) {
  const client = useClient();
  const suppliers = useLive<SupplierRow[]>((set, fail) => watchSuppliers(client, set, { onError: fail }), []);
  if (suppliers.error) return <Alert>{suppliers.error.message}</Alert>;
  const options = (suppliers.value ?? []).map((s) => ({
    value: s.id,
    label: `${s.name} (${s.leadTimeDays} days)`,
  }));
  if (options.length === 0) return null;
  const name = (id: string) => suppliers.value?.find((s) => s.id === id)?.name ?? id;
  return (
    <ActionForm
      key={`${sku}-${options.length}`}
      title={`Move ${sku} to another supplier`}
      quantityField="supplierId"
      fields={[
        {
          name: 'supplierId',
          label: 'Supplier',
          kind: 'select',
          options,
          initial: current ?? options[0]!.value,
        },
      ]}
      submit={(v) => setSkuSupplier(client, { sku, supplierId: v.supplierId ?? '' })}
      done={(r: { supplierId: string; changed: boolean }) =>
        r.changed
          ? `${sku} now comes from ${name(r.supplierId)}; the next forecast run plans with its lead time`
          : `${sku} already comes from ${name(r.supplierId)}`
      }
    />
  );
}

export function ReplenishmentPage({ sku }: { sku: string }) {
  const client = useClient();
  const first = useLocations()[0]?.id ?? '';
  const rows = useLive<WithId<ForecastDoc>[]>(
    (set, fail) => watchReorderSuggestions(client, set, { limit: 50, onError: fail }),
    [],
  );
  return (
    <section aria-labelledby="replenishment-title">
      <h1 id="replenishment-title">Replenishment</h1>
      {rows.error && <Alert>{rows.error.message}</Alert>}
      {rows.value?.length === 0 && <p>Nothing to reorder (forecasts refresh nightly).</p>}
      <table>
        <caption>Reorder suggestions, largest first</caption>
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Position</th>
            <th scope="col">Reorder point</th>
            <th scope="col">Suggested</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {rows.value?.map((f) => (
            <tr>
              <th scope="row">
                <a href={href('console', 'replenishment', f.sku)}>{f.sku}</a>
              </th>
              <td>{f.replenishment.inventoryPosition}</td>
              <td>{f.replenishment.reorderPoint}</td>
              <td>{f.replenishment.suggestedQty}</td>
              <td>
                <OrderSuggestionButton forecast={f} locationId={first} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {sku && <SkuForecast sku={sku} />}
    </section>
  );
}
