/**
 * Group commit: callers that want the same kind of work queue under one key, and each round takes
 * the waiting callers (in arrival order, up to a weight) as one batch for one transaction. While a
 * batch is in flight the next callers gather behind it, so under load one commit serves many of
 * them, and when idle a caller waits no longer than the next turn of the event loop.
 *
 * A key may run several batches at once (lanes: one per shard, say); the batch says how many.
 * The batch answers each caller: a value, an error of its own, or "again" (not decided this
 * round: the caller stays at the front of the queue, in its place, for the next batch).
 */

export type Outcome<R> =
  { kind: 'done'; value: R } | { kind: 'failed'; error: unknown } | { kind: 'again'; why: string };

export interface Settled<R> {
  /** One outcome per item, in the order given. */
  outcomes: Outcome<R>[];
  /** How many batches this key may run at once from now on. */
  lanes?: number;
}

export interface GroupCommitOptions<T, R> {
  /** Items one batch may hold (the weight of an item is how much of a commit it may use). */
  maxWeight: number;
  weight(item: T): number;
  /** At most this many items per batch (1: no grouping at all). */
  maxItems?: number;
  /** Ignore the batch's lane count and run every batch at once (with maxItems 1: one call, one transaction). */
  unlimitedLanes?: boolean;
  /** An item sent back "again" this many times fails with what `giveUp` makes of the last reason. */
  maxRounds: number;
  giveUp(why: string, rounds: number): unknown;
  run(items: T[]): Promise<Settled<R>>;
}

interface Waiting<T, R> {
  item: T;
  rounds: number;
  resolve(value: R): void;
  reject(error: unknown): void;
}

interface Queue<T, R> {
  waiting: Waiting<T, R>[];
  running: number;
  lanes: number;
  scheduled: boolean;
}

export class GroupCommit<T, R> {
  private readonly queues = new Map<string, Queue<T, R>>();

  constructor(private readonly options: GroupCommitOptions<T, R>) {}

  submit(key: string, item: T): Promise<R> {
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = { waiting: [], running: 0, lanes: 1, scheduled: false }));
    const q = queue;
    return new Promise<R>((resolve, reject) => {
      q.waiting.push({ item, rounds: 0, resolve, reject });
      this.schedule(key, q);
    });
  }

  /** Callers that arrive in the same turn of the event loop share the first batch. */
  private schedule(key: string, queue: Queue<T, R>): void {
    if (queue.scheduled) return;
    queue.scheduled = true;
    setImmediate(() => {
      queue.scheduled = false;
      this.pump(key, queue);
    });
  }

  private pump(key: string, queue: Queue<T, R>): void {
    const lanes = this.options.unlimitedLanes ? Infinity : queue.lanes;
    while (queue.running < lanes && queue.waiting.length > 0) {
      const batch = this.take(queue);
      queue.running++;
      void this.options.run(batch.map((w) => w.item)).then(
        (settled) => this.settle(key, queue, batch, settled),
        (error: unknown) => {
          for (const w of batch) w.reject(error);
          this.finish(key, queue);
        },
      );
    }
  }

  /** The longest prefix of the queue within the weight (always at least one item). */
  private take(queue: Queue<T, R>): Waiting<T, R>[] {
    const maxItems = this.options.maxItems ?? Infinity;
    let weight = 0;
    let n = 0;
    while (n < queue.waiting.length && n < maxItems) {
      const w = this.options.weight(queue.waiting[n]!.item);
      if (n > 0 && weight + w > this.options.maxWeight) break;
      weight += w;
      n++;
    }
    return queue.waiting.splice(0, n);
  }

  private settle(key: string, queue: Queue<T, R>, batch: Waiting<T, R>[], settled: Settled<R>): void {
    if (settled.lanes !== undefined) queue.lanes = Math.max(1, settled.lanes);
    const again: Waiting<T, R>[] = [];
    batch.forEach((w, i) => {
      const outcome = settled.outcomes[i]!;
      if (outcome.kind === 'done') w.resolve(outcome.value);
      else if (outcome.kind === 'failed') w.reject(outcome.error);
      else if (++w.rounds >= this.options.maxRounds) w.reject(this.options.giveUp(outcome.why, w.rounds));
      else again.push(w);
    });
    // Back in front of those who came later, in their own order.
    queue.waiting.unshift(...again);
    this.finish(key, queue);
  }

  private finish(key: string, queue: Queue<T, R>): void {
    queue.running--;
    if (queue.waiting.length > 0) this.schedule(key, queue);
    else if (queue.running === 0) this.queues.delete(key);
  }
}
