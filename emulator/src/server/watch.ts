/**
 * The Listen targets of one database, indexed by the document, collection or collection group
 * they watch, so a commit only visits the targets it can affect (cheap fan-out to thousands).
 * After each commit every affected target computes what its client must learn (document_change,
 * document_delete, document_remove), and each stream that learned anything gets a global
 * snapshot (target_change NO_CHANGE, no target ids, the commit's read time), which is when the
 * SDKs raise their snapshots.
 */
import { RpcError } from '../errors';
import { matchesQuery } from '../model/query';
import type { Micros, StoredDocument, StructuredQuery } from '../model/types';
import type { Database } from './backend';
import { collectionOf, lastSegment } from './names';
import { executeQuery } from './reads';
import type { DocumentChange } from './store';
import { wireDocument, wireTime } from './wire';

export type ListenResponse = Record<string, unknown>;

/** Where a target's messages go: a Listen stream, which adds the global snapshot itself. */
export interface TargetSink {
  send(responses: ListenResponse[], snapshotTime: Micros): void;
}

export type TargetSpec =
  { kind: 'documents'; names: string[] } | { kind: 'query'; parent: string; query: StructuredQuery };

export class WatchTarget {
  /** Name -> update time of every document the client holds for this target. */
  readonly docs = new Map<string, Micros>();
  /** Queries with limit, offset or nearest-neighbour ranking depend on documents they do not hold. */
  readonly positional: boolean;
  /** Identical targets (same parent and query) share one re-run per commit. */
  readonly queryKey: string;

  constructor(
    readonly id: number,
    readonly spec: TargetSpec,
    readonly sink: TargetSink,
    /**
     * Re-checks that the caller may still read a watched document after it changed (throws an
     * RpcError if not): document targets are judged by the document, which a commit can change.
     */
    private readonly mayRead: (name: string, doc: StoredDocument | null) => void = () => {},
  ) {
    this.positional =
      spec.kind === 'query' &&
      (spec.query.limit != null || Number(spec.query.offset ?? 0) > 0 || spec.query.findNearest != null);
    this.queryKey = spec.kind === 'query' ? JSON.stringify([spec.parent, spec.query]) : '';
  }

  /** The target's full result set at `at` (latest when omitted). */
  results(db: Database, at?: Micros): StoredDocument[] {
    if (this.spec.kind === 'documents') {
      return this.spec.names
        .map((name) => db.store.get(name, at))
        .filter((d): d is StoredDocument => d !== null);
    }
    return executeQuery(db.store, this.spec.parent, this.spec.query, at);
  }

  /** Messages that bring the client from what it holds to `now`, updating what it holds. */
  diff(now: StoredDocument[], exists: (name: string) => boolean, time: Micros): ListenResponse[] {
    const out: ListenResponse[] = [];
    const seen = new Set<string>();
    for (const doc of now) {
      seen.add(doc.name);
      if (this.docs.get(doc.name) !== doc.updateTime) out.push(this.changed(doc));
    }
    for (const name of [...this.docs.keys()]) {
      if (!seen.has(name)) out.push(this.left(name, exists(name), time));
    }
    return out;
  }

  /** Messages for a commit's changes to documents in this target's scope. */
  onChanges(
    db: Database,
    changes: DocumentChange[],
    time: Micros,
    rerun: Map<string, StoredDocument[]>,
  ): ListenResponse[] {
    if (this.positional) {
      let results = rerun.get(this.queryKey);
      if (!results) rerun.set(this.queryKey, (results = this.results(db)));
      return this.diff(results, (name) => db.store.get(name) !== null, time);
    }
    const out: ListenResponse[] = [];
    for (const { name, after } of changes) {
      if (this.spec.kind === 'documents' && this.spec.names.includes(name)) this.mayRead(name, after);
      if (after && this.matches(after)) out.push(this.changed(after));
      else if (this.docs.has(name)) out.push(this.left(name, after !== null, time));
    }
    return out;
  }

  private matches(doc: StoredDocument): boolean {
    if (this.spec.kind === 'documents') return this.spec.names.includes(doc.name);
    return matchesQuery(doc, this.spec.parent, this.spec.query);
  }

  private changed(doc: StoredDocument): ListenResponse {
    this.docs.set(doc.name, doc.updateTime);
    return { documentChange: { document: wireDocument(doc), targetIds: [this.id] } };
  }

  private left(name: string, stillExists: boolean, time: Micros): ListenResponse {
    this.docs.delete(name);
    const body = { document: name, removedTargetIds: [this.id], readTime: wireTime(time) };
    return stillExists ? { documentRemove: body } : { documentDelete: body };
  }
}

export class WatchHub {
  private readonly byDocument = new Map<string, Set<WatchTarget>>();
  private readonly byCollection = new Map<string, Set<WatchTarget>>();
  private readonly byGroup = new Map<string, Set<WatchTarget>>();
  private readonly targets = new Set<WatchTarget>();

  constructor(private readonly db: Database) {}

  /** Targets listening now (for stats: a closed stream's targets must not linger). */
  get targetCount(): number {
    return this.targets.size;
  }

  add(target: WatchTarget): void {
    this.targets.add(target);
    for (const [index, key] of this.keys(target)) addTo(index, key, target);
  }

  remove(target: WatchTarget): void {
    this.targets.delete(target);
    for (const [index, key] of this.keys(target)) {
      const set = index.get(key);
      set?.delete(target);
      if (set?.size === 0) index.delete(key);
    }
  }

  onCommit(changes: DocumentChange[], time: Micros): void {
    const affected = new Map<WatchTarget, DocumentChange[]>();
    const note = (targets: Set<WatchTarget> | undefined, change: DocumentChange) => {
      for (const target of targets ?? []) {
        if (target.spec.kind === 'query' && !change.name.startsWith(`${target.spec.parent}/`)) continue;
        let list = affected.get(target);
        if (!list) affected.set(target, (list = []));
        list.push(change);
      }
    };
    for (const change of changes) {
      const collection = collectionOf(change.name);
      note(this.byDocument.get(change.name), change);
      note(this.byCollection.get(collection), change);
      note(this.byGroup.get(lastSegment(collection)), change);
      // Kindless queries (every collection below a parent) are indexed under the empty id.
      note(this.byGroup.get(''), change);
    }
    const rerun = new Map<string, StoredDocument[]>();
    this.deliver(
      affected.keys(),
      (target) => target.onChanges(this.db, affected.get(target)!, time, rerun),
      time,
    );
  }

  /** Every document is about to vanish (data cleared): tell each target what it loses. */
  onClear(time: Micros): void {
    const targets = new Set<WatchTarget>();
    for (const index of [this.byDocument, this.byCollection, this.byGroup]) {
      for (const set of index.values()) for (const target of set) targets.add(target);
    }
    this.deliver(targets, (target) => target.diff([], () => false, time), time);
  }

  closeAll(): void {
    this.targets.clear();
    this.byDocument.clear();
    this.byCollection.clear();
    this.byGroup.clear();
  }

  /**
   * Sends each sink the messages of its targets, in one batch closed by one global snapshot. A
   * target whose update fails is dropped with the error as its cause (PERMISSION_DENIED when its
   * caller may no longer read it, INTERNAL for an emulator bug); the commit that triggered it has
   * already happened and must not fail.
   */
  private deliver(
    targets: Iterable<WatchTarget>,
    compute: (target: WatchTarget) => ListenResponse[],
    time: Micros,
  ): void {
    const perSink = new Map<TargetSink, ListenResponse[]>();
    for (const target of targets) {
      let responses: ListenResponse[];
      try {
        responses = compute(target);
      } catch (error) {
        this.remove(target);
        let cause = { code: 13, message: '' };
        if (error instanceof RpcError) cause = { code: error.code, message: error.message };
        else {
          console.error('[firestore-emulator] internal error in a Listen target:', error);
          cause.message = `Internal error in the Firestore emulator: ${error instanceof Error ? error.message : error}`;
        }
        responses = [{ targetChange: { targetChangeType: 'REMOVE', targetIds: [target.id], cause } }];
      }
      if (responses.length === 0) continue;
      let list = perSink.get(target.sink);
      if (!list) perSink.set(target.sink, (list = []));
      list.push(...responses);
    }
    for (const [sink, responses] of perSink) sink.send(coalesce(responses), time);
  }

  private keys(target: WatchTarget): Array<[Map<string, Set<WatchTarget>>, string]> {
    const spec = target.spec;
    if (spec.kind === 'documents') return spec.names.map((name) => [this.byDocument, name]);
    const from = spec.query.from?.[0] ?? {};
    const collectionId: string = from.collectionId ?? '';
    if (!from.allDescendants) return [[this.byCollection, `${spec.parent}/${collectionId}`]];
    return [[this.byGroup, collectionId]];
  }
}

/**
 * One message per document and kind for a whole stream, naming every target it concerns, as
 * Firestore sends them: a web client with a thousand listeners gets one document_change per
 * changed document, not a thousand.
 */
function coalesce(responses: ListenResponse[]): ListenResponse[] {
  const out: ListenResponse[] = [];
  const merged = new Map<string, { ids: number[] }>();
  for (const response of responses) {
    const [kind, body] = Object.entries(response)[0] as [string, any];
    const idsField =
      kind === 'documentChange' ? 'targetIds' : kind === 'targetChange' ? null : 'removedTargetIds';
    if (!idsField) {
      out.push(response);
      continue;
    }
    const name: string = kind === 'documentChange' ? body.document.name : body.document;
    const key = `${kind} ${name}`;
    const existing = merged.get(key);
    if (existing) {
      existing.ids.push(...body[idsField]);
      continue;
    }
    const copy = { ...body, [idsField]: [...body[idsField]] };
    merged.set(key, { ids: copy[idsField] });
    out.push({ [kind]: copy });
  }
  return out;
}

function addTo(index: Map<string, Set<WatchTarget>>, key: string, target: WatchTarget): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(target);
}
