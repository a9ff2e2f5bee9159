import type {
  InvalidArgumentDetails,
  NotFoundDetails,
  OutOfStockDetails,
  PreconditionDetails,
} from '@hearth/contracts';
import { DomainError } from '../platform/callable';

/** The callable error codes inventory answers with (see platform/callable.ts for how they reach apps). */
export type InventoryErrorCode =
  | 'invalid-argument'
  | 'unauthenticated'
  | 'permission-denied'
  | 'not-found'
  | 'failed-precondition'
  | 'resource-exhausted'
  | 'unavailable';

export class InventoryError extends DomainError<InventoryErrorCode> {}

export const invalidField = (field: string, message: string) =>
  new InventoryError('invalid-argument', `${field}: ${message}`, {
    field,
    issues: [{ field, message }],
  } satisfies InvalidArgumentDetails);

export const notFound = (kind: string, id: string) =>
  new InventoryError('not-found', `No ${kind} '${id}' exists`, { kind, id } satisfies NotFoundDetails);

/** `total` is given when more could be had by allowing a split delivery. */
export function outOfStock(sku: string, requested: number, available: number, total = available) {
  const split = total > available ? ` from one location (${total} if the order may be split)` : '';
  return new InventoryError(
    'resource-exhausted',
    `Not enough stock of ${sku}: ${requested} requested, ${available} available${split}`,
    (total > available
      ? { sku, requested, available, availableIfSplit: total }
      : { sku, requested, available }) satisfies OutOfStockDetails,
  );
}

export const precondition = (reason: string, message: string) =>
  new InventoryError('failed-precondition', message, { reason } satisfies PreconditionDetails);
