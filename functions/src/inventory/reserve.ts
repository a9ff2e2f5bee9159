/**
 * reserveStock: hold every line of a cart, or nothing.
 *
 * Per function instance, concurrent reservations of the same SKUs queue for one transaction (group
 * commit, group-commit.ts): while one batch is in flight the next callers gather, and the next
 * batch reads the stock once, serves them in arrival order and commits every hold, ledger entry and
 * idempotency record together (reserve-batch.ts). Each caller gets its own answer. A hot SKU runs a
 * batch per shard at once, so sharding multiplies what batching gives.
 */
import type { ReservationView, ReserveStockRequest } from '@hearth/contracts';
import { DomainError } from '../platform/callable';
import { settingsOf } from '../platform/deps';
import type { Deps } from './deps';
import { GroupCommit } from './group-commit';
import { hashRequest, operationId, recordId } from './idempotency';
import { expandBundles } from './bundle-cart';
import { holdMsFor, shopperOf } from './hold-policy';
import { type BusyShards, type Cart, MAX_WRITES_PER_COMMIT, reserveBatch } from './reserve-batch';

/** How often a cart may be sent to the next round (its shards ran short, the commit was full). */
const MAX_ROUNDS = 50;

interface Instance {
  queue: GroupCommit<Cart, ReservationView>;
  busy: BusyShards;
}

/** One queue per function instance (per deps: a process's callables share one). */
const instances = new WeakMap<Deps, Instance>();

function instanceOf(deps: Deps): Instance {
  let instance = instances.get(deps);
  if (instance) return instance;
  const busy: BusyShards = new Set();
  const grouped = deps.groupCommit !== false;
  const queue = new GroupCommit<Cart, ReservationView>({
    maxWeight: MAX_WRITES_PER_COMMIT,
    // Its reservation, its idempotency record, its outbox event and a ledger entry per line (more if
    // a line splits).
    weight: (cart) => 3 + cart.req.lines.length,
    maxItems: grouped ? undefined : 1,
    unlimitedLanes: !grouped,
    maxRounds: MAX_ROUNDS,
    giveUp: (why, rounds) =>
      new DomainError(
        'unavailable',
        `Could not reserve stock: the store is too busy right now (${rounds} rounds; last: ${why}). Nothing was changed; try again in a few seconds.`,
        { attempts: rounds },
      ),
    // How long a cart holds its stock: the HOLD_MINUTES param.
    run: (carts) => reserveBatch(deps, carts, busy, settingsOf(deps).holdMs),
  });
  instances.set(deps, (instance = { queue, busy }));
  return instance;
}

export async function reserveStock(
  deps: Deps,
  customer: { uid: string; anonymous?: boolean },
  req: ReserveStockRequest,
): Promise<ReservationView> {
  const opId = operationId('reserveStock', customer.uid, req.idempotencyKey);
  const expanded = await expandBundles(deps, req);
  const shopper = shopperOf(customer);
  const cart: Cart = {
    uid: customer.uid,
    req: expanded.req,
    opId,
    recordId: recordId('reserveStock', opId),
    requestHash: hashRequest(req),
    shopper,
    holdMs: holdMsFor(settingsOf(deps), shopper),
    bundles: expanded.bundles,
  };
  const key = [...new Set(expanded.req.lines.map((l) => l.sku))].sort().join('|');
  return instanceOf(deps).queue.submit(key, cart);
}
