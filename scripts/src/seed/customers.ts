/**
 * Customers and their histories from the retail data's real customer ids. A few become demo users
 * who can sign in; a wider population of ordinary (non-wholesale) customers gives the recommender
 * something to learn from. The data's year is moved so that its last day is today, and each
 * customer's lines are folded into one event per SKU and kind (units summed, latest date kept).
 */
import { Timestamp } from 'firebase-admin/firestore';
import {
  type CustomerEvent,
  type CustomerProfile,
  type EventKind,
  MAX_UNITS,
  type OrderDocInput,
} from '@hearth/contracts';
import type { RetailTransaction } from '../data/online-retail';
import { newProfile } from '../../../functions/src/customers/profile';
import type { Catalog } from './catalog';

export interface DemoUser {
  uid: string;
  email: string;
  displayName: string;
  /** The retail customer whose history they carry; none for staff and the cold-start shopper. */
  retailCustomerId?: string;
  claims: Record<string, boolean>;
  consent: { personalisation: boolean; marketing: boolean };
  note: string;
}

export const DEMO_PASSWORD = 'hearth-demo';

/** Distinct SKUs bought: below is too little to learn from, above is a wholesaler. */
const ORDINARY_RANGE = [10, 60] as const;
const DEMO_ORDERS = 5;

export interface CustomerPlan {
  users: DemoUser[];
  profiles: { uid: string; doc: CustomerProfile }[];
  events: { uid: string; id: string; doc: CustomerEvent }[];
  orders: { id: string; doc: OrderDocInput }[];
}

interface Folded {
  kind: EventKind;
  sku: string;
  quantity: number;
  at: number;
}

/** The data's local times, shifted so its last invoice lands at `now`. */
function clockShift(lastDate: string, now: Date): (date: string) => number {
  const offset = now.getTime() - Date.parse(`${lastDate}:00Z`);
  return (date) => Date.parse(`${date}:00Z`) + offset;
}

export function regionOf(country: string, customerId: string): string {
  if (country !== 'United Kingdom') return country === 'EIRE' ? 'ie' : 'eu';
  return Number(customerId) % 2 === 0 ? 'uk-south' : 'uk-north';
}

function topCounts(values: string[], n: number): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([v]) => v);
}

export async function planCustomers(
  rows: AsyncIterable<RetailTransaction>,
  catalog: Catalog,
  now: Date,
  opts: { population: number },
): Promise<CustomerPlan> {
  const byCustomer = new Map<string, RetailTransaction[]>();
  let lastDate = '';
  for await (const r of rows) {
    if (r.date > lastDate) lastDate = r.date;
    if (r.customerId === '' || !catalog.productOfSku.has(r.stockCode)) continue;
    let list = byCustomer.get(r.customerId);
    if (!list) byCustomer.set(r.customerId, (list = []));
    list.push(r);
  }
  const at = clockShift(lastDate, now);
  const ordinary = [...byCustomer]
    .filter(([, lines]) => {
      const skus = new Set(lines.map((l) => l.stockCode)).size;
      return skus >= ORDINARY_RANGE[0] && skus <= ORDINARY_RANGE[1];
    })
    .map(([id]) => id)
    .sort();
  // Demo shoppers: a spread of ordinary customers, picked the same way every time.
  const pick = (i: number) => ordinary[Math.floor((ordinary.length * i) / 7)]!;
  const users: DemoUser[] = [
    demo(
      'ada',
      'Ada Lovelace',
      pick(1),
      { personalisation: true, marketing: true },
      'shopper with a history',
    ),
    demo('ben', 'Ben Okafor', pick(3), { personalisation: true, marketing: false }, 'shopper, no marketing'),
    demo(
      'cleo',
      'Cleo Marsh',
      pick(5),
      { personalisation: false, marketing: false },
      'opted out of personalisation',
    ),
    demo(
      'dev',
      'Dev Patel',
      undefined,
      { personalisation: true, marketing: false },
      'new shopper, no history',
    ),
    {
      ...demo('sam', 'Sam Staff', undefined, noConsent, 'store staff'),
      uid: 'staff-sam',
      claims: { staff: true },
    },
    {
      ...demo('alex', 'Alex Admin', undefined, noConsent, 'admin'),
      uid: 'admin-alex',
      claims: { admin: true },
    },
  ];
  const demoOf = new Map(users.filter((u) => u.retailCustomerId).map((u) => [u.retailCustomerId!, u]));
  const population = new Set(ordinary.slice(0, opts.population));
  for (const id of demoOf.keys()) population.add(id);

  const plan: CustomerPlan = { users, profiles: [], events: [], orders: [] };
  const productDoc = new Map(catalog.products.map((p) => [p.id, p.doc]));
  const priceOf = new Map(catalog.variants.map((v) => [v.doc.sku, v.doc.priceMinor]));

  for (const customerId of [...population].sort()) {
    const lines = byCustomer.get(customerId)!;
    const user = demoOf.get(customerId);
    const uid = user?.uid ?? `retail-${customerId}`;
    const folded = new Map<string, Folded>();
    for (const l of lines) {
      const kind: EventKind = l.cancelled ? 'cancel' : 'purchase';
      const key = `${l.stockCode}-${kind}`;
      const f = folded.get(key) ?? { kind, sku: l.stockCode, quantity: 0, at: 0 };
      f.quantity += Math.abs(l.quantity);
      f.at = Math.max(f.at, at(l.date));
      folded.set(key, f);
    }
    for (const [key, f] of folded) {
      plan.events.push({
        uid,
        id: `seed-${key}`,
        doc: {
          kind: f.kind,
          productId: catalog.productOfSku.get(f.sku)!,
          sku: f.sku,
          quantity: Math.min(MAX_UNITS, f.quantity),
          at: Timestamp.fromMillis(f.at),
        },
      });
    }
    const bought = lines
      .filter((l) => !l.cancelled)
      .map((l) => productDoc.get(catalog.productOfSku.get(l.stockCode)!)!);
    const prices = lines.map((l) => priceOf.get(l.stockCode)!).sort((a, b) => a - b);
    const median = prices[Math.floor(prices.length / 2)] ?? 500;
    plan.profiles.push({
      uid,
      doc: newProfile(
        {
          uid,
          displayName: user?.displayName ?? `Customer ${customerId}`,
          email: user?.email ?? null,
          region: regionOf(lines[0]!.country, customerId),
          consent: user?.consent ?? { personalisation: true, marketing: false },
          consentSource: 'seed',
          preferences: {
            styles: topCounts(
              bought.flatMap((p) => p.styleTags),
              3,
            ),
            rooms: topCounts(
              bought.map((p) => p.room ?? 'living-room'),
              2,
            ),
            budgetMinor: { min: Math.round(median / 2), max: median * 2 },
          },
        },
        now,
      ),
    });
    if (user) plan.orders.push(...pastOrders(uid, lines, at));
  }
  // Demo shoppers without a retail history still get a profile, so they can sign in and shop.
  for (const user of users.filter((u) => !u.retailCustomerId && u.uid.startsWith('demo-'))) {
    const { uid, displayName, email, consent } = user;
    plan.profiles.push({
      uid,
      doc: newProfile({ uid, displayName, email, region: 'uk-south', consent, consentSource: 'seed' }, now),
    });
  }
  return plan;
}

const noConsent = { personalisation: false, marketing: false };

function demo(
  name: string,
  displayName: string,
  retailCustomerId: string | undefined,
  consent: DemoUser['consent'],
  note: string,
): DemoUser {
  return {
    uid: `demo-${name}`,
    email: `${name}@demo.hearth`,
    displayName,
    ...(retailCustomerId ? { retailCustomerId } : {}),
    claims: {},
    consent,
    note: retailCustomerId ? `${note} (retail customer ${retailCustomerId})` : note,
  };
}

/** The customer's last invoices as orders placed before this system (no reservations, no stock moved). */
function pastOrders(
  uid: string,
  lines: RetailTransaction[],
  at: (date: string) => number,
): { id: string; doc: OrderDocInput }[] {
  const invoices = new Map<string, RetailTransaction[]>();
  for (const l of lines) if (!l.cancelled) invoices.set(l.invoice, [...(invoices.get(l.invoice) ?? []), l]);
  return [...invoices].slice(-DEMO_ORDERS).map(([invoice, items]) => {
    const merged = new Map<string, { qty: number; unitPriceMinor: number }>();
    for (const l of items) {
      const m = merged.get(l.stockCode) ?? {
        qty: 0,
        unitPriceMinor: Math.max(1, Math.round(l.unitPrice * 100)),
      };
      m.qty += l.quantity;
      merged.set(l.stockCode, m);
    }
    const orderLines = [...merged].map(([sku, m]) => ({
      sku,
      qty: m.qty,
      unitPriceMinor: m.unitPriceMinor,
      allocations: [],
      returned: 0,
    }));
    const placedAt = Timestamp.fromMillis(at(items[0]!.date));
    return {
      id: `hist-${invoice}`,
      doc: {
        customerId: uid,
        reservationId: `hist-${invoice}`,
        lines: orderLines,
        totalMinor: orderLines.reduce((s, l) => s + l.qty * l.unitPriceMinor, 0),
        currency: 'GBP',
        status: 'placed',
        statusHistory: [{ status: 'placed', at: placedAt }],
        createdAt: placedAt,
      },
    };
  });
}
