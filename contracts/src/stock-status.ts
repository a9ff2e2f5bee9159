/**
 * The one place that decides what shoppers are told about a SKU's stock: how the `status` of
 * `inventory/{sku}` follows from its figures. The functions write it with this; the client applies
 * it to figures it sums from a hot SKU's shards, so both always agree. Change a threshold here and
 * every availability document follows on its next write.
 */
import type { StockStatus } from './inventory';

/**
 * By default, at or below this many units for sale (available less safety stock) a SKU shows as
 * `low`. A store sets its own with the functions' LOW_STOCK_UNITS param; each availability
 * document records the threshold its status was computed with (`lowStockUnits`).
 */
export const LOW_STOCK_UNITS = 3;

export interface StatusInputs {
  available: number;
  safetyStock: number;
  incoming: number;
  inTransit: number;
  /** Units owed to backordered holds: arriving stock is theirs first, so not for sale (absent: 0). */
  backordered?: number | undefined;
  madeToOrder: boolean;
  backorderable: boolean;
  /** The store's threshold; LOW_STOCK_UNITS when absent. */
  lowStockUnits?: number | undefined;
}

export function stockStatus(s: StatusInputs): StockStatus {
  // Safety stock is withheld from sale (carts never take it), so shoppers are not shown it either.
  const sellable = s.available - s.safetyStock - (s.backordered ?? 0);
  if (sellable > 0) return sellable <= (s.lowStockUnits ?? LOW_STOCK_UNITS) ? 'low' : 'in_stock';
  if (s.madeToOrder) return 'made_to_order';
  if (s.backorderable || s.incoming + s.inTransit > 0) return 'backorder';
  return 'out';
}
