/**
 * The demo store's suppliers and who supplies what: each SKU's variant names its supplier by the
 * product's category, and each supplier has its own lead time, which replenishment orders ahead of.
 * Staff change a lead time with setSupplier; seeding again keeps what they set.
 */
import { Timestamp } from 'firebase-admin/firestore';
import type { SupplierDoc } from '@hearth/contracts';

export interface SeedSupplier {
  id: string;
  doc: SupplierDoc;
}

const supplier = (id: string, name: string, leadTimeDays: number, categories: string[]) => ({
  id,
  name,
  leadTimeDays,
  categories,
});

/** Each supplies its categories; Oak & Co every category the others do not. */
// Furniture comes from a Scandinavian maker by road and sea; lamps and clocks from a UK workshop;
// the small homewares from a wholesaler that ships within the week.
const suppliers = [
  supplier('nordhus', 'Nordhus Möbel', 28, ['furniture', 'textiles', 'mirrors']),
  supplier('oak-and-co', 'Oak & Co', 5, []),
  supplier('brass-lamp-works', 'Brass Lamp Works', 12, ['lighting', 'clocks']),
];

/** Their names, in the order the seed's open purchase orders take them. */
export const SEED_SUPPLIER_NAMES = suppliers.map((s) => s.name);

const fallback = 'oak-and-co';

export function supplierOfCategory(category: string): string {
  return suppliers.find((s) => s.categories.includes(category))?.id ?? fallback;
}

export function planSuppliers(now: Date): SeedSupplier[] {
  const at = Timestamp.fromDate(now);
  return suppliers.map(({ id, name, leadTimeDays }) => ({
    id,
    doc: { name, leadTimeDays, updatedAt: at, updatedBy: 'seed' },
  }));
}
