import type { Micros, ProtoTimestamp } from './types';

export function timestampFromMicros(micros: Micros): { seconds: string; nanos: number } {
  const seconds = Math.floor(micros / 1_000_000);
  return { seconds: String(seconds), nanos: (micros - seconds * 1_000_000) * 1000 };
}

/** Truncates to whole microseconds, the precision Firestore keeps. */
export function microsFromTimestamp(ts: ProtoTimestamp): Micros {
  return Number(ts.seconds ?? 0) * 1_000_000 + Math.floor((ts.nanos ?? 0) / 1000);
}
