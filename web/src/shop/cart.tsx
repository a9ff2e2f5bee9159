/**
 * The cart: reserve holds every line or none (the hold counts down to its expiry, watched live), an
 * out-of-stock answer is shown on the line it names, checkout turns the hold into an order. A SKU
 * taking backorders can be held beyond its stock instead (backorder.tsx): checkout then waits for
 * the owed units.
 */
import { useState } from 'preact/hooks';
import {
  checkout,
  release,
  reserve,
  watchReservation,
  type HearthError,
  type ReservationState,
} from '@hearth/client';
import { countdown, dateTime, money } from '../format';
import { href } from '../router';
import { useClient, useSession } from '../session';
import { Alert } from '../ui/field';
import { useLive, useNow } from '../ui/hooks';
import { BackorderOffer, BackorderState, owedUnits, WAITING_ID } from './backorder';
import { currentCart, setCart, useCart, type CartLine } from './cart-store';

/** What a person reads for a failed reserve or checkout. */
export function explain(e: HearthError, lines: CartLine[]): string {
  switch (e.code) {
    case 'out-of-stock': {
      const line = lines.find((l) => l.sku === e.sku);
      const what = line ? `${line.name} (${line.options})` : e.sku;
      const split =
        e.availableIfSplit && e.availableIfSplit > e.available
          ? ` ${e.availableIfSplit} could come in several deliveries.`
          : '';
      return `Only ${e.available} of ${what} left; you asked for ${e.requested}. Nothing was reserved.${split}`;
    }
    case 'failed-precondition':
      if (e.reason === 'backorder_waiting')
        return 'Some backordered units have not arrived yet; check out once they have.';
      return e.reason === 'expired'
        ? 'Your hold expired before checkout; reserve again.'
        : `This hold can no longer be checked out (${e.reason}).`;
    case 'unauthenticated':
      return 'Sign in to reserve.';
    case 'unavailable':
      return 'The store is busy or offline; nothing changed. Try again.';
    case 'invalid-argument':
      return `Check ${e.field}: ${e.issues[0]?.message ?? e.message}`;
    default:
      return e.message;
  }
}

function Lines({ lines, locked, problemSku }: { lines: CartLine[]; locked: boolean; problemSku?: string }) {
  const total = lines.reduce((sum, l) => sum + l.qty * l.priceMinor, 0);
  return (
    <table class="cart">
      <caption>Your cart</caption>
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col">Quantity</th>
          <th scope="col">Price</th>
          <th scope="col">
            <span class="visually-hidden">Remove</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <tr class={l.sku === problemSku ? 'problem' : ''} data-sku={l.sku}>
            <th scope="row">
              <a href={href('p', l.productId)}>{l.name}</a> <span class="muted">{l.options}</span>
            </th>
            <td>
              <input
                type="number"
                min={1}
                max={10000}
                value={l.qty}
                disabled={locked}
                aria-label={`Quantity of ${l.name} (${l.options})`}
                onInput={(e) => {
                  // Each keystroke that makes a whole number of at least 1 counts at once; while the
                  // field is empty or half-typed the cart keeps its last quantity.
                  const qty = Number(e.currentTarget.value);
                  if (!Number.isInteger(qty) || qty < 1) return;
                  setCart((c) => ({
                    ...c,
                    lines: c.lines.map((x) => (x.sku === l.sku ? { ...x, qty } : x)),
                  }));
                }}
              />
            </td>
            <td>{money(l.qty * l.priceMinor)}</td>
            <td>
              <button
                type="button"
                disabled={locked}
                aria-label={`Remove ${l.name} (${l.options})`}
                onClick={() => setCart((c) => ({ ...c, lines: c.lines.filter((x) => x.sku !== l.sku) }))}
              >
                Remove
              </button>
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td />
          <td data-testid="cart-total">{money(total)}</td>
          <td />
        </tr>
      </tfoot>
    </table>
  );
}

function Hold({ hold, lines }: { hold: ReservationState; lines: CartLine[] }) {
  const client = useClient();
  const now = useNow();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (what: 'checkout' | 'release') => {
    setBusy(true);
    setError(null);
    if (what === 'release') {
      const res = await release(client, hold.id);
      setBusy(false);
      if (!res.ok) return setError(explain(res.error, lines));
      return setCart((c) => ({ ...c, reservationId: null }));
    }
    const res = await checkout(client, hold.id);
    setBusy(false);
    if (!res.ok) return setError(explain(res.error, lines));
    setCart(() => ({ lines: [], reservationId: null, lastOrderId: res.value.orderId }));
  };
  if (hold.status === 'checked_out') {
    // Checked out elsewhere (another tab or device): the cart is done.
    return (
      <Alert kind="ok">
        This hold was checked out as order {hold.orderId}.{' '}
        <button
          type="button"
          onClick={() => setCart(() => ({ lines: [], reservationId: null, lastOrderId: hold.orderId }))}
        >
          Clear the cart
        </button>
      </Alert>
    );
  }
  if (hold.status === 'expired' || hold.status === 'released') {
    return (
      <Alert kind="info">
        Your hold {hold.status === 'expired' ? 'expired' : 'was released'}.{' '}
        <button type="button" onClick={() => setCart((c) => ({ ...c, reservationId: null }))}>
          Edit the cart
        </button>
      </Alert>
    );
  }
  const waiting = owedUnits(hold) > 0;
  return (
    <div class="hold">
      <p role="timer" aria-live="off" data-testid="hold-countdown">
        {hold.expiresAt.getTime() <= now ? (
          // The expiry job releases it within a minute; checkout already refuses it.
          'Your hold has run out; it is being released.'
        ) : hold.backorder ? (
          // Days or weeks, not minutes: a backorder waits for its units (and a while past the promise).
          <>
            Held for you until <strong>{dateTime(hold.expiresAt.getTime())}</strong>
          </>
        ) : (
          <>
            Held for you for <strong>{countdown(hold.expiresAt.getTime(), now)}</strong>
          </>
        )}
      </p>
      <BackorderState hold={hold} lines={lines} />
      <button
        type="button"
        class="primary"
        disabled={busy || waiting}
        aria-describedby={waiting ? WAITING_ID : undefined}
        onClick={() => act('checkout')}
      >
        Check out
      </button>{' '}
      <button type="button" disabled={busy} onClick={() => act('release')}>
        Release the hold
      </button>
      {error && <Alert>{error}</Alert>}
    </div>
  );
}

export function CartPage() {
  const client = useClient();
  const { user } = useSession();
  const cart = useCart();
  const [problem, setProblem] = useState<{ text: string; sku?: string; retried?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const hold = useLive<ReservationState>(
    (set, fail) =>
      cart.reservationId ? watchReservation(client, cart.reservationId, set, fail) : () => undefined,
    [cart.reservationId],
  );
  const onReserve = async (allowBackorder = false) => {
    setBusy(true);
    setProblem(null);
    const { lines } = currentCart();
    const res = await reserve(
      client,
      lines.map((l) => ({ sku: l.sku, qty: l.qty })),
      allowBackorder ? { allowBackorder } : {},
    );
    setBusy(false);
    if (!res.ok) {
      const { error } = res;
      if (error.code !== 'out-of-stock') return setProblem({ text: explain(error, lines) });
      // Refused beyond stock too: the function's message says how many more the policy has room for.
      return setProblem(
        allowBackorder
          ? { text: error.message, sku: error.sku, retried: true }
          : { text: explain(error, lines), sku: error.sku },
      );
    }
    setCart((c) => ({ ...c, reservationId: res.value.reservationId }));
  };
  const held = !!cart.reservationId && hold.value?.status === 'held';
  return (
    <section aria-labelledby="cart-title">
      <h1 id="cart-title">Cart</h1>
      {cart.lastOrderId && cart.lines.length === 0 && (
        <Alert kind="ok">
          Order {cart.lastOrderId} placed. <a href="#/orders">See your orders</a>
        </Alert>
      )}
      {cart.lines.length === 0 ? (
        <p>
          Your cart is empty. <a href="#/">Browse the catalog</a>
        </p>
      ) : (
        <>
          <Lines lines={cart.lines} locked={held} problemSku={problem?.sku} />
          {problem && <Alert>{problem.text}</Alert>}
          {problem?.sku && !problem.retried && !cart.reservationId && (
            <BackorderOffer
              sku={problem.sku}
              lines={cart.lines}
              busy={busy}
              onOrder={() => onReserve(true)}
            />
          )}
          {hold.error && <Alert>{explain(hold.error, cart.lines)}</Alert>}
          {cart.reservationId && hold.value && <Hold hold={hold.value} lines={cart.lines} />}
          {!cart.reservationId &&
            (user ? (
              <button type="button" class="primary" disabled={busy} onClick={() => onReserve()}>
                Reserve these items
              </button>
            ) : (
              <p>
                Sign in (top right) to reserve: the store then holds the stock for you while you check out.
              </p>
            ))}
        </>
      )}
    </section>
  );
}
