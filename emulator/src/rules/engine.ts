import type { AllowStmt, MatchBlock, MatchSegment, Method, Ruleset } from './ast';
import { coverageFor, type RulesCoverage } from './coverage';
import { RulesEvalError } from './errors';
import { childScope, Evaluator, type EvalHost, type Scope } from './evaluate';
import { parseRules } from './parser';
import { map, NULL, str, UNKNOWN, type RVal } from './values';

/** A segment of a request path: known text, one unknown segment (a listed document's id), or any number of them (collection groups). */
export type PathToken = string | typeof ANY_ID | typeof ANY_PATH;
export const ANY_ID = Symbol('any document id');
export const ANY_PATH = Symbol('any path');

export interface RulesRequest {
  method: Method;
  /** The document's rules path: `databases`, db, `documents`, collection, id, ... */
  path: PathToken[];
  /** `request` as the rules see it (auth, method, path, time, resource, query). */
  request: RVal;
  /** `resource`: the stored document, null, or a symbolic one for list queries. */
  resource: RVal;
}

export interface Decision {
  allowed: boolean;
  /** Why not, naming each allow statement tried and what it gave, as the official emulator does. */
  reason: string;
}

interface Candidate {
  allow: AllowStmt;
  scope: Scope;
  matchPath: string;
}

/**
 * How a recursive wildcard matches: in rules_version '2' zero or more segments, anywhere, and the
 * unknown parents of a collection-group query; in '1' one or more, and never a collection group
 * (those need version 2).
 */
interface RestSemantics {
  minSegments: number;
  collectionGroups: boolean;
}

const REST_V1: RestSemantics = { minSegments: 1, collectionGroups: false };
const REST_V2: RestSemantics = { minSegments: 0, collectionGroups: true };

function* matchSegments(
  pattern: MatchSegment[],
  pi: number,
  path: PathToken[],
  xi: number,
  vars: [string, RVal][],
  rest: RestSemantics,
): Generator<{ end: number; vars: [string, RVal][] }> {
  if (pi === pattern.length) {
    yield { end: xi, vars };
    return;
  }
  const seg = pattern[pi]!;
  const token = path[xi];
  if (seg.kind === 'literal') {
    if (token === seg.text) yield* matchSegments(pattern, pi + 1, path, xi + 1, vars, rest);
    return;
  }
  if (seg.kind === 'single') {
    if (token === undefined || token === ANY_PATH) return;
    yield* matchSegments(
      pattern,
      pi + 1,
      path,
      xi + 1,
      [...vars, [seg.name, typeof token === 'string' ? str(token) : UNKNOWN]],
      rest,
    );
    return;
  }
  for (let end = xi + rest.minSegments; end <= path.length; end++) {
    const taken = path.slice(xi, end);
    if (!rest.collectionGroups && taken.includes(ANY_PATH)) continue;
    const value: RVal = taken.every((t) => typeof t === 'string')
      ? { t: 'path', segments: taken as string[] }
      : UNKNOWN;
    yield* matchSegments(pattern, pi + 1, path, end, [...vars, [seg.name, value]], rest);
  }
}

function scopeFor(parent: Scope, block: MatchBlock, vars: [string, RVal][]): Scope {
  const scope = childScope(parent, new Map(vars));
  for (const f of block.functions) scope.functions.set(f.name, { decl: f, scope });
  return scope;
}

/** A parsed ruleset, ready to answer requests. */
export class CompiledRules {
  private readonly rest: RestSemantics;

  constructor(
    readonly ruleset: Ruleset,
    /** What the requests exercised, when coverage is recorded (coverage.ts). */
    readonly coverage?: RulesCoverage,
  ) {
    this.rest = ruleset.version === '1' ? REST_V1 : REST_V2;
  }

  static parse(source: string): CompiledRules {
    const ruleset = parseRules(source);
    return new CompiledRules(ruleset, coverageFor(source, ruleset));
  }

  /** Every allow statement for the method in a match block that matches the whole path. */
  private candidates(path: PathToken[], method: Method, globals: Scope): Candidate[] {
    const out: Candidate[] = [];
    const visit = (blocks: MatchBlock[], scope: Scope, from: number, prefix: string) => {
      for (const block of blocks) {
        for (const m of matchSegments(block.segments, 0, path, from, [], this.rest)) {
          const inner = scopeFor(scope, block, m.vars);
          const matchPath = prefix + block.pathText;
          if (m.end === path.length) {
            for (const allow of block.allows)
              if (allow.methods.includes(method)) out.push({ allow, scope: inner, matchPath });
          }
          visit(block.matches, inner, m.end, matchPath);
        }
      }
    };
    visit(this.ruleset.matches, globals, 0, '');
    return out;
  }

  /**
   * The allow statements that apply to a path pattern: a collection-group query may use only those
   * whose recursive wildcard covers its unknown parents, even once a filter pins one document.
   */
  allowsFor(path: PathToken[], method: Method): Set<AllowStmt> {
    const scope: Scope = { vars: new Map(), functions: new Map() };
    return new Set(this.candidates(path, method, scope).map((c) => c.allow));
  }

  /**
   * Decides one request. Document reads (`get()` and friends) go through `host`. With `only`, allow
   * statements outside it are not candidates.
   */
  evaluate(req: RulesRequest, host: EvalHost, only?: Set<AllowStmt>): Decision {
    const globals: Scope = {
      vars: new Map([
        ['request', req.request],
        ['resource', req.resource],
      ]),
      functions: new Map(),
    };
    for (const f of this.ruleset.functions) globals.functions.set(f.name, { decl: f, scope: globals });
    const candidates = this.candidates(req.path, req.method, globals).filter(
      (c) => !only || only.has(c.allow),
    );
    if (candidates.length === 0)
      return {
        allowed: false,
        reason: `No matching allow statements for '${req.method}' on ${showPath(req.path)}`,
      };
    const evaluator = new Evaluator(host, this.coverage);
    const reasons: string[] = [];
    for (const c of candidates) {
      const where = `for '${req.method}' @ L${c.allow.line} (match ${c.matchPath})`;
      if (!c.allow.condition) {
        this.coverage?.allow(c.allow, 'true');
        return { allowed: true, reason: '' };
      }
      try {
        const v = evaluator.condition(c.allow.condition, c.scope);
        this.coverage?.allow(c.allow, v.t === 'bool' ? (String(v.v) as 'true' | 'false') : 'unknown');
        if (v.t === 'bool' && v.v) return { allowed: true, reason: '' };
        reasons.push(
          v.t === 'unknown'
            ? `not provable for every document the query may return ${where}`
            : `false ${where}`,
        );
      } catch (err) {
        if (!(err instanceof RulesEvalError)) throw err;
        this.coverage?.allow(c.allow, 'error');
        const at = err.line === undefined ? '' : ` (evaluation error at L${err.line}:${err.column})`;
        reasons.push(`${err.message}${at} ${where}`);
      }
    }
    return { allowed: false, reason: reasons.join(', ') };
  }
}

export function showPath(path: PathToken[]): string {
  return '/' + path.map((t) => (t === ANY_ID ? '{id}' : t === ANY_PATH ? '**' : t)).join('/');
}

/** A JSON value (token claims) as a rules value. */
export function fromJson(v: unknown): RVal {
  if (v === null || v === undefined) return NULL;
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (typeof v === 'number') return Number.isInteger(v) ? { t: 'int', v: BigInt(v) } : { t: 'float', v };
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return { t: 'list', v: v.map(fromJson) };
  if (typeof v === 'object')
    return map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromJson(x)]));
  return str(String(v));
}
