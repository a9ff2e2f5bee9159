/**
 * Builds serving/popular, the non-personal fallback: products ranked by the same weighted
 * interactions the model learns from (returns count against), over the last `windowDays`, overall
 * and per style tag and room of the product. Only consenting customers' events count, as in
 * training. Run after each retraining (it reads the events once more, a page at a time), so the
 * lists are up to a day old; stock is filtered when they are served.
 */
import { Timestamp } from 'firebase-admin/firestore';
import type { PopularDoc } from '@hearth/contracts';
import type { Deps } from '../platform/deps';
import { defaultKindWeights, eventWeight, type WeightOptions } from './interactions';
import { consentingCustomers, forEachEventPage, forEachPage } from './read-interactions';
import { popularRef } from './serving-state';

export interface PopularOptions {
  windowDays: number;
  /** Products kept per list: enough to survive stock and purchase filtering at read time. */
  perList: number;
  pageSize: number;
}

export const defaultPopularOptions: PopularOptions = { windowDays: 90, perList: 100, pageSize: 1000 };

const dayMs = 86_400_000;

export async function refreshPopular(deps: Deps, options: Partial<PopularOptions> = {}): Promise<PopularDoc> {
  const o = { ...defaultPopularOptions, ...options };
  const { db } = deps;
  const now = deps.clock.now();
  const from = now.getTime() - o.windowDays * dayMs;
  const consenting = await consentingCustomers(db, o.pageSize);
  const scores = new Map<string, number>();
  // Half-life of the window's third: last month's bestsellers outrank last quarter's.
  const weights: WeightOptions = {
    kindWeights: defaultKindWeights,
    now: now.getTime(),
    halfLifeDays: o.windowDays / 3,
  };
  await forEachEventPage(db, o.pageSize, ({ events }) => {
    for (const e of events) {
      if (!consenting.has(e.userId) || e.at < from) continue;
      scores.set(e.itemId, (scores.get(e.itemId) ?? 0) + eventWeight(e, weights));
    }
  });

  const byStyle = new Map<string, string[]>();
  const byRoom = new Map<string, string[]>();
  const overall: string[] = [];
  const push = (lists: Map<string, string[]>, key: string, id: string) =>
    lists.set(key, [...(lists.get(key) ?? []), id]);
  await forEachPage(db.collection('products').select('styleTags', 'room', 'active'), o.pageSize, (docs) => {
    for (const d of docs) {
      if (!((scores.get(d.id) ?? 0) > 0) || d.get('active') === false) continue;
      overall.push(d.id);
      const styles: unknown = d.get('styleTags');
      if (Array.isArray(styles)) styles.forEach((s) => typeof s === 'string' && push(byStyle, s, d.id));
      const room: unknown = d.get('room');
      if (typeof room === 'string') push(byRoom, room, d.id);
    }
  });
  const top = (ids: string[]) =>
    [...ids].sort((a, b) => scores.get(b)! - scores.get(a)! || (a < b ? -1 : 1)).slice(0, o.perList);
  const topOf = (lists: Map<string, string[]>) =>
    Object.fromEntries([...lists].map(([key, ids]) => [key, top(ids)]));
  const doc: PopularDoc = {
    generatedAt: Timestamp.fromDate(now),
    windowDays: o.windowDays,
    overall: top(overall),
    byStyle: topOf(byStyle),
    byRoom: topOf(byRoom),
  };
  await popularRef(db).set(doc);
  return doc;
}
