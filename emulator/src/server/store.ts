/**
 * The documents of one database, multi-versioned: each document keeps its recent versions so
 * reads at a read time, read-only transactions and Listen resumes see one consistent snapshot.
 *
 * A write costs the same however many versions a document has: the latest version is the last
 * one, a read at a time is a binary search, and old versions leave through one store-wide queue
 * ordered by the time each version stopped being current (commit times only grow, so that order
 * is the order they expire in). Each commit and the periodic sweep pop what has expired, so
 * pruning is spread over the writes that cause it, never a pause over the whole store.
 *
 * Retention is bounded twice: by time (`retentionMicros`) and by the estimated bytes of superseded
 * versions (`maxRetainedBytes`). When the bytes run out first, the oldest versions go early and
 * the oldest readable time moves up with them; a read before it is refused as production refuses
 * an expired read time.
 */
import { failedPrecondition } from '../errors';
import { documentSize } from '../model/size';
import type { Micros, StoredDocument } from '../model/types';
import { collectionOf, lastSegment } from './names';

interface Version {
  time: Micros;
  doc: StoredDocument | null;
}

/** A document's versions, oldest first; dropping the oldest is O(1). */
class History {
  private items: Version[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  get oldest(): Version | undefined {
    return this.items[this.head];
  }

  get latest(): Version {
    return this.items[this.items.length - 1]!;
  }

  push(version: Version): void {
    this.items.push(version);
  }

  dropOldest(): void {
    this.head++;
    // Compact now and then, so a hot document's array does not keep every version it ever had.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** The newest version at or before `at`. */
  at(at: Micros): Version | undefined {
    let lo = this.head;
    let hi = this.items.length - 1;
    if (hi < lo || this.items[lo]!.time > at) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.items[mid]!.time <= at) lo = mid;
      else hi = mid - 1;
    }
    return this.items[lo];
  }
}

/** A version that stopped being current at `until`; reads before `until` may still need it. */
interface Superseded {
  name: string;
  version: Version;
  until: Micros;
  bytes: number;
}

/**
 * Memory one old version holds, estimated: measured in the soak benchmark at about 5 times
 * Firestore's size of a small document (the decoded value objects, the version, its queue entry).
 */
export function retainedBytes(name: string, doc: StoredDocument | null): number {
  return 400 + 2 * (doc ? documentSize(doc) : name.length);
}

export interface DocumentChange {
  name: string;
  before: StoredDocument | null;
  after: StoredDocument | null;
}

export interface RetentionSettings {
  /** How long superseded versions stay readable. */
  retentionMicros: Micros;
  /** Estimated memory of superseded versions kept at most (see retainedBytes). */
  maxRetainedBytes: number;
}

export class VersionedStore {
  private readonly histories = new Map<string, History>();
  /** Collection resource name -> names of documents ever written there (until pruned). */
  private readonly collections = new Map<string, Set<string>>();
  /** Collection id -> collection resource names, for collection group queries. */
  private readonly groups = new Map<string, Set<string>>();
  private expiring: Superseded[] = [];
  private expiringHead = 0;
  private retainedBytes = 0;
  /** Reads before this time may miss versions dropped for memory. */
  private droppedBefore: Micros = 0;

  constructor(private readonly settings: RetentionSettings) {}

  /** The oldest time a read is still exact at. */
  oldestReadable(now: Micros): Micros {
    return Math.max(now - this.settings.retentionMicros, this.droppedBefore);
  }

  canReadAt(at: Micros, now: Micros): boolean {
    return at >= this.oldestReadable(now);
  }

  /** Throws the error production gives for a read time older than what is kept. */
  checkReadTime(at: Micros, now: Micros): void {
    if (!this.canReadAt(at, now)) {
      const minutes = Math.round(this.settings.retentionMicros / 60e6);
      throw failedPrecondition(
        `The requested snapshot version is too old. (The emulator keeps versions for ${minutes} min, ` +
          `and fewer when over ${Math.round(this.settings.maxRetainedBytes / 2 ** 20)} MiB; see versionRetentionMs and maxRetainedVersionBytes.)`,
      );
    }
  }

  /** The document as of `at` (latest when omitted); null when it does not exist. */
  get(name: string, at?: Micros): StoredDocument | null {
    const history = this.histories.get(name);
    if (!history) return null;
    if (at === undefined) return history.latest.doc;
    return history.at(at)?.doc ?? null;
  }

  /** Existing documents of one collection (unordered). */
  *collection(collectionName: string, at?: Micros): Iterable<StoredDocument> {
    const names = this.collections.get(collectionName);
    if (!names) return;
    for (const name of names) {
      const doc = this.get(name, at);
      if (doc) yield doc;
    }
  }

  /** Collection names with the given id at any depth below `parent` (a documents root or document). */
  *groupCollections(collectionId: string, parent: string): Iterable<string> {
    const prefix = `${parent}/`;
    for (const collection of this.groups.get(collectionId) ?? []) {
      if (collection.startsWith(prefix)) yield collection;
    }
  }

  /** Every collection name at any depth below `parent`. */
  *collectionsBelow(parent: string): Iterable<string> {
    const prefix = `${parent}/`;
    for (const collection of this.collections.keys()) {
      if (collection.startsWith(prefix)) yield collection;
    }
  }

  hasDocuments(collectionName: string, at?: Micros): boolean {
    for (const _ of this.collection(collectionName, at)) return true;
    return false;
  }

  /** Records the writes of one commit; returns what changed. Documents passed as null are deleted. */
  apply(writes: Map<string, StoredDocument | null>, time: Micros): DocumentChange[] {
    const changes: DocumentChange[] = [];
    for (const [name, after] of writes) {
      let history = this.histories.get(name);
      const previous = history?.latest;
      const before = previous?.doc ?? null;
      if (before === null && after === null) continue;
      if (!history) {
        history = new History();
        this.histories.set(name, history);
        this.index(name);
      }
      const version = { time, doc: after };
      history.push(version);
      if (previous) this.supersede(name, previous, time);
      // A tombstone is only needed while older versions are readable: it expires as they do.
      if (after === null) this.supersede(name, version, time);
      changes.push({ name, before, after });
    }
    this.expire(time);
    return changes;
  }

  /** Drops versions no read inside the retention window can see any more (for idle databases). */
  sweep(now: Micros): void {
    this.expire(now);
  }

  clear(): void {
    this.histories.clear();
    this.collections.clear();
    this.groups.clear();
    this.expiring = [];
    this.expiringHead = 0;
    this.retainedBytes = 0;
  }

  get documentCount(): number {
    return this.histories.size;
  }

  /** Superseded versions held and their estimated bytes, for stats. */
  get retained(): { versions: number; bytes: number } {
    return { versions: this.expiring.length - this.expiringHead, bytes: this.retainedBytes };
  }

  private supersede(name: string, version: Version, until: Micros): void {
    const bytes = retainedBytes(name, version.doc);
    this.expiring.push({ name, version, until, bytes });
    this.retainedBytes += bytes;
  }

  private expire(now: Micros): void {
    const horizon = now - this.settings.retentionMicros;
    while (this.expiringHead < this.expiring.length) {
      const entry = this.expiring[this.expiringHead]!;
      const overBudget = this.retainedBytes > this.settings.maxRetainedBytes;
      if (entry.until > horizon && !overBudget) break;
      if (entry.until > horizon) this.droppedBefore = Math.max(this.droppedBefore, entry.until);
      this.expiringHead++;
      this.retainedBytes -= entry.bytes;
      this.drop(entry);
    }
    if (this.expiringHead >= 4096 && this.expiringHead * 2 >= this.expiring.length) {
      this.expiring = this.expiring.slice(this.expiringHead);
      this.expiringHead = 0;
    }
  }

  /**
   * Versions expire oldest first per document (a version's entry is queued when it is replaced, and
   * a tombstone's also when it is written, right after the version it deleted), so an expiring
   * version is its document's oldest, unless it is a tombstone dropped already by its first entry.
   * A tombstone that is oldest says no more than having no version at all, so it goes too.
   */
  private drop({ name, version }: Superseded): void {
    const history = this.histories.get(name);
    if (!history || history.oldest !== version) return;
    history.dropOldest();
    if (history.length === 0) {
      this.histories.delete(name);
      this.unindex(name);
    }
  }

  private index(name: string): void {
    const collection = collectionOf(name);
    let names = this.collections.get(collection);
    if (!names) {
      names = new Set();
      this.collections.set(collection, names);
      const id = lastSegment(collection);
      let group = this.groups.get(id);
      if (!group) this.groups.set(id, (group = new Set()));
      group.add(collection);
    }
    names.add(name);
  }

  private unindex(name: string): void {
    const collection = collectionOf(name);
    const names = this.collections.get(collection);
    if (!names) return;
    names.delete(name);
    if (names.size === 0) {
      this.collections.delete(collection);
      this.groups.get(lastSegment(collection))?.delete(collection);
    }
  }
}
