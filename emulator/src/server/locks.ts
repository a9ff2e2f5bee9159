/**
 * Exclusive document locks for read-write transactions and writes.
 *
 * Design (and why it differs from production): production Firestore takes *shared* locks on what a
 * read-write transaction reads and upgrades them to exclusive at commit, resolving conflicts with
 * wound-wait. Under contention on one document (N transactions all read, then all try to write)
 * that aborts nearly every attempt, and the server SDKs only retry 5 times with >= 1 s backoff, so
 * "100 concurrent increments" fails there and in the official emulator. Here a transactional read
 * takes an *exclusive* lock with a FIFO wait queue: contending transactions simply queue and run
 * one after the other, which is still serializable (strictly stronger than shared read locks) and
 * never aborts in the single-document case.
 *
 * Deadlocks (T1 holds A and waits for B while T2 holds B and waits for A) are found when a wait
 * starts, by following the waits-for edges (an owner may wait for several locks at once when a
 * transaction sends concurrent reads). The youngest transaction in the
 * cycle is the victim: it is aborted at once and its locks go to the next waiters. Unlike
 * wound-wait this never aborts a transaction that is merely in the way, which matters when every
 * abort costs the client a second of backoff. A retried transaction keeps the age of its first
 * attempt (see transactions.ts), so a transaction cannot be starved by repeated victimisation.
 * Plain writes queue on the same locks but are never victims: they take their locks in name
 * order and hold none while waiting for a transaction, so they cannot close a cycle by themselves.
 * A wait longer than `lockWaitTimeoutMs` fails with ABORTED, and an idle transaction's locks are
 * released when it expires (transactions.ts).
 */
import { aborted, RpcError } from '../errors';

export interface LockOwner {
  readonly label: string;
  /** Lower is older; the youngest member of a deadlock cycle is aborted. */
  readonly priority: number;
  /** Whether the owner may be chosen as a deadlock victim. */
  readonly abortable: boolean;
  readonly held: Set<string>;
  /** The locks the owner is queued for (several when a transaction reads concurrently). */
  readonly waiting: Set<Waiter>;
  /** Called when the owner is chosen as a deadlock victim, after its locks were released. */
  onVictim?(error: RpcError): void;
}

export interface Waiter {
  owner: LockOwner;
  name: string;
  resolve(): void;
  reject(error: RpcError): void;
  timer: NodeJS.Timeout;
}

interface LockState {
  holder: LockOwner | null;
  queue: Waiter[];
}

export class LockManager {
  private readonly locks = new Map<string, LockState>();
  /** Owners whose locks were released for good (ended transactions), with the reason. */
  private readonly retired = new WeakMap<LockOwner, RpcError>();

  constructor(private readonly waitTimeoutMs: number) {}

  /** Takes every lock in `names` (in name order, so plain writes never deadlock each other). */
  async acquire(owner: LockOwner, names: Iterable<string>): Promise<void> {
    const sorted = [...new Set(names)].sort();
    for (const name of sorted) {
      if (!owner.held.has(name)) await this.acquireOne(owner, name);
    }
  }

  holderOf(name: string): LockOwner | null {
    return this.locks.get(name)?.holder ?? null;
  }

  /**
   * Releases everything `owner` holds and withdraws it from every queue. The owner is done: a
   * later request for a lock (a read still in flight when its transaction ended) fails.
   */
  releaseAll(owner: LockOwner, error?: RpcError): void {
    const reason = error ?? aborted(`${owner.label} has ended.`);
    this.retired.set(owner, reason);
    for (const waiter of [...owner.waiting]) {
      this.withdraw(waiter);
      waiter.reject(reason);
    }
    for (const name of owner.held) this.handOver(name);
    owner.held.clear();
  }

  clear(): void {
    for (const state of this.locks.values()) {
      for (const waiter of state.queue) {
        clearTimeout(waiter.timer);
        waiter.reject(aborted('The emulator was reset.'));
      }
    }
    this.locks.clear();
  }

  private acquireOne(owner: LockOwner, name: string): Promise<void> {
    const retired = this.retired.get(owner);
    if (retired) return Promise.reject(retired);
    let state = this.locks.get(name);
    if (!state) {
      state = { holder: null, queue: [] };
      this.locks.set(name, state);
    }
    if (state.holder === owner) return Promise.resolve();
    if (state.holder === null && state.queue.length === 0) {
      state.holder = owner;
      owner.held.add(name);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        owner,
        name,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.withdraw(waiter);
          reject(
            aborted(
              `Too much contention on these documents: waited more than ${this.waitTimeoutMs} ms for a lock on ${name}.`,
            ),
          );
        }, this.waitTimeoutMs),
      };
      waiter.timer.unref();
      state.queue.push(waiter);
      owner.waiting.add(waiter);
      this.breakDeadlocks(owner);
    });
  }

  private withdraw(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    waiter.owner.waiting.delete(waiter);
    const state = this.locks.get(waiter.name);
    if (!state) return;
    const i = state.queue.indexOf(waiter);
    if (i >= 0) state.queue.splice(i, 1);
    if (state.holder === null) this.grantNext(waiter.name, state);
  }

  private handOver(name: string): void {
    const state = this.locks.get(name);
    if (!state) return;
    state.holder = null;
    this.grantNext(name, state);
  }

  private grantNext(name: string, state: LockState): void {
    const next = state.queue.shift();
    if (!next) {
      this.locks.delete(name);
      return;
    }
    clearTimeout(next.timer);
    state.holder = next.owner;
    next.owner.waiting.delete(next);
    next.owner.held.add(name);
    next.resolve();
  }

  /** Owners that `owner` waits for: for each lock it is queued on, the holder and everyone ahead. */
  private blockers(owner: LockOwner): LockOwner[] {
    const result: LockOwner[] = [];
    for (const waiter of owner.waiting) {
      const state = this.locks.get(waiter.name);
      if (!state) continue;
      if (state.holder && state.holder !== owner) result.push(state.holder);
      for (const queued of state.queue) {
        if (queued === waiter) break;
        if (queued.owner !== owner) result.push(queued.owner);
      }
    }
    return result;
  }

  private findCycle(start: LockOwner): LockOwner[] | null {
    const visited = new Set<LockOwner>();
    const path: LockOwner[] = [];
    const visit = (owner: LockOwner): boolean => {
      for (const next of this.blockers(owner)) {
        if (next === start) return true;
        if (visited.has(next)) continue;
        visited.add(next);
        path.push(next);
        if (visit(next)) return true;
        path.pop();
      }
      return false;
    };
    return visit(start) ? [start, ...path] : null;
  }

  private breakDeadlocks(start: LockOwner): void {
    for (
      let cycle = this.findCycle(start);
      cycle;
      cycle = start.waiting.size > 0 ? this.findCycle(start) : null
    ) {
      const candidates = cycle.filter((o) => o.abortable);
      // A cycle always contains a transaction: plain writes lock in name order and cannot close one.
      const victim = candidates.reduce((a, b) => (b.priority > a.priority ? b : a), candidates[0] ?? start);
      const error = aborted(
        `Transaction aborted to break a deadlock with ${cycle
          .filter((o) => o !== victim)
          .map((o) => o.label)
          .join(', ')}; retry it.`,
      );
      this.releaseAll(victim, error);
      victim.onVictim?.(error);
    }
  }
}
