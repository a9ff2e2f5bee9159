/**
 * The one choke point every read, query, listen and write passes through before data leaves or
 * enters the store. Until rules are loaded everything is allowed, as the official emulator does
 * without rules. The rules evaluator (emulator/src/rules) plugs in through `RulesCompiler`: it turns a
 * rules source into an `AccessPolicy` (or issues), and `AccessRegistry` keeps one per project.
 *
 * A policy denies by throwing (normally `permissionDenied(...)` from errors.ts). Readers are
 * synchronous lookups of full document names, for `get()`/`exists()` in rules: `reader` and
 * `beforeReader` see the state the request reads, `afterReader` the state as if the writes of the
 * request were committed (`getAfter()`). Owners (`Bearer owner`) never reach the policy.
 */
import type { StoredDocument, StructuredQuery } from '../model/types';
import type { Caller } from './auth';

export type DocumentReader = (name: string) => StoredDocument | null;

export interface WriteAccess {
  /** Full document name. */
  docName: string;
  method: 'create' | 'update' | 'delete';
  before: StoredDocument | null;
  after: StoredDocument | null;
}

export interface AccessPolicy {
  /** A single-document read (GetDocument, BatchGetDocuments, a documents Listen target). */
  checkGet(
    caller: Caller,
    projectId: string,
    databaseId: string,
    docName: string,
    resource: StoredDocument | null,
    reader: DocumentReader,
  ): void;
  /** A query (RunQuery, RunAggregationQuery, a query Listen target, ListDocuments). */
  checkList(
    caller: Caller,
    projectId: string,
    databaseId: string,
    parent: string,
    query: StructuredQuery,
    results: StoredDocument[],
    reader: DocumentReader,
  ): void;
  /** All the writes of one commit, checked together (one denial fails the commit). */
  checkWrites(
    caller: Caller,
    projectId: string,
    databaseId: string,
    writes: WriteAccess[],
    beforeReader: DocumentReader,
    afterReader: DocumentReader,
  ): void;
}

export interface RuleIssue {
  sourcePosition?: { fileName?: string; line?: number; column?: number };
  description: string;
  severity: 'ERROR' | 'WARNING';
}

/** Turns a rules source into a policy; a source with ERROR issues yields no policy. */
export type RulesCompiler = (
  source: string,
  projectId: string,
) => { policy: AccessPolicy | null; issues: RuleIssue[] };

export const allowAll: AccessPolicy = {
  checkGet() {},
  checkList() {},
  checkWrites() {},
};

/** Per-project policies (or one for every project), with owners let through before any policy. */
export class AccessRegistry {
  private readonly policies = new Map<string, AccessPolicy>();
  private everyProject: AccessPolicy = allowAll;

  constructor(private readonly compile: RulesCompiler) {}

  /** Compiles and installs rules for one project, or for every project when `projectId` is null. */
  loadRules(projectId: string | null, source: string): { issues: RuleIssue[] } {
    const { policy, issues } = this.compile(source, projectId ?? '');
    if (policy && projectId !== null) this.policies.set(projectId, policy);
    else if (policy) this.everyProject = policy;
    return { issues };
  }

  /** Whether rules judge this caller's requests (rules are loaded and the caller is not the owner). */
  rulesApply(caller: Caller, projectId: string): boolean {
    return this.policyFor(caller, projectId) !== allowAll;
  }

  /** The policy for a caller: owners bypass rules entirely. */
  policyFor(caller: Caller, projectId: string): AccessPolicy {
    if (caller.kind === 'owner') return allowAll;
    return this.policies.get(projectId) ?? this.everyProject;
  }
}
