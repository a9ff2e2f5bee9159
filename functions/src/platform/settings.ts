/**
 * The store's tunables, as Firebase params: `firebase deploy` asks for each (or takes its default)
 * and writes the answer to `functions/.env.<project>`; the Functions emulator does the same from
 * `functions/.env.local`. At run time a param is an environment variable, and the SDK reads a
 * missing one as 0 or "", which would make every hold expire at once; so a process that was not
 * started by firebase-tools (a script, a test) falls back to the defaults declared here, and a
 * value that makes no sense fails the first call that needs it with the param's name and bounds.
 */
import { defineInt, defineString } from 'firebase-functions/params';
import { LOW_STOCK_UNITS } from '@hearth/contracts';
import { z } from 'zod';

/** Each param with its default and the bounds a sensible store stays within. */
const spec = {
  HOLD_MINUTES: {
    default: 15,
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    description: 'How long a reservation holds stock before it expires, in minutes.',
  },
  HOLD_MINUTES_ANONYMOUS: {
    default: 10,
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    description:
      'How long a reservation of an anonymous shopper (Firebase anonymous auth) holds stock, in minutes; signed-in shoppers get HOLD_MINUTES.',
  },
  MAX_HOLDS_PER_CUSTOMER: {
    default: 0,
    schema: z.coerce.number().int().min(0).max(1000),
    description:
      'How many held reservations one customer may keep at once (0: no cap; a cap costs each cart one read of the customer’s allowance).',
  },
  PICKUP_HOLD_HOURS: {
    default: 72,
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(30 * 24),
    description:
      'How long a click-and-collect order waits at the store once ready before it is cancelled and restocked, in hours.',
  },
  LOW_STOCK_UNITS: {
    default: LOW_STOCK_UNITS,
    schema: z.coerce.number().int().min(0).max(1_000_000),
    description: 'At or below this many available units (or the safety stock, if higher) a SKU shows as low.',
  },
  STORE_CURRENCY: {
    default: 'GBP',
    schema: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as GBP'),
    description: 'The ISO 4217 currency of the catalog prices, recorded on every order.',
  },
  TRANSACTION_MAX_ATTEMPTS: {
    default: 400,
    schema: z.coerce.number().int().min(1).max(10_000),
    description: 'How many times a contended stock transaction is tried before the caller gets unavailable.',
  },
  TRANSACTION_BUDGET_SECONDS: {
    default: 60,
    schema: z.coerce.number().int().min(1).max(540),
    description: 'How long a contended stock transaction keeps retrying before the caller gets unavailable.',
  },
} as const;

type Name = keyof typeof spec;

/** What firebase-tools is told of a param: its default and what it is for. */
function declared<N extends Name>(name: N): { default: (typeof spec)[N]['default']; description: string } {
  return { default: spec[name].default, description: spec[name].description };
}

/** The params themselves, so firebase-tools lists them in the functions' manifest. */
export const params = {
  HOLD_MINUTES: defineInt('HOLD_MINUTES', declared('HOLD_MINUTES')),
  HOLD_MINUTES_ANONYMOUS: defineInt('HOLD_MINUTES_ANONYMOUS', declared('HOLD_MINUTES_ANONYMOUS')),
  MAX_HOLDS_PER_CUSTOMER: defineInt('MAX_HOLDS_PER_CUSTOMER', declared('MAX_HOLDS_PER_CUSTOMER')),
  PICKUP_HOLD_HOURS: defineInt('PICKUP_HOLD_HOURS', declared('PICKUP_HOLD_HOURS')),
  LOW_STOCK_UNITS: defineInt('LOW_STOCK_UNITS', declared('LOW_STOCK_UNITS')),
  STORE_CURRENCY: defineString('STORE_CURRENCY', declared('STORE_CURRENCY')),
  TRANSACTION_MAX_ATTEMPTS: defineInt('TRANSACTION_MAX_ATTEMPTS', declared('TRANSACTION_MAX_ATTEMPTS')),
  TRANSACTION_BUDGET_SECONDS: defineInt('TRANSACTION_BUDGET_SECONDS', declared('TRANSACTION_BUDGET_SECONDS')),
};

export interface StoreSettings {
  holdMs: number;
  /** Holds of anonymous shoppers (HOLD_MINUTES_ANONYMOUS). */
  anonymousHoldMs: number;
  /** Held reservations one customer may keep at once; 0: no cap (MAX_HOLDS_PER_CUSTOMER). */
  maxHoldsPerCustomer: number;
  /** Click and collect: how long goods ready at the store wait for their customer (PICKUP_HOLD_HOURS). */
  pickupHoldMs: number;
  lowStockUnits: number;
  currency: string;
  transactionMaxAttempts: number;
  transactionBudgetMs: number;
}

/** The settings a process environment gives (its variables are where params arrive). */
export function settingsFrom(env: Record<string, string | undefined>): StoreSettings {
  const read = <N extends Name>(name: N): z.infer<(typeof spec)[N]['schema']> => {
    const raw = env[name];
    if (raw === undefined || raw === '') return spec[name].default as z.infer<(typeof spec)[N]['schema']>;
    const parsed = spec[name].schema.safeParse(raw);
    if (!parsed.success)
      throw new Error(
        `Param ${name}=${JSON.stringify(raw)} is not valid (${parsed.error.issues[0]?.message}); ${spec[name].description} Default: ${spec[name].default}.`,
      );
    return parsed.data as z.infer<(typeof spec)[N]['schema']>;
  };
  return {
    holdMs: read('HOLD_MINUTES') * 60_000,
    anonymousHoldMs: read('HOLD_MINUTES_ANONYMOUS') * 60_000,
    maxHoldsPerCustomer: read('MAX_HOLDS_PER_CUSTOMER'),
    pickupHoldMs: read('PICKUP_HOLD_HOURS') * 3_600_000,
    lowStockUnits: read('LOW_STOCK_UNITS'),
    currency: read('STORE_CURRENCY'),
    transactionMaxAttempts: read('TRANSACTION_MAX_ATTEMPTS'),
    transactionBudgetMs: read('TRANSACTION_BUDGET_SECONDS') * 1000,
  };
}

let current: StoreSettings | undefined;

/** This process's settings, read from its environment once. */
export function storeSettings(): StoreSettings {
  current ??= settingsFrom(process.env);
  return current;
}

/** The defaults, for the README and the tests. */
export const defaultSettings: StoreSettings = settingsFrom({});
