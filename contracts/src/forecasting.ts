/**
 * Demand forecasts and replenishment suggestions, written by the scheduled forecasting job only;
 * staff read them (the console), nobody writes them from an app.
 */
import { z } from 'zod';
import { Count, FirestoreTime, LocationId, Sku, SupplierId } from './common';
import { LeadTimeDays } from './suppliers';

/** Units forecast for one week (Monday 00:00 UTC to the next). Fractional: it is an expectation. */
export const ForecastWeek = z.object({
  weekStart: FirestoreTime,
  units: z.number().min(0),
});
export type ForecastWeek = z.infer<typeof ForecastWeek>;

/**
 * When to reorder and how much: reorder once the inventory position (available + incoming + in
 * transit) is at or below `reorderPoint` (demand over the lead time plus safety stock for the
 * service level); then order up to `orderUpTo` (which also covers the review period).
 */
export const Replenishment = z.object({
  leadTimeWeeks: z.number().int().min(1),
  reviewWeeks: z.number().int().min(1),
  /** The chance of not running out during a lead time the safety stock is sized for. */
  serviceLevel: z.number().gt(0).lt(1),
  leadTimeDemand: z.number().min(0),
  safetyStock: Count,
  reorderPoint: Count,
  orderUpTo: Count,
  inventoryPosition: z.number().int(),
  reorder: z.boolean(),
  suggestedQty: Count,
});
export type Replenishment = z.infer<typeof Replenishment>;

/** forecasts/{sku}: the next weeks' demand of one SKU, from the ledger's sales, and what to order. */
export const ForecastDoc = z.object({
  sku: Sku,
  /** The method (see functions/src/forecasting/chosen.ts and the backtest). */
  method: z.string(),
  generatedAt: FirestoreTime,
  /** Weekly units sold, oldest first, the last whole week last; week i starts at historyFrom + i weeks. */
  historyFrom: FirestoreTime,
  history: z.array(Count),
  weeks: z.array(ForecastWeek),
  /**
   * Per location the SKU sold from in at least 8 of the history weeks: that location's own weekly
   * history and forecast units (the same weeks as `weeks`), and its own replenishment, from that
   * location's forecast, forecast error and stock (available + incoming + in transit there).
   * Locations with less history count in the SKU's total only.
   */
  locations: z.record(
    LocationId,
    z.object({ history: z.array(Count), units: z.array(z.number().min(0)), replenishment: Replenishment }),
  ),
  /**
   * The supplier the SKU's variant names, whose lead time the replenishment covers; null when it
   * names none (or one with no suppliers/{id}): then the store's default lead time (2 weeks).
   */
  supplier: z.object({ id: SupplierId, name: z.string(), leadTimeDays: LeadTimeDays }).nullable(),
  /** Standard deviation of the one-week-ahead forecast error over the history (units). */
  errorSd: z.number().min(0),
  replenishment: Replenishment,
});
export type ForecastDoc = z.infer<typeof ForecastDoc>;
