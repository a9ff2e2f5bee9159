/**
 * The order callables of issue 14: cancelling (whole orders or some lines) and moving lines through
 * fulfilment. Requests and answers; the order document itself is OrderDoc (inventory.ts, with
 * order-lifecycle.ts).
 */
import { z } from 'zod';
import { Count, CurrencyCode, IdempotencyKey, OrderId, Quantity, Sku } from './common';
import { FulfilmentState } from './order-lifecycle';
import { OrderStatus } from './inventory';

/** An order line, by its position in `OrderDoc.lines` (a SKU may appear twice: alone and in a bundle). */
export const LineIndex = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be 0 or more')
  .max(199, 'no order has that many lines');

export const CancelOrderRequest = z.object({
  idempotencyKey: IdempotencyKey,
  orderId: OrderId,
  /**
   * The lines and units to cancel; absent: everything not yet cancelled. A line of a bundle
   * cancels its whole bundle, every line of it in full.
   */
  lines: z
    .array(z.object({ lineIndex: LineIndex, qty: Quantity }))
    .min(1, 'must name at least one line (or be left out to cancel the whole order)')
    .max(200)
    .superRefine((lines, ctx) => {
      const seen = new Set<number>();
      lines.forEach((l, i) => {
        if (seen.has(l.lineIndex))
          ctx.addIssue({ code: 'custom', path: [i, 'lineIndex'], message: 'appears twice; merge them' });
        seen.add(l.lineIndex);
      });
    })
    .optional(),
  reason: z.string().trim().max(200, 'must be at most 200 characters').default(''),
});
export type CancelOrderRequest = z.infer<typeof CancelOrderRequest>;

export const CancelOrderResponse = z.object({
  orderId: OrderId,
  status: OrderStatus,
  lines: z.array(
    z.object({
      lineIndex: Count,
      sku: Sku,
      qty: Count,
      /** `restocked`: the units had not left and are on sale again; `return_requested`: refunded, to come back. */
      outcome: z.enum(['restocked', 'return_requested']),
    }),
  ),
  refundMinor: Count,
  currency: CurrencyCode,
  ledgerEntryIds: z.array(z.string()),
});
export type CancelOrderResponse = z.infer<typeof CancelOrderResponse>;

/** The states a line can be moved to (allocated is where it starts, cancelled is cancelOrder's). */
export const FulfilmentTarget = FulfilmentState.exclude(['allocated', 'cancelled']);

export const AdvanceFulfilmentRequest = z.object({
  idempotencyKey: IdempotencyKey,
  orderId: OrderId,
  lineIndex: LineIndex,
  to: FulfilmentTarget,
  note: z.string().trim().max(200, 'must be at most 200 characters').default(''),
});
export type AdvanceFulfilmentRequest = z.infer<typeof AdvanceFulfilmentRequest>;

export const AdvanceFulfilmentResponse = z.object({
  orderId: OrderId,
  lineIndex: Count,
  from: FulfilmentState,
  to: FulfilmentState,
  status: OrderStatus,
  ledgerEntryIds: z.array(z.string()),
});
export type AdvanceFulfilmentResponse = z.infer<typeof AdvanceFulfilmentResponse>;
