/** Conversions between the store's shapes and the google.firestore.v1 messages sent to clients. */
import { timestampFromMicros } from '../model/time';
import type { Micros, StoredDocument } from '../model/types';

export function wireDocument(doc: StoredDocument) {
  return {
    name: doc.name,
    fields: doc.fields,
    createTime: timestampFromMicros(doc.createTime),
    updateTime: timestampFromMicros(doc.updateTime),
  };
}

export const wireTime = timestampFromMicros;

/** Resume tokens are the snapshot time they were issued at, so a resume can diff from it. */
export function resumeToken(time: Micros): Buffer {
  return Buffer.from(`t${time}`);
}

export function timeFromResumeToken(token: Uint8Array): Micros | null {
  const match = /^t(\d+)$/.exec(Buffer.from(token).toString());
  return match ? Number(match[1]) : null;
}
