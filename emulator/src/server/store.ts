/**
 * The documents of one database, multi-versioned: each document keeps its recent versions so
 * reads at a read time, read-only transactions and Listen resumes see one consistent snapshot.
 * Versions older than the retention window are dropped as documents are written (and by a
 * periodic sweep for documents nobody writes), always keeping the newest version at or before
 * the horizon so reads inside the window stay exact.
 */
import { failedPrecondition } from '../errors';
import type { Micros, StoredDocument } from '../model/types';
import { collectionOf, lastSegment } from './names';

interface Version {
  time: Micros;
  doc: StoredDocument | null;
}

export interface DocumentChange {
  name: string;
  before: StoredDocument | null;
  after: StoredDocument | null;
}

export class VersionedStore {
  private readonly versions = new Map<string, Version[]>();
  /** Collection resource name -> names of documents ever written there (until pruned). */
  private readonly collections = new Map<string, Set<string>>();
  /** Collection id -> collection resource names, for collection group queries. */
  private readonly groups = new Map<string, Set<string>>();

  constructor(private readonly retention: Micros) {}

  /** Throws when `at` is older than what the store still remembers. */
  checkReadTime(at: Micros, now: Micros): void {
    if (at < now - this.retention) {
      throw failedPrecondition(
        `The read time is older than the emulator keeps versions (${Math.round(this.retention / 60e6)} min).`,
      );
    }
  }

  canReadAt(at: Micros, now: Micros): boolean {
    return at >= now - this.retention;
  }

  /** The document as of `at` (latest when omitted); null when it does not exist. */
  get(name: string, at?: Micros): StoredDocument | null {
    const versions = this.versions.get(name);
    if (!versions) return null;
    if (at === undefined) return versions[versions.length - 1]!.doc;
    for (let i = versions.length - 1; i >= 0; i--) {
      if (versions[i]!.time <= at) return versions[i]!.doc;
    }
    return null;
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
      let versions = this.versions.get(name);
      const before = versions ? versions[versions.length - 1]!.doc : null;
      if (before === null && after === null) continue;
      if (!versions) {
        versions = [];
        this.versions.set(name, versions);
        this.index(name);
      }
      versions.push({ time, doc: after });
      this.prune(name, versions, time);
      changes.push({ name, before, after });
    }
    return changes;
  }

  /** Drops versions no read inside the retention window can see any more. */
  sweep(now: Micros): void {
    for (const [name, versions] of this.versions) this.prune(name, versions, now);
  }

  clear(): void {
    this.versions.clear();
    this.collections.clear();
    this.groups.clear();
  }

  get documentCount(): number {
    return this.versions.size;
  }

  private prune(name: string, versions: Version[], now: Micros): void {
    const horizon = now - this.retention;
    let keepFrom = 0;
    for (let i = versions.length - 1; i >= 0; i--) {
      if (versions[i]!.time <= horizon) {
        keepFrom = i;
        break;
      }
    }
    if (keepFrom > 0) versions.splice(0, keepFrom);
    if (versions.length === 1 && versions[0]!.doc === null && versions[0]!.time <= horizon) {
      this.versions.delete(name);
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
