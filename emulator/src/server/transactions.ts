/**
 * Transactions: read-only ones are a snapshot read time; read-write ones own document locks
 * (locks.ts) until they commit, roll back, are chosen as a deadlock victim or sit idle longer than
 * the transaction timeout (production: 60 s). An ended transaction is remembered for a while so a
 * late commit gets a clear reason instead of "unknown transaction".
 */
import { aborted, invalidArgument, RpcError } from '../errors';
import type { Micros, StructuredQuery } from '../model/types';
import type { LockManager, LockOwner } from './locks';

export type TransactionMode = 'readOnly' | 'readWrite';

/** A query read inside a read-write transaction, re-checked at commit to catch phantoms. */
export interface RecordedQuery {
  parent: string;
  query: StructuredQuery;
  signature: string;
}

export class Transaction implements LockOwner {
  readonly held = new Set<string>();
  readonly waiting: LockOwner['waiting'] = new Set();
  readonly abortable = true;
  readonly queries: RecordedQuery[] = [];
  /** Set once the transaction can no longer be used, with the reason a caller will see. */
  ended: RpcError | null = null;
  lastActive = Date.now();
  timer: NodeJS.Timeout | null = null;

  constructor(
    readonly id: Buffer,
    readonly database: string,
    readonly mode: TransactionMode,
    readonly priority: number,
    /** Snapshot time of a read-only transaction. */
    readonly readTime: Micros | null,
  ) {}

  get label(): string {
    return `transaction ${this.id.toString()}`;
  }

  onVictim(error: RpcError): void {
    this.ended = error;
  }
}

const REMEMBER_ENDED = 10_000;

export class TransactionRegistry {
  private sequence = 0;
  private readonly active = new Map<string, Transaction>();
  private readonly ended = new Map<string, RpcError>();

  constructor(
    private readonly locks: LockManager,
    private readonly timeoutMs: number,
  ) {}

  begin(database: string, mode: TransactionMode, readTime: Micros | null, retryOf?: Buffer): Transaction {
    const sequence = ++this.sequence;
    // A retry keeps the age of the attempt it retries, so it wins deadlocks against newcomers.
    const priority = (retryOf && priorityOf(retryOf)) || sequence;
    const tx = new Transaction(Buffer.from(`${sequence}.${priority}`), database, mode, priority, readTime);
    this.active.set(tx.id.toString('base64'), tx);
    this.schedule(tx);
    return tx;
  }

  /** The live transaction `id` names in `database`; touching it resets its idle timer. */
  use(id: Buffer | Uint8Array, database: string): Transaction {
    const key = Buffer.from(id).toString('base64');
    const tx = this.active.get(key);
    if (!tx) {
      const reason = this.ended.get(key);
      if (reason) throw reason;
      throw invalidArgument(
        `Transaction ${Buffer.from(id).toString()} is not known (the emulator was restarted or reset, or the id is wrong).`,
      );
    }
    if (tx.database !== database) {
      throw invalidArgument(`Transaction ${tx.id.toString()} belongs to ${tx.database}, not ${database}.`);
    }
    if (tx.ended) {
      this.finish(tx, tx.ended);
      throw tx.ended;
    }
    tx.lastActive = Date.now();
    return tx;
  }

  /** Ends a transaction: releases its locks and remembers why it ended. */
  finish(tx: Transaction, reason: RpcError): void {
    const key = tx.id.toString('base64');
    if (this.active.delete(key)) {
      if (tx.timer) clearTimeout(tx.timer);
      tx.ended ??= reason;
      this.locks.releaseAll(tx, reason);
      this.ended.set(key, tx.ended);
      if (this.ended.size > REMEMBER_ENDED) this.ended.delete(this.ended.keys().next().value!);
    }
  }

  clear(): void {
    for (const tx of [...this.active.values()]) this.finish(tx, aborted('The emulator was reset.'));
  }

  get activeCount(): number {
    return this.active.size;
  }

  private schedule(tx: Transaction): void {
    const due = tx.lastActive + this.timeoutMs - Date.now();
    tx.timer = setTimeout(
      () => {
        // Waiting for a lock is not idleness; the lock wait has its own bound.
        if (tx.waiting.size > 0 || Date.now() - tx.lastActive < this.timeoutMs) this.schedule(tx);
        else
          this.finish(
            tx,
            aborted(
              `Transaction ${tx.id.toString()} expired after ${this.timeoutMs} ms without activity and released its locks; retry it.`,
            ),
          );
      },
      Math.max(due, 1),
    );
    tx.timer.unref();
  }
}

function priorityOf(id: Buffer | Uint8Array): number | undefined {
  const match = /^\d+\.(\d+)$/.exec(Buffer.from(id).toString());
  return match ? Number(match[1]) : undefined;
}
