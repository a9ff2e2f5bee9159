/**
 * Orders: the signed-in customer's, newest first, as they change (a cancellation, a shipment or a
 * return updates one live); cancelling (the customer's own before it ships, staff any) and moving
 * lines through fulfilment (staff). The calls check the request against the function's own schema
 * and make an idempotency key unless given one (send it again to retry safely).
 */
import { collection, limit, onSnapshot, orderBy, query, where, type Unsubscribe } from 'firebase/firestore';
import {
  AdvanceFulfilmentRequest,
  AdvanceFulfilmentResponse,
  CancelOrderRequest,
  CancelOrderResponse,
  type OrderDoc,
} from '@hearth/contracts';
import { call, type Keyed, newIdempotencyKey } from './call';
import type { HearthClient } from './client';
import { toHearthError, type HearthError, type Result } from './errors';

/** Cancels the whole order, or the lines and units named; a line of a bundle cancels its bundle. */
export const cancelOrder = (
  client: Pick<HearthClient, 'functions'>,
  req: Keyed<typeof CancelOrderRequest>,
): Promise<Result<CancelOrderResponse>> =>
  call(client, 'cancelOrder', CancelOrderRequest, CancelOrderResponse, {
    ...req,
    idempotencyKey: req.idempotencyKey ?? newIdempotencyKey(),
  });

/** Staff: moves one line a step (picked, shipped, delivered, ready_for_pickup, collected). */
export const advanceFulfilment = (
  client: Pick<HearthClient, 'functions'>,
  req: Keyed<typeof AdvanceFulfilmentRequest>,
): Promise<Result<AdvanceFulfilmentResponse>> =>
  call(client, 'advanceFulfilment', AdvanceFulfilmentRequest, AdvanceFulfilmentResponse, {
    ...req,
    idempotencyKey: req.idempotencyKey ?? newIdempotencyKey(),
  });

/**
 * The query filters on the customer because the rules allow a customer only queries that can
 * return nothing but their own orders.
 */
export function watchMyOrders(
  client: Pick<HearthClient, 'db'>,
  uid: string,
  onChange: (orders: Array<OrderDoc & { id: string }>) => void,
  opts: { limit?: number; onError?: (e: HearthError) => void } = {},
): Unsubscribe {
  return onSnapshot(
    query(
      collection(client.db, 'orders'),
      where('customerId', '==', uid),
      orderBy('createdAt', 'desc'),
      limit(opts.limit ?? 20),
    ),
    (snap) => onChange(snap.docs.map((d) => ({ ...(d.data() as OrderDoc), id: d.id }))),
    (err) => (opts.onError ?? ((e) => console.error(`watchMyOrders: ${e.message}`)))(toHearthError(err)),
  );
}
