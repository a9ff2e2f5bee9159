/** How figures read on screen. */
import type { StockStatus } from '@hearth/contracts';

const gbp = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
export const money = (minor: number) => gbp.format(minor / 100);

export const dateTime = (ms: number) =>
  new Date(ms).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

/** A day, as a promise reads ("16 Dec 2026"): backorders are promised for a date, not an hour. */
export const day = (ms: number) => new Date(ms).toLocaleDateString('en-GB', { dateStyle: 'medium' });

export const statusLabel: Record<StockStatus, string> = {
  in_stock: 'In stock',
  low: 'Low',
  out: 'Out of stock',
  backorder: 'Backorder',
  made_to_order: 'Made to order',
};

/** What a shopper reads for one variant: the count only when it is worth saying. */
export function shopperAvailability(status: StockStatus, available: number): string {
  if (status === 'out') return 'Out of stock';
  if (status === 'backorder') return 'On backorder: ships when restocked';
  if (status === 'made_to_order') return 'Made to order';
  if (available <= 5) return `Only ${available} left`;
  return 'In stock';
}

/** mm:ss until `ms`, never negative. */
export function countdown(ms: number, now: number): string {
  const left = Math.max(0, Math.round((ms - now) / 1000));
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
}
