/**
 * Which quota slots a batch of events takes (customers/{uid}/quota/events, checked by
 * firestore.rules): the next free ones of the current window, or of a new window once the current
 * one is APP_EVENT_WINDOW_MS old. A batch bigger than what is left takes what is left.
 */
import { APP_EVENT_WINDOW_MS, MAX_APP_EVENTS_PER_HOUR } from '@hearth/contracts';

export interface QuotaState {
  window: number;
  used: number;
  startedAtMs: number;
}

export interface Claim {
  window: number;
  /** Slots from + 1 to `to` are this batch's: event ids `{window}-{slot}`. */
  from: number;
  to: number;
  /** A new window starts (its startedAt is the commit's server time). */
  newWindow: boolean;
}

/** `nowMs` is this device's clock: only a guess of the server's, so the rules have the last word. */
export function claimSlots(current: QuotaState | undefined, wanted: number, nowMs: number): Claim {
  const take = (from: number) => Math.min(from + wanted, MAX_APP_EVENTS_PER_HOUR);
  if (!current) return { window: 1, from: 0, to: take(0), newWindow: true };
  if (current.startedAtMs + APP_EVENT_WINDOW_MS <= nowMs)
    return { window: current.window + 1, from: 0, to: take(0), newWindow: true };
  return { window: current.window, from: current.used, to: take(current.used), newWindow: false };
}
