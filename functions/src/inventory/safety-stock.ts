/**
 * Safety stock is withheld from sale: a cart may take a location's available units less its safety
 * stock, never the last ones (they cover demand during a late delivery, or a miscount). Staff moves
 * (transfers, adjustments) still reach them. Units owed to backordered holds are withheld too: what
 * arrives while any are owed is theirs first (backorders.ts). The status shoppers see counts the
 * same way (stockStatus in @hearth/contracts).
 */
import type { InventoryDoc } from '@hearth/contracts';

/** What carts may take at `locationId` of what is `available` there. */
export const sellable = (doc: InventoryDoc, locationId: string, available: number): number =>
  Math.max(
    0,
    available - (doc.locations[locationId]?.safetyStock ?? 0) - (doc.locations[locationId]?.backordered ?? 0),
  );
