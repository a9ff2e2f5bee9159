/**
 * Replenishment from a forecast, as a periodic-review order-up-to policy reviewed weekly:
 * - reorder point = forecast demand over the lead time + safety stock;
 * - safety stock = z(service level) x one-week error sd x sqrt(lead time), errors taken as
 *   independent from week to week;
 * - when the inventory position is at or below the reorder point, order up to the demand over the
 *   lead time and one review period plus the safety stock.
 * Units are whole: targets round up, so the rounding never lowers the service level.
 */
import type { Replenishment } from '@hearth/contracts';
import { normalQuantile } from './service-level';

export interface ReplenishmentPolicy {
  leadTimeWeeks: number;
  reviewWeeks: number;
  serviceLevel: number;
}

/** Two weeks from a supplier, a weekly purchase run, and 95% of lead times without a stock-out. */
export const defaultPolicy: ReplenishmentPolicy = { leadTimeWeeks: 2, reviewWeeks: 1, serviceLevel: 0.95 };

export function replenishment(
  forecast: readonly number[],
  errorSd: number,
  inventoryPosition: number,
  policy: ReplenishmentPolicy = defaultPolicy,
): Replenishment {
  const { leadTimeWeeks, reviewWeeks, serviceLevel } = policy;
  if (forecast.length < leadTimeWeeks + reviewWeeks)
    throw new RangeError(
      `a forecast of ${forecast.length} weeks cannot cover ${leadTimeWeeks + reviewWeeks}`,
    );
  const demandOver = (weeks: number) => forecast.slice(0, weeks).reduce((s, u) => s + u, 0);
  const leadTimeDemand = demandOver(leadTimeWeeks);
  const z = normalQuantile(serviceLevel);
  const safetyStock = wholeUnits(z * errorSd * Math.sqrt(leadTimeWeeks));
  const reorderPoint = wholeUnits(leadTimeDemand + safetyStock);
  const orderUpTo = Math.max(reorderPoint, wholeUnits(demandOver(leadTimeWeeks + reviewWeeks) + safetyStock));
  const reorder = inventoryPosition <= reorderPoint && orderUpTo > 0;
  return {
    leadTimeWeeks,
    reviewWeeks,
    serviceLevel,
    leadTimeDemand: Math.round(leadTimeDemand * 100) / 100,
    safetyStock,
    reorderPoint,
    orderUpTo,
    inventoryPosition,
    reorder,
    suggestedQty: reorder ? Math.max(0, orderUpTo - inventoryPosition) : 0,
  };
}

/** Rounded up to whole units, ignoring float dust (20.000000001 is 20), never below 0. */
const wholeUnits = (units: number) => Math.max(0, Math.ceil(units - 1e-9));
