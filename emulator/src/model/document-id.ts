/**
 * Firestore's numeric document ids: `__id<n>__`, n an int64, names the document whose key is the
 * number n (Datastore's numeric ids). They are the one kind of `__.*__` id a client may use, and
 * they sort by their number, before every string id (see compareReferences).
 */
const NUMERIC_ID = /^__id(0|-?[1-9][0-9]{0,18})__$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The number a numeric id stands for; undefined for any other id. */
export function numericIdOf(id: string): bigint | undefined {
  if (!id.startsWith('__id')) return undefined;
  const digits = NUMERIC_ID.exec(id)?.[1];
  if (digits === undefined) return undefined;
  const n = BigInt(digits);
  return n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
}
