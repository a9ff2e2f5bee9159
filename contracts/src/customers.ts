/**
 * Customer data: the profile document, behaviour events, and the callables that manage consent and
 * a customer's right to a copy of their data and to its erasure.
 *
 * Who writes what (for firestore.rules):
 * - `customers/{uid}`: created by `ensureProfile`; the customer may update `displayName`,
 *   `addresses`, `region` and `preferences` (each validated as below); `consent`,
 *   `consentHistory`, `uid`, `createdAt` change only through the callables.
 * - `customers/{uid}/events/{eventId}`: the customer creates them (kind in `AppEventKind`, at most
 *   `MAX_APP_EVENT_UNITS`, `at` equal to the request time, in a slot of `EventQuota`); nobody
 *   updates them.
 *   Purchases, returns and cancellations are written by the store only (checkout, returns, the
 *   seed), under ids that say so (`SERVER_EVENT_ID`); jobs that read events skip what fails
 *   `isTrustedEvent` and count at most `MAX_APP_EVENTS_PER_HOUR` app events per customer and hour.
 *
 * firestore.rules states these shapes in its own language; test/rules/profile-schema.test.ts
 * probes it with shapes made from these schemas' limits, and fails when the rules let in a
 * profile these schemas reject (or refuse one they accept).
 */
import { z } from 'zod';
import { FirestoreTime, IsoTime, MAX_UNITS, ProductId, Region, Sku } from './common';

export const ConsentPurpose = z.enum(['personalisation', 'marketing']);
export type ConsentPurpose = z.infer<typeof ConsentPurpose>;

/** Opt-in: a new profile has both off until the customer says otherwise. */
export const Consent = z.object({ personalisation: z.boolean(), marketing: z.boolean() });
export type Consent = z.infer<typeof Consent>;

export const ConsentSource = z.enum(['signup', 'app', 'seed']);

/** One change of one consent flag; the history only grows (until the customer is erased). */
export const ConsentChange = z.object({
  purpose: ConsentPurpose,
  granted: z.boolean(),
  source: ConsentSource,
  at: FirestoreTime,
});
export type ConsentChange = z.infer<typeof ConsentChange>;

/**
 * Text measured in characters (Unicode code points), as the rules' regular expressions and JSON
 * Schema's maxLength count them: zod's own min/max count UTF-16 units, in which an emoji is two, so
 * a label of 40 emoji would pass the rules and fail here. `trimmed` removes what JavaScript's trim()
 * removes before measuring (the stored value keeps it; the parsed one does not).
 */
export function characters(min: number, max: number, trimmed: boolean) {
  const base = trimmed ? z.string().trim() : z.string();
  return base
    .refine(
      (s) => [...s].length >= min,
      min === 1 ? 'must not be blank' : `must be at least ${min} characters`,
    )
    .refine((s) => [...s].length <= max, `must be at most ${max} characters`)
    .meta({ minLength: min, maxLength: max });
}

const text = (max: number) => characters(1, max, true);

export const Address = z.object({
  label: text(40),
  line1: text(120),
  line2: characters(0, 120, true).optional(),
  city: text(80),
  postcode: text(16),
  country: text(56),
});
export type Address = z.infer<typeof Address>;

/** Whole pence up to 2^53 - 1 (zod's int() is a safe integer: the SDKs read larger int64 inexactly). */
export const BudgetMinor = z
  .object({ min: z.number().int().min(0), max: z.number().int().min(0) })
  .refine((b) => b.min <= b.max, { path: ['max'], message: 'must be at least min' });

export const Preferences = z.object({
  styles: z.array(text(30)).max(10),
  rooms: z.array(text(30)).max(10),
  /** What the customer means to spend per item, in pence; null when not said. */
  budgetMinor: BudgetMinor.nullable(),
});
export type Preferences = z.infer<typeof Preferences>;

/** customers/{uid} */
export const CustomerProfile = z.object({
  uid: z.string(),
  displayName: characters(0, 80, false),
  email: z.string().nullable(),
  region: characters(1, 40, false).nullable(),
  addresses: z.array(Address).max(10),
  preferences: Preferences,
  consent: Consent,
  consentHistory: z.array(ConsentChange),
  createdAt: FirestoreTime,
  updatedAt: FirestoreTime,
});
export type CustomerProfile = z.infer<typeof CustomerProfile>;

/** The fields a customer may change directly (through the SDK, checked by the rules). */
export const ProfileUpdate = CustomerProfile.pick({
  displayName: true,
  region: true,
  addresses: true,
  preferences: true,
}).partial();
export type ProfileUpdate = z.infer<typeof ProfileUpdate>;

/** Kinds the recommender learns from; returns and cancellations count against an item. */
export const EventKind = z.enum(['view', 'wishlist', 'cartAdd', 'purchase', 'return', 'cancel']);
export type EventKind = z.infer<typeof EventKind>;
/**
 * Kinds an app writes itself. Purchases, returns and cancellations are recorded by the store: an
 * app that could write purchases could make any product a bestseller.
 */
export const AppEventKind = z.enum(['view', 'wishlist', 'cartAdd']);
export type AppEventKind = z.infer<typeof AppEventKind>;

/** Units an app event may carry (a cart add of a few pieces); store events go to MAX_UNITS. */
export const MAX_APP_EVENT_UNITS = 20;
/**
 * App events a customer may write per quota window (the rules), and that jobs count per customer
 * and clock hour (the rest are skipped as noise or abuse).
 */
export const MAX_APP_EVENTS_PER_HOUR = 500;
/** How long a quota window lasts before the next may start. */
export const APP_EVENT_WINDOW_MS = 3_600_000;
/** Ids of events the store writes: `order-{orderId}-{line}`, `return-{ledgerId}`, `seed-...`. */
export const SERVER_EVENT_ID = /^(order|return|seed)-/;
/**
 * Ids of an app's events: `{window}-{slot}` of the quota (EventQuota); auto ids (20 letters and
 * digits) are what app events had before the quota, kept as history.
 */
export const APP_EVENT_ID = /^(?:[1-9][0-9]{0,8}-[1-9][0-9]{0,2}|[A-Za-z0-9]{20})$/;

/**
 * customers/{uid}/quota/events: the customer's event quota. A batch of app events raises `used`
 * by its size in the same commit and names its events `{window}-{slot}` for the slots it opened;
 * a new window (used from 1 again) may start an APP_EVENT_WINDOW_MS after the last one started.
 */
export const EventQuota = z.object({
  window: z.number().int().min(1),
  startedAt: FirestoreTime,
  used: z.number().int().min(1).max(MAX_APP_EVENTS_PER_HOUR),
});
export type EventQuota = z.infer<typeof EventQuota>;

/** customers/{uid}/events/{eventId} */
export const CustomerEvent = z.object({
  kind: EventKind,
  productId: ProductId,
  sku: Sku.nullable(),
  /** Units, for purchases, returns and cancellations; 1 for the rest. */
  quantity: z.number().int().min(1).max(MAX_UNITS),
  at: FirestoreTime,
});
export type CustomerEvent = z.infer<typeof CustomerEvent>;

/** What an app sends to record an event (the client helper batches these). */
export const TrackEvent = z.object({
  kind: AppEventKind,
  productId: ProductId,
  sku: Sku.optional(),
  quantity: z.number().int().min(1).max(MAX_APP_EVENT_UNITS).default(1),
});
export type TrackEvent = z.input<typeof TrackEvent>;

/**
 * Whether a stored event may count for recommendations: store kinds only under the store's ids,
 * app kinds only under app ids and within MAX_APP_EVENT_UNITS. (The rate limit needs the other
 * events of the customer: the jobs apply it as they read.)
 */
export function isTrustedEvent(id: string, event: CustomerEvent): boolean {
  if (AppEventKind.safeParse(event.kind).success)
    return APP_EVENT_ID.test(id) && event.quantity <= MAX_APP_EVENT_UNITS;
  return SERVER_EVENT_ID.test(id);
}

// ---- callables ----

export const EnsureProfileRequest = z.object({
  displayName: z.string().trim().max(80).optional(),
  region: Region.optional(),
  /** The choices made on the sign-up screen; both default to off. */
  consent: Consent.partial().optional(),
});
export type EnsureProfileRequest = z.input<typeof EnsureProfileRequest>;

export const EnsureProfileResponse = z.object({ created: z.boolean(), consent: Consent });
export type EnsureProfileResponse = z.infer<typeof EnsureProfileResponse>;

export const SetConsentRequest = Consent.partial().refine(
  (c) => c.personalisation !== undefined || c.marketing !== undefined,
  'give personalisation or marketing (true or false)',
);
export type SetConsentRequest = z.infer<typeof SetConsentRequest>;

export const SetConsentResponse = z.object({ consent: Consent, changed: z.array(ConsentPurpose) });
export type SetConsentResponse = z.infer<typeof SetConsentResponse>;

/** A Firestore document in an export: its path, and its fields as JSON (timestamps as ISO strings). */
export const ExportedDoc = z.object({ path: z.string(), data: z.record(z.string(), z.unknown()) });
export type ExportedDoc = z.infer<typeof ExportedDoc>;

export const ExportMyDataResponse = z.object({
  format: z.literal('hearth-export/1'),
  uid: z.string(),
  exportedAt: IsoTime,
  account: z
    .object({
      email: z.string().nullable(),
      displayName: z.string().nullable(),
      createdAt: z.string().nullable(),
    })
    .nullable(),
  profile: ExportedDoc.nullable(),
  events: z.array(ExportedDoc),
  orders: z.array(ExportedDoc),
  reservations: z.array(ExportedDoc),
  recommendations: ExportedDoc.nullable(),
  /** What the recommender's experiments showed them (customers/{uid}/exposures). */
  exposures: z.array(ExportedDoc),
});
export type ExportMyDataResponse = z.infer<typeof ExportMyDataResponse>;

/** exportMyData takes nothing: the signed-in customer's data is exported. */
export const ExportMyDataRequest = z.object({});
export type ExportMyDataRequest = z.infer<typeof ExportMyDataRequest>;

/** Asking twice is deliberate: the app must send the confirmation the customer typed or ticked. */
export const DeleteMyDataRequest = z.object({ confirm: z.literal('DELETE', 'confirm must be "DELETE"') });
export type DeleteMyDataRequest = z.infer<typeof DeleteMyDataRequest>;

/**
 * Staff acting on a customer's request made by phone or mail: a copy of their data (staff), or
 * their erasure (admins only, confirmed as the customer's own is). The answers are those of
 * exportMyData and deleteMyData.
 */
export const ExportCustomerDataRequest = z.object({
  uid: z.string().min(1, 'uid must name the customer').max(128),
});
export type ExportCustomerDataRequest = z.infer<typeof ExportCustomerDataRequest>;

export const EraseCustomerRequest = z.object({
  uid: z.string().min(1, 'uid must name the customer').max(128),
  confirm: z.literal('DELETE', 'confirm must be "DELETE"'),
});
export type EraseCustomerRequest = z.infer<typeof EraseCustomerRequest>;

export const DeleteMyDataResponse = z.object({
  deleted: z.object({
    profile: z.boolean(),
    events: z.number().int(),
    recommendations: z.boolean(),
    account: z.boolean(),
  }),
  anonymised: z.object({
    orders: z.number().int(),
    reservations: z.number().int(),
    ledgerEntries: z.number().int(),
  }),
});
export type DeleteMyDataResponse = z.infer<typeof DeleteMyDataResponse>;
