/**
 * All state of one emulator instance: the databases (isolated by project and database id), the
 * commit clock, document locks, transactions and access policies. Handlers receive it; nothing
 * else is global, so several emulators can run in one process.
 */
import { AccessRegistry, type RulesCompiler } from './access';
import { Clock } from './clock';
import { LockManager } from './locks';
import type { DatabaseRef } from './names';
import { VersionedStore, type RetentionSettings } from './store';
import { TransactionRegistry } from './transactions';
import { WatchHub } from './watch';

export interface BackendOptions {
  /** Idle time after which a transaction expires and releases its locks (production: 60 s). */
  transactionTimeoutMs: number;
  /** Longest wait for a document lock before ABORTED. */
  lockWaitTimeoutMs: number;
  /** How long old document versions stay readable (read times, read-only transactions, resumes). */
  versionRetentionMs: number;
  /** Estimated bytes of old versions one database keeps at most (older ones go first). */
  maxRetainedVersionBytes: number;
  rulesCompiler: RulesCompiler;
}

export class Database {
  readonly store: VersionedStore;
  readonly watch: WatchHub;

  constructor(
    readonly ref: DatabaseRef,
    retention: RetentionSettings,
  ) {
    this.store = new VersionedStore(retention);
    this.watch = new WatchHub(this);
  }
}

export class Backend {
  readonly clock = new Clock();
  readonly locks: LockManager;
  readonly transactions: TransactionRegistry;
  readonly access: AccessRegistry;
  private readonly databases = new Map<string, Database>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(readonly options: BackendOptions) {
    this.locks = new LockManager(options.lockWaitTimeoutMs);
    this.transactions = new TransactionRegistry(this.locks, options.transactionTimeoutMs);
    this.access = new AccessRegistry(options.rulesCompiler);
    this.sweeper = setInterval(() => {
      const now = this.clock.wallMicros();
      for (const db of this.databases.values()) db.store.sweep(now);
    }, 1_000);
    this.sweeper.unref();
  }

  database(ref: DatabaseRef): Database {
    let db = this.databases.get(ref.name);
    if (!db) {
      db = new Database(ref, {
        retentionMicros: this.options.versionRetentionMs * 1000,
        maxRetainedBytes: this.options.maxRetainedVersionBytes,
      });
      this.databases.set(ref.name, db);
    }
    return db;
  }

  /** Every database used so far (exports walk them). */
  allDatabases(): Iterable<Database> {
    return this.databases.values();
  }

  /** Deletes every document of one database (listeners see the deletes). */
  clearDatabase(ref: DatabaseRef): void {
    const db = this.databases.get(ref.name);
    if (!db) return;
    db.watch.onClear(this.clock.next());
    db.store.clear();
  }

  /** Drops all data and transactions of every database; rules stay loaded. */
  reset(): void {
    this.transactions.clear();
    this.locks.clear();
    for (const db of this.databases.values()) {
      db.watch.onClear(this.clock.next());
      db.store.clear();
    }
  }

  /** What the emulator holds and how much memory it uses, for benchmarks and debugging. */
  stats() {
    let documents = 0;
    let listenTargets = 0;
    let retainedVersions = 0;
    let retainedVersionBytes = 0;
    for (const db of this.databases.values()) {
      documents += db.store.documentCount;
      retainedVersions += db.store.retained.versions;
      retainedVersionBytes += db.store.retained.bytes;
      listenTargets += db.watch.targetCount;
    }
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    return {
      cpuMicros: cpu.user + cpu.system,
      databases: this.databases.size,
      documents,
      listenTargets,
      retainedVersions,
      retainedVersionBytes,
      activeTransactions: this.transactions.activeCount,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
    };
  }

  close(): void {
    clearInterval(this.sweeper);
    this.reset();
    for (const db of this.databases.values()) db.watch.closeAll();
  }
}
