/**
 * The item side of a model, kept where a single customer's fold-in can read it: the item vectors
 * and biases of models/{version} in chunk documents under models/{version}/factors, as raw
 * little-endian float32 bytes (1,000 items of 64 floats are 256 KB, well under Firestore's 1 MiB),
 * so an instance loads a whole model in a handful of reads instead of one per product, and keeps it
 * until the live version changes.
 */
import type { Firestore } from 'firebase-admin/firestore';
import { modelRef } from './publish';

export const itemsPerChunk = 1000;

export const factorsCol = (db: Firestore, version: string) => modelRef(db, version).collection('factors');

export interface ItemFactors {
  version: string;
  dim: number;
  ids: string[];
  /** ids.length x dim, row-major. */
  vectors: Float32Array;
  bias: Float32Array;
}

const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function floatsOf(bytes: Uint8Array): Float32Array {
  // Copy: a Buffer from the SDK may sit at an offset that is not a multiple of 4.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

export async function writeItemFactors(db: Firestore, f: ItemFactors): Promise<void> {
  const writes: Promise<unknown>[] = [];
  for (let start = 0, n = 0; start < f.ids.length; start += itemsPerChunk, n++) {
    const end = Math.min(f.ids.length, start + itemsPerChunk);
    writes.push(
      factorsCol(db, f.version)
        .doc(String(n).padStart(4, '0'))
        .set({
          dim: f.dim,
          ids: f.ids.slice(start, end),
          vectors: bytesOf(f.vectors.subarray(start * f.dim, end * f.dim)),
          bias: bytesOf(f.bias.subarray(start, end)),
        }),
    );
  }
  await Promise.all(writes);
}

export async function readItemFactors(db: Firestore, version: string): Promise<ItemFactors | null> {
  const snap = await factorsCol(db, version).orderBy('__name__').get();
  if (snap.empty) return null;
  const chunks = snap.docs.map((d) => ({
    dim: d.get('dim') as number,
    ids: d.get('ids') as string[],
    vectors: floatsOf(d.get('vectors') as Uint8Array),
    bias: floatsOf(d.get('bias') as Uint8Array),
  }));
  const dim = chunks[0]!.dim;
  const ids = chunks.flatMap((c) => c.ids);
  const vectors = new Float32Array(ids.length * dim);
  const bias = new Float32Array(ids.length);
  let at = 0;
  for (const c of chunks) {
    if (c.dim !== dim || c.vectors.length !== c.ids.length * dim || c.bias.length !== c.ids.length) {
      throw new Error(`models/${version}/factors: a chunk does not match its ids`);
    }
    vectors.set(c.vectors, at * dim);
    bias.set(c.bias, at);
    at += c.ids.length;
  }
  return { version, dim, ids, vectors, bias };
}
