/**
 * When did the state a watcher shows get committed? An admin-SDK listener on the same documents
 * sees each document's `updateTime` (the commit's timestamp, from the emulator's clock, which is
 * this machine's) and records, for each total it observes, the newest commit behind it. A watcher
 * update showing that total then has its commit-to-watcher latency.
 */
import type { DocumentSnapshot, Firestore } from 'firebase-admin/firestore';
import { availabilityOf } from '@hearth/client';
import type { InventoryDoc, ShardDoc } from '@hearth/contracts';

export class CommitTimes {
  private readonly byTotal = new Map<number, number>();
  private readonly waiting = new Map<number, ((ms: number) => void)[]>();
  private inv: InventoryDoc | undefined;
  private shards = new Map<string, ShardDoc>();
  private stops: (() => void)[] = [];

  constructor(
    private readonly db: Firestore,
    private readonly sku: string,
  ) {}

  start(): void {
    const invRef = this.db.collection('inventory').doc(this.sku);
    this.stops.push(
      invRef.onSnapshot((snap) => {
        this.inv = snap.data() as InventoryDoc;
        this.record([snap]);
      }),
      invRef.collection('shards').onSnapshot((qs) => {
        for (const d of qs.docs) this.shards.set(d.id, d.data() as ShardDoc);
        this.record(qs.docChanges().map((c) => c.doc));
      }),
    );
  }

  private record(changed: DocumentSnapshot[]): void {
    if (!this.inv || changed.length === 0) return;
    const newest = Math.max(...changed.map((d) => d.updateTime?.toMillis() ?? 0));
    const total = availabilityOf(this.inv, [...this.shards.values()]).available;
    this.byTotal.set(total, Math.max(this.byTotal.get(total) ?? 0, newest));
    for (const resolve of this.waiting.get(total) ?? []) resolve(this.byTotal.get(total)!);
    this.waiting.delete(total);
  }

  /**
   * The commit time behind `total`, waiting briefly if this listener has not seen it yet. Taken
   * once: a total that comes back later (a release) belongs to a later commit.
   */
  commitOf(total: number, waitMs = 1000): Promise<number | undefined> {
    const known = this.byTotal.get(total);
    this.byTotal.delete(total);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), waitMs);
      const list = this.waiting.get(total) ?? [];
      list.push((ms) => {
        clearTimeout(timer);
        this.byTotal.delete(total);
        resolve(ms);
      });
      this.waiting.set(total, list);
    });
  }

  stop(): void {
    for (const stop of this.stops) stop();
  }
}
