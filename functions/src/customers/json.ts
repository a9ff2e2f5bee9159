/** Firestore values as plain JSON, for a customer's copy of their data. */
import { DocumentReference, GeoPoint, Timestamp, type DocumentSnapshot } from 'firebase-admin/firestore';
import type { ExportedDoc } from '@hearth/contracts';

export function toJson(value: unknown): unknown {
  if (value instanceof Timestamp) return value.toDate().toISOString();
  if (value instanceof DocumentReference) return value.path;
  if (value instanceof GeoPoint) return { latitude: value.latitude, longitude: value.longitude };
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object') {
    // Vector fields (embeddings): their class is not exported by firebase-admin.
    const vector = value as { toArray?: () => number[] };
    if (typeof vector.toArray === 'function') return vector.toArray();
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}

export const exportedDoc = (snap: DocumentSnapshot): ExportedDoc => ({
  path: snap.ref.path,
  data: toJson(snap.data() ?? {}) as Record<string, unknown>,
});
