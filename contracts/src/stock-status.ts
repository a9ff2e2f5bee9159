/**
 * The one place that decides what shoppers are told about a SKU's stock: how the `status` of
 * `inventory/{sku}` follows from its figures. The functions write it with this; the client applies
 * it to figures it sums from a hot SKU's shards, so both always agree. Change a threshold here and
 * every availability document follows on its next write.
 */
import type { StockStatus } from './inventory';

/** At or below this many available units (or the safety stock, if higher) a SKU shows as `low`. */
export const LOW_STOCK_UNITS = 3;

export interface StatusInputs {
  available: number;
  safetyStock: number;
  incoming: number;
  inTransit: number;
  madeToOrder: boolean;
  backorderable: boolean;
}

export function stockStatus(s: StatusInputs): StockStatus {
  if (s.available > 0) return s.available <= Math.max(LOW_STOCK_UNITS, s.safetyStock) ? 'low' : 'in_stock';
  if (s.madeToOrder) return 'made_to_order';
  if (s.backorderable || s.incoming + s.inTransit > 0) return 'backorder';
  return 'out';
}
