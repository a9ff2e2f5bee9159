/**
 * A small store for the browser tests, made the way the seed makes the real one: locations, products
 * and variants as documents, stock only through the functions' own restock (so the ledger explains
 * it), a hot SKU sharded by setShardCount; and the demo users with their claims in the Auth emulator.
 */
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { Auth } from 'firebase-admin/auth';
import type { ProductDoc, VariantDoc } from '@hearth/contracts';
import { systemClock, type Deps } from '../../../functions/src/inventory/deps';
import { defineSku, upsertLocation } from '../../../functions/src/inventory/setup';
import { restock } from '../../../functions/src/inventory/stock-changes';
import { setShardCount } from '../../../functions/src/inventory/shards';
import { variantRef } from '../../../functions/src/inventory/paths';
import { LOCATIONS } from '../../../functions/test/inventory/support/store';
import { upsertUsers } from '../../../scripts/src/seed/users';

const SEEDER = { uid: 'seed', role: 'admin' as const };

export interface TestProduct {
  id: string;
  doc: ProductDoc;
  variants: Array<{
    sku: string;
    options: VariantDoc['options'];
    priceMinor: number;
    stock: Record<string, number>;
  }>;
  shards?: Record<string, number>;
}

export const PRODUCTS: TestProduct[] = [
  {
    id: 'p-lamp',
    doc: product('Brass Reading Lamp', 'lighting', 'study', ['vintage'], 'A brass lamp for a reading corner'),
    variants: [
      { sku: 'LAMP-BRASS', options: { material: 'brass' }, priceMinor: 4_500, stock: { 'wh-north': 3 } },
    ],
  },
  {
    id: 'p-sofa',
    doc: product(
      'Oak Frame Sofa',
      'furniture',
      'living-room',
      ['rustic', 'scandi'],
      'Three seats on an oak frame',
    ),
    variants: [
      {
        sku: 'SOFA-GREEN',
        options: { colour: 'green' },
        priceMinor: 89_900,
        stock: { 'wh-north': 12, 'wh-south': 4 },
      },
      { sku: 'SOFA-GREY', options: { colour: 'grey' }, priceMinor: 89_900, stock: { 'store-bath': 2 } },
    ],
  },
  {
    id: 'p-mug',
    doc: product('Heart Mug', 'kitchen', 'kitchen', ['romantic'], 'The flash-sale favourite'),
    variants: [{ sku: 'MUG-HEART', options: { colour: 'red' }, priceMinor: 650, stock: { 'wh-north': 40 } }],
    shards: { 'wh-north': 4 },
  },
];

export function product(
  name: string,
  category: string,
  room: string,
  styleTags: string[],
  description: string,
): ProductDoc {
  return { name, description, category, room, styleTags, materials: [], images: [], active: true };
}

export const USERS = {
  staff: { uid: 'demo-sam', email: 'sam@demo.hearth', claims: { staff: true } },
  admin: { uid: 'demo-alex', email: 'alex@demo.hearth', claims: { admin: true } },
  shopper: { uid: 'demo-dev', email: 'dev@demo.hearth', claims: {} },
  buyer: { uid: 'demo-ada', email: 'ada@demo.hearth', claims: {} },
} as const;

let seq = 0;
const key = () => `web-seed-${process.pid}-${++seq}`;

/** One product of the test store, its variants priced and stocked as the seed does it. */
export async function seedProduct(db: Firestore, p: TestProduct): Promise<void> {
  const deps: Deps = { db, clock: systemClock };
  const prices = p.variants.map((v) => v.priceMinor);
  await db
    .doc(`products/${p.id}`)
    .set({ ...p.doc, priceRangeMinor: { min: Math.min(...prices), max: Math.max(...prices) } });
  for (const v of p.variants) {
    await variantRef(db, p.id, v.sku).set({
      sku: v.sku,
      productId: p.id,
      options: v.options,
      priceMinor: v.priceMinor,
      currency: 'GBP',
      madeToOrder: false,
    } satisfies VariantDoc);
    await defineSku(deps, { sku: v.sku, productId: p.id });
    for (const [locationId, qty] of Object.entries(v.stock))
      await restock(deps, SEEDER, { idempotencyKey: key(), sku: v.sku, locationId, qty, reason: 'seed' });
    for (const [locationId, count] of Object.entries(p.shards ?? {}))
      await setShardCount(deps, SEEDER, { idempotencyKey: key(), sku: v.sku, locationId, count });
  }
}

export async function seedTestStore(db: Firestore, auth: Auth): Promise<void> {
  const deps: Deps = { db, clock: systemClock };
  for (const location of LOCATIONS) await upsertLocation(deps, location);
  for (const p of PRODUCTS) await seedProduct(db, p);
  // What the nightly job's refreshPopular leaves for serving: the picks of a shopper without a model.
  await db.doc('serving/popular').set({
    generatedAt: Timestamp.now(),
    windowDays: 30,
    overall: ['p-sofa', 'p-mug', 'p-lamp'],
    byStyle: {},
    byRoom: {},
  });
  await upsertUsers(
    auth,
    Object.values(USERS).map((u) => ({
      ...u,
      displayName: u.email.split('@')[0]!,
      claims: { ...u.claims },
      consent: { personalisation: true, marketing: false },
      note: '',
    })),
  );
}
