import type { StoredDocument, StructuredQuery } from '../model/types';
import { permissionDenied } from '../errors';
import type { AccessPolicy, DocumentReader, RulesCompiler, WriteAccess } from '../server/access';
import type { Caller } from '../server/auth';
import type { Method } from './ast';
import { documentResource, resourceNameOf, rulesPathOf } from './document';
import { ANY_ID, ANY_PATH, CompiledRules, fromJson, showPath, type PathToken } from './engine';
import { RulesEvalError, RulesSyntaxError } from './errors';
import type { EvalHost } from './evaluate';
import { queryFacts, symbolicResource } from './symbolic';
import { map, NULL, show, str, type RVal } from './values';

/** Firestore's limits on get()/exists()/getAfter()/existsAfter() per request. */
export const ACCESS_LIMIT_SINGLE = 10;
export const ACCESS_LIMIT_BATCH = 20;

/**
 * Document reads of one request: cached by name and counted against Firestore's limits, which are
 * on distinct documents: `limit` for the whole request, and in a commit of several writes also
 * ACCESS_LIMIT_SINGLE for the rules of each written document (`startDocument` begins one).
 */
class DocumentAccess implements EvalHost {
  private readonly cache = new Map<string, RVal>();
  private readonly names = new Set<string>();
  private perDocument = new Set<string>();

  constructor(
    private readonly projectId: string,
    private readonly databaseId: string,
    private readonly limit: number,
    private readonly before: DocumentReader,
    private readonly after: DocumentReader = before,
  ) {}

  startDocument(): void {
    this.perDocument = new Set();
  }

  readDocument(path: string[], after: boolean): RVal {
    const [databases, database, documents] = path;
    if (databases !== 'databases' || documents !== 'documents' || path.length < 5 || path.length % 2 === 0) {
      throw new RulesEvalError(
        `Path /${path.join('/')} is not a document path (/databases/{database}/documents/...).`,
      );
    }
    if (database !== this.databaseId) {
      throw new RulesEvalError(
        `Rules may only read documents of their own database (${this.databaseId}), not ${database}.`,
      );
    }
    const name = resourceNameOf(this.projectId, path);
    if (!this.perDocument.has(name) && this.perDocument.size >= ACCESS_LIMIT_SINGLE) {
      throw new RulesEvalError(
        `Exceeded the limit of ${ACCESS_LIMIT_SINGLE} document reads (get/exists) for one document's rules.`,
      );
    }
    this.perDocument.add(name);
    const key = `${after}:${name}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    if (!this.names.has(name) && this.names.size >= this.limit) {
      throw new RulesEvalError(
        `Exceeded the limit of ${this.limit} document reads (get/exists) for this request.`,
      );
    }
    this.names.add(name);
    const value = documentResource((after ? this.after : this.before)(name));
    this.cache.set(key, value);
    return value;
  }

  debug(value: RVal): void {
    process.stderr.write(`[rules debug] ${show(value)}\n`);
  }
}

function authValue(caller: Caller): RVal {
  if (caller.kind !== 'user') return NULL;
  return map([
    ['uid', str(caller.uid)],
    ['token', fromJson(caller.token)],
  ]);
}

const microsToTimestamp = (micros: number): RVal => ({
  t: 'timestamp',
  nanos: BigInt(Math.round(micros)) * 1000n,
});

function requestValue(
  caller: Caller,
  method: Method,
  path: string[],
  timeMicros: number,
  extra: [string, RVal][] = [],
): RVal {
  return map([
    ['auth', authValue(caller)],
    ['method', str(method)],
    ['path', { t: 'path', segments: path }],
    ['time', microsToTimestamp(timeMicros)],
    ...extra,
  ]);
}

function queryValue(query: StructuredQuery): RVal {
  const limit = query.limit;
  const limitValue =
    limit === undefined || limit === null ? undefined : typeof limit === 'object' ? limit.value : limit;
  const orderBy = (query.orderBy ?? []) as { field?: { fieldPath?: string }; direction?: string }[];
  return map([
    ['limit', limitValue === undefined ? NULL : { t: 'int', v: BigInt(limitValue) }],
    ['offset', { t: 'int', v: BigInt(query.offset ?? 0) }],
    [
      'orderBy',
      map(orderBy.map((o) => [o.field?.fieldPath ?? '', str(o.direction === 'DESCENDING' ? 'DESC' : 'ASC')])),
    ],
  ]);
}

// Firestore's request.time has microseconds; a millisecond clock would let a client guess it.
const nowMicros = () => Math.floor((performance.timeOrigin + performance.now()) * 1000);

function deny(reason: string, path: PathToken[]): never {
  throw permissionDenied(`Missing or insufficient permissions: ${reason} (request on ${showPath(path)}).`);
}

function inScope(name: string[], parent: string[], collectionId: string, group: boolean): boolean {
  if (name.length < parent.length + 2 || !parent.every((s, i) => name[i] === s)) return false;
  if (collectionId && name[name.length - 2] !== collectionId) return false;
  return group || name.length === parent.length + 2;
}

/** The AccessPolicy of a rules file: what the server consults for every non-owner request. */
export class RulesPolicy implements AccessPolicy {
  constructor(readonly rules: CompiledRules) {}

  checkGet(
    caller: Caller,
    projectId: string,
    databaseId: string,
    docName: string,
    resource: StoredDocument | null,
    reader: DocumentReader,
  ): void {
    const path = rulesPathOf(docName);
    const host = new DocumentAccess(projectId, databaseId, ACCESS_LIMIT_SINGLE, reader);
    const request = requestValue(caller, 'get', path, nowMicros());
    const decision = this.rules.evaluate(
      { method: 'get', path, request, resource: documentResource(resource) },
      host,
    );
    if (!decision.allowed) deny(decision.reason, path);
  }

  checkList(
    caller: Caller,
    projectId: string,
    databaseId: string,
    parent: string,
    query: StructuredQuery,
    results: StoredDocument[],
    reader: DocumentReader,
  ): void {
    const from = query.from?.[0] ?? {};
    const collectionId: string = from.collectionId ?? '';
    const parentPath = rulesPathOf(parent);
    const tail: PathToken[] = from.allDescendants
      ? collectionId
        ? [ANY_PATH, collectionId, ANY_ID]
        : [ANY_PATH, ANY_ID]
      : [collectionId, ANY_ID];
    const path: PathToken[] = [...parentPath, ...tail];
    const time = nowMicros();
    const request = requestValue(
      caller,
      'list',
      collectionId && !from.allDescendants ? [...parentPath, collectionId] : parentPath,
      time,
      [['query', queryValue(query)]],
    );
    let alternatives;
    try {
      alternatives = queryFacts(query);
    } catch (err) {
      return deny((err as Error).message, path);
    }
    // A collection-group query may use only the allow statements whose recursive wildcard covers
    // its unknown parents, even where a filter pins one document (production refuses it otherwise).
    const group = from.allDescendants === true;
    const only = group ? this.rules.allowsFor(path, 'list') : undefined;
    // The query as a whole: the rule must hold for any document its filters admit.
    for (const facts of alternatives) {
      const host = new DocumentAccess(projectId, databaseId, ACCESS_LIMIT_SINGLE, reader);
      // A query pinned to one document by __name__ is checked at that document's path.
      const pinned =
        facts.name && inScope(facts.name, parentPath, collectionId, from.allDescendants === true);
      const at = pinned ? facts.name! : path;
      const decision = this.rules.evaluate(
        { method: 'list', path: at, request, resource: symbolicResource(facts) },
        host,
        only,
      );
      if (!decision.allowed) deny(decision.reason, at);
    }
    // And each document it did return, should the symbolic check have been too generous.
    for (const doc of results) {
      const docPath = rulesPathOf(doc.name);
      const host = new DocumentAccess(projectId, databaseId, ACCESS_LIMIT_SINGLE, reader);
      const decision = this.rules.evaluate(
        { method: 'list', path: docPath, request, resource: documentResource(doc) },
        host,
        only,
      );
      if (!decision.allowed) deny(decision.reason, docPath);
    }
  }

  checkWrites(
    caller: Caller,
    projectId: string,
    databaseId: string,
    writes: WriteAccess[],
    beforeReader: DocumentReader,
    afterReader: DocumentReader,
  ): void {
    const limit = writes.length > 1 ? ACCESS_LIMIT_BATCH : ACCESS_LIMIT_SINGLE;
    const host = new DocumentAccess(projectId, databaseId, limit, beforeReader, afterReader);
    // request.time is the commit time, to the microsecond as server timestamps resolve it, so
    // `data.at == request.time` holds for a serverTimestamp() as in production.
    const commitTime = writes.find((w) => w.after)?.after?.updateTime;
    const time = commitTime ?? nowMicros();
    for (const w of writes) {
      host.startDocument();
      const path = rulesPathOf(w.docName);
      const request = requestValue(caller, w.method, path, time, [
        ['resource', w.after ? documentResource(w.after) : NULL],
      ]);
      const decision = this.rules.evaluate(
        { method: w.method, path, request, resource: documentResource(w.before) },
        host,
      );
      if (!decision.allowed) deny(decision.reason, path);
    }
  }
}

/** The server's RulesCompiler: a policy, or the syntax error with its line and column. */
export const compileRulesPolicy: RulesCompiler = (source) => {
  try {
    return { policy: new RulesPolicy(CompiledRules.parse(source)), issues: [] };
  } catch (err) {
    if (!(err instanceof RulesSyntaxError)) throw err;
    return {
      policy: null,
      issues: [
        {
          severity: 'ERROR',
          description: err.message,
          sourcePosition: { fileName: 'firestore.rules', line: err.line, column: err.column },
        },
      ],
    };
  }
};
