/**
 * Backorders in the cart: the offer to hold beyond stock when a SKU takes backorders, and a
 * backordered hold's owed units with their promised date, then the news that they have all arrived.
 */
import { doc, onSnapshot } from 'firebase/firestore';
import type { BackorderPolicy, InventoryDoc } from '@hearth/contracts';
import { toHearthError, type ReservationState } from '@hearth/client';
import { dateTime, day } from '../format';
import { useClient } from '../session';
import { Alert } from '../ui/field';
import { useLive } from '../ui/hooks';
import type { CartLine } from './cart-store';

/**
 * The SKU's backorder policy, live. Read from the availability document rather than its status: a
 * SKU with stock left shows `low`, yet a cart beyond that stock may still be owed the rest, and
 * `backorder` is also shown for catalog-backorderable SKUs that have no policy, whose holds the
 * functions refuse.
 */
function useBackorderPolicy(sku: string): BackorderPolicy | null {
  const client = useClient();
  const inv = useLive<BackorderPolicy | null>(
    (set, fail) =>
      onSnapshot(
        doc(client.db, 'inventory', sku),
        (s) => set(s.exists() ? ((s.data() as InventoryDoc).backorder ?? null) : null),
        (err) => fail(toHearthError(err)),
      ),
    [sku],
  );
  return inv.value ?? null;
}

/** Shown under an out-of-stock refusal: hold what there is and be owed the rest, if the SKU allows it. */
export function BackorderOffer(props: {
  sku: string;
  lines: CartLine[];
  busy: boolean;
  onOrder: () => void;
}) {
  const policy = useBackorderPolicy(props.sku);
  if (!policy) return null;
  const line = props.lines.find((l) => l.sku === props.sku);
  const what = line ? `${line.name} (${line.options})` : props.sku;
  return (
    <div class="backorder-offer" role="group" aria-labelledby="backorder-offer-text">
      <p id="backorder-offer-text">
        {what} can be backordered: what is in stock is held for you now and the rest is owed to you, with a
        date it is expected by. You check out once it has all arrived.
      </p>
      <button type="button" class="primary" disabled={props.busy} onClick={props.onOrder}>
        Order anyway (backorder)
      </button>
    </div>
  );
}

/** Units this hold is still owed, over all its lines. */
export const owedUnits = (hold: ReservationState): number =>
  hold.lines.reduce((sum, l) => sum + (l.owed ?? 0), 0);

export const WAITING_ID = 'backorder-waiting';

/**
 * A backordered hold's state: each line still owed, with its promise, while any are (the reason
 * checkout is off, which the Check out button names with aria-describedby); then that all arrived.
 * A status region, so the change is announced without moving focus.
 */
export function BackorderState({ hold, lines }: { hold: ReservationState; lines: CartLine[] }) {
  const backorder = hold.backorder;
  if (!backorder) return null;
  const owed = owedUnits(hold);
  if (owed === 0) {
    return (
      <Alert kind="ok">
        Everything you backordered has arrived
        {backorder.filledAt ? ` (${dateTime(backorder.filledAt.getTime())})` : ''}. Check out by{' '}
        {dateTime(hold.expiresAt.getTime())}.
      </Alert>
    );
  }
  const expected = day(backorder.promisedAt.getTime());
  return (
    <div class="backorder" role="status">
      <ul aria-label="Backordered">
        {hold.lines
          .filter((l) => (l.owed ?? 0) > 0)
          .map((l) => {
            const cart = lines.find((c) => c.sku === l.sku);
            return (
              <li data-owed-sku={l.sku}>
                {cart ? `${cart.name} (${cart.options})` : l.sku}: {l.owed} of {l.qty} owed, expected by{' '}
                {expected}
              </li>
            );
          })}
      </ul>
      <p id={WAITING_ID}>
        Checkout opens when the {owed} owed {owed === 1 ? 'unit arrives' : 'units arrive'} (expected by{' '}
        {expected}); the rest is held for you meanwhile.
      </p>
    </div>
  );
}
