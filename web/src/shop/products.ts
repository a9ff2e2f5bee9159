/** Catalog reads: a filtered page of products, one product with its variants, names for a list of ids. */
import {
  collection,
  doc,
  getDoc,
  limit,
  onSnapshot,
  orderBy,
  query,
  where,
  type QueryConstraint,
  type Unsubscribe,
} from 'firebase/firestore';
import type { ProductDoc, VariantDoc } from '@hearth/contracts';
import { toHearthError, type HearthClient, type HearthError } from '@hearth/client';

export type Product = ProductDoc & { id: string };

export interface CatalogFilter {
  room?: string;
  category?: string;
  style?: string;
  /** The start of a product's name, in any case. */
  search?: string;
}

/** Names are stored in title case (the seed's titleCase), so the search is too. */
const titleCase = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/(^|\s)(\S)/g, (_, space: string, c: string) => space + c.toUpperCase());

export function watchCatalog(
  client: Pick<HearthClient, 'db'>,
  filter: CatalogFilter,
  onChange: (products: Product[]) => void,
  onError: (e: HearthError) => void,
  pageSize = 24,
): Unsubscribe {
  const c: QueryConstraint[] = [where('active', '==', true)];
  if (filter.room) c.push(where('room', '==', filter.room));
  if (filter.category) c.push(where('category', '==', filter.category));
  if (filter.style) c.push(where('styleTags', 'array-contains', filter.style));
  const prefix = filter.search ? titleCase(filter.search) : '';
  if (prefix) c.push(where('name', '>=', prefix), where('name', '<', `${prefix}\uf8ff`));
  return onSnapshot(
    query(collection(client.db, 'products'), ...c, orderBy('name'), limit(pageSize)),
    (snap) => onChange(snap.docs.map((d) => ({ ...(d.data() as ProductDoc), id: d.id }))),
    (err) => onError(toHearthError(err)),
  );
}

export type Variant = VariantDoc;

export function watchProduct(
  client: Pick<HearthClient, 'db'>,
  productId: string,
  onChange: (p: { product: Product | null; variants: Variant[] }) => void,
  onError: (e: HearthError) => void,
): Unsubscribe {
  let product: Product | null | undefined;
  let variants: Variant[] | undefined;
  const show = () => product !== undefined && variants && onChange({ product, variants });
  const fail = (err: unknown) => onError(toHearthError(err));
  const stopProduct = onSnapshot(
    doc(client.db, 'products', productId),
    (snap) => {
      product = snap.exists() ? { ...(snap.data() as ProductDoc), id: snap.id } : null;
      show();
    },
    fail,
  );
  const stopVariants = onSnapshot(
    query(collection(client.db, 'products', productId, 'variants'), orderBy('sku')),
    (snap) => {
      variants = snap.docs.map((d) => d.data() as Variant);
      show();
    },
    fail,
  );
  return () => {
    stopProduct();
    stopVariants();
  };
}

/** Product documents for ids from a callable's answer (recommendations, similar items). */
export async function productsById(
  client: Pick<HearthClient, 'db'>,
  ids: string[],
): Promise<Map<string, Product>> {
  const snaps = await Promise.all(ids.map((id) => getDoc(doc(client.db, 'products', id))));
  return new Map(
    snaps.filter((s) => s.exists()).map((s) => [s.id, { ...(s.data() as ProductDoc), id: s.id }] as const),
  );
}

export const optionsText = (v: Pick<Variant, 'options'>) =>
  [v.options.colour, v.options.size, v.options.material].filter(Boolean).join(', ') || 'Standard';
