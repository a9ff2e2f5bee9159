/** The staff actions on one SKU: restock, adjust, transfer and receive, record a return, raise shards. */
import { collection, onSnapshot, query, where } from 'firebase/firestore';
import type { TransferDoc } from '@hearth/contracts';
import {
  adjustStock,
  receiveTransfer,
  recordReturn,
  restock,
  setShardCount,
  toHearthError,
  transferStock,
} from '@hearth/client';
import { useState } from 'preact/hooks';
import { useClient, useSession } from '../session';
import { Alert } from '../ui/field';
import { useLive } from '../ui/hooks';
import { ActionForm, num, type FieldSpec } from './action-form';
import { useLocations } from './locations';

const REASONS = ['count_correction', 'damaged', 'lost', 'found', 'other'].map((r) => ({
  value: r,
  label: r.replace('_', ' '),
}));

function InTransit({ sku }: { sku: string }) {
  const client = useClient();
  const transfers = useLive<Array<TransferDoc & { id: string }>>(
    (set, fail) =>
      onSnapshot(
        query(
          collection(client.db, 'transfers'),
          where('sku', '==', sku),
          where('status', '==', 'in_transit'),
        ),
        (s) => set(s.docs.map((d) => ({ ...(d.data() as TransferDoc), id: d.id }))),
        (err) => fail(toHearthError(err)),
      ),
    [sku],
  );
  // Receiving one takes it off this list (it is no longer in transit), and the form with it when it
  // was the last: the message is shown once, outside the form, so it outlives it.
  const [received, setReceived] = useState<string | null>(null);
  const list = transfers.value ?? [];
  return (
    <section aria-label="Transfers in transit">
      {received && <Alert kind="ok">{received}</Alert>}
      {list.length > 0 && (
        <ActionForm
          key={list.map((t) => t.id).join(',')}
          title="Receive a transfer"
          quantityField="transferId"
          fields={[
            {
              name: 'transferId',
              label: 'Transfer in transit',
              kind: 'select',
              options: list.map((t) => ({
                value: t.id,
                label: `${t.qty} from ${t.fromLocationId} to ${t.toLocationId} (${t.id})`,
              })),
            },
          ]}
          submit={(v) => receiveTransfer(client, { transferId: v.transferId ?? '' })}
          done={(r: { transferId: string }) => {
            setReceived(`Transfer ${r.transferId} received`);
            return '';
          }}
        />
      )}
    </section>
  );
}

export function Actions({ sku }: { sku: string }) {
  const client = useClient();
  const { admin } = useSession();
  const locations = useLocations().map((l) => ({ value: l.id, label: l.name }));
  const location = (name = 'locationId', label = 'Location'): FieldSpec => ({
    name,
    label,
    kind: 'select',
    options: locations,
  });
  if (locations.length === 0) return null;
  const moved = (r: { qty: number; locationId: string; ledgerEntryIds: string[] }) =>
    `Done: ${r.qty > 0 ? '+' : ''}${r.qty} at ${r.locationId} (${r.ledgerEntryIds.length} ledger entr${r.ledgerEntryIds.length === 1 ? 'y' : 'ies'})`;
  return (
    <section aria-labelledby="actions-title" class="actions">
      <h2 id="actions-title">Actions</h2>
      <ActionForm
        title="Restock"
        quantityField="qty"
        fields={[
          location(),
          { name: 'qty', label: 'Units received', kind: 'number' },
          { name: 'reason', label: 'Reason', initial: 'restock' },
        ]}
        submit={(v) =>
          restock(client, { sku, locationId: v.locationId ?? '', qty: num(v.qty), reason: v.reason ?? '' })
        }
        done={moved}
      />
      <ActionForm
        title="Adjust"
        quantityField="delta"
        fields={[
          location(),
          { name: 'delta', label: 'Change (+ found, − lost or damaged)', kind: 'number' },
          { name: 'reason', label: 'Reason', kind: 'select', options: REASONS },
          { name: 'note', label: 'Note' },
        ]}
        submit={(v) =>
          adjustStock(client, {
            sku,
            locationId: v.locationId ?? '',
            delta: num(v.delta),
            reason: v.reason as 'other',
            note: v.note ?? '',
          })
        }
        done={moved}
      />
      <ActionForm
        title="Transfer"
        quantityField="qty"
        fields={[
          location('fromLocationId', 'From'),
          location('toLocationId', 'To'),
          { name: 'qty', label: 'Units', kind: 'number' },
        ]}
        submit={(v) =>
          transferStock(client, {
            sku,
            fromLocationId: v.fromLocationId ?? '',
            toLocationId: v.toLocationId ?? '',
            qty: num(v.qty),
          })
        }
        done={(r: { transferId: string }) => `Transfer ${r.transferId} shipped`}
      />
      <InTransit sku={sku} />
      <ActionForm
        title="Record a return"
        quantityField="qty"
        fields={[
          { name: 'orderId', label: 'Order' },
          { name: 'qty', label: 'Units returned', kind: 'number' },
          location('locationId', 'Returned to'),
          {
            name: 'condition',
            label: 'Condition',
            kind: 'select',
            options: [
              { value: 'resellable', label: 'Resellable' },
              { value: 'damaged', label: 'Damaged' },
            ],
          },
        ]}
        submit={(v) =>
          recordReturn(client, {
            orderId: v.orderId ?? '',
            sku,
            qty: num(v.qty),
            locationId: v.locationId ?? '',
            condition: v.condition as 'resellable',
          })
        }
        done={moved}
      />
      {admin && (
        <ActionForm
          title="Raise the shard count"
          quantityField="count"
          fields={[location(), { name: 'count', label: 'Shards', kind: 'number' }]}
          submit={(v) => setShardCount(client, { sku, locationId: v.locationId ?? '', count: num(v.count) })}
          done={(r: { count: number; locationId: string }) => `${r.locationId} now has ${r.count} shards`}
        />
      )}
    </section>
  );
}
