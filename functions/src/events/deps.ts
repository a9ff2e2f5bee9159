/** The events domain's deps: the platform's, plus how deliveries are made (tests shorten them). */
import type { Deps } from '../platform/deps';
import type { UrlPolicy } from './ssrf';

export interface DeliverySettings {
  /** Tries before a delivery is dead-lettered. */
  maxAttempts: number;
  /** Backoff after the n-th failure: min(max, base * 2^(n-1)), times a jitter in [0.5, 1). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** An attempt with no answer by then counts as failed (a timeout). */
  timeoutMs: number;
  /** A retry due within this long is waited for in place; a later one is left to the sweeper. */
  inlineWaitMs: number;
  /** How long the sweeper lets the trigger have an event before dispatching it itself. */
  sweepGraceMs: number;
  /** How long a drain may hold a stream before another may take it over (a crashed drainer). */
  leaseMs: number;
  /** How long a rotated-out secret still signs (a second v1), so consumers can switch. */
  previousSecretMs: number;
}

export const defaultDeliverySettings: DeliverySettings = {
  maxAttempts: 10,
  baseDelayMs: 5_000,
  maxDelayMs: 3_600_000,
  timeoutMs: 10_000,
  inlineWaitMs: 5_000,
  sweepGraceMs: 30_000,
  leaseMs: 120_000,
  previousSecretMs: 24 * 3_600_000,
};

export interface EventDeps extends Deps {
  urls?: UrlPolicy;
  delivery?: Partial<DeliverySettings>;
  /** [0, 1): the backoff's jitter. */
  random?: () => number;
  fetch?: typeof fetch;
}

export const deliverySettings = (deps: EventDeps): DeliverySettings => ({
  ...defaultDeliverySettings,
  ...deps.delivery,
});

/** Production refuses private and loopback URLs; the local stack (FUNCTIONS_EMULATOR) allows them. */
export const urlPolicyOf = (deps: EventDeps): UrlPolicy =>
  deps.urls ?? { allowPrivate: process.env.FUNCTIONS_EMULATOR === 'true' };
