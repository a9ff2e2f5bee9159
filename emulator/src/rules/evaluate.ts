import type { Expr, FunctionDecl, PathPart } from './ast';
import type { Outcome, RulesCoverage } from './coverage';
import { RulesEvalError } from './errors';
import { convert, callMethod, NAMESPACES } from './stdlib';
import { compareUnknown, inUnknown, isUnknown, memberOfUnknown } from './symbolic';
import { bool, compare, equals, int, list, show, TYPE_NAMES, typeName, UNKNOWN, type RVal } from './values';

/** A lexical scope: wildcard bindings, function parameters and `let`s, and visible functions. */
export interface Scope {
  vars: Map<string, RVal | (() => RVal)>;
  functions: Map<string, { decl: FunctionDecl; scope: Scope }>;
  parent?: Scope;
}

export interface EvalHost {
  /** `get`/`exists` (after=false) and `getAfter`/`existsAfter` (after=true): the resource map, or null. */
  readDocument(path: string[], after: boolean): RVal;
  debug(value: RVal): void;
}

/** Functions call each other at most this deep (Firestore's limit; it also stops recursion). */
const MAX_CALL_DEPTH = 20;

const fail = (message: string): never => {
  throw new RulesEvalError(message);
};

export function childScope(parent: Scope, vars: Map<string, RVal | (() => RVal)> = new Map()): Scope {
  return { vars, functions: new Map(), parent };
}

function lookupVar(scope: Scope | undefined, name: string): RVal | undefined {
  for (let s = scope; s; s = s.parent) {
    const v = s.vars.get(name);
    if (v !== undefined) {
      if (typeof v !== 'function') return v;
      const value = v();
      s.vars.set(name, value);
      return value;
    }
  }
  return undefined;
}

function lookupFunction(scope: Scope | undefined, name: string) {
  for (let s = scope; s; s = s.parent) {
    const f = s.functions.get(name);
    if (f) return f;
  }
  return undefined;
}

/** Evaluates expressions of one request. Errors are RulesEvalError; anything else propagates. */
export class Evaluator {
  private depth = 0;

  constructor(
    private readonly host: EvalHost,
    private readonly coverage?: RulesCoverage,
  ) {}

  /** A condition: true only if it evaluates to the boolean true. Errors propagate to the caller. */
  condition(expr: Expr, scope: Scope): RVal {
    const v = this.eval(expr, scope);
    if (v.t !== 'bool' && v.t !== 'unknown') fail(`Condition is ${typeName(v)}, not bool.`);
    return v;
  }

  eval(e: Expr, scope: Scope): RVal {
    try {
      return this.evalNode(e, scope);
    } catch (err) {
      // The innermost expression that failed is where a developer should look.
      if (err instanceof RulesEvalError && err.line === undefined) {
        err.line = e.line;
        err.column = e.column;
      }
      throw err;
    }
  }

  private evalNode(e: Expr, scope: Scope): RVal {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'ident': {
        const v = lookupVar(scope, e.name);
        if (v === undefined) return fail(`Variable '${e.name}' is not defined.`);
        return v;
      }
      case 'list':
        return list(e.items.map((i) => this.eval(i, scope)));
      case 'map': {
        const m = new Map<string, RVal>();
        for (const { key, value } of e.entries) {
          const k = this.eval(key, scope);
          if (k.t !== 'string') fail(`Map keys must be strings, got ${typeName(k)}.`);
          m.set((k as { v: string }).v, this.eval(value, scope));
        }
        return { t: 'map', v: m };
      }
      case 'path':
        return this.path(e.segments, scope);
      case 'unary': {
        const v = this.eval(e.operand, scope);
        if (v.t === 'unknown') return UNKNOWN;
        if (e.op === '!') {
          if (v.t !== 'bool') fail(`Operator ! expects bool, got ${typeName(v)}.`);
          return bool(!(v as { v: boolean }).v);
        }
        if (v.t === 'int') return int(-v.v);
        if (v.t === 'float') return { t: 'float', v: -v.v };
        if (v.t === 'duration') return { t: 'duration', nanos: -v.nanos };
        return fail(`Operator - expects a number, got ${typeName(v)}.`);
      }
      case 'binary':
        if (e.op === '&&' || e.op === '||') return this.logical(e.op, e.left, e.right, scope);
        return this.binary(e.op, this.eval(e.left, scope), this.eval(e.right, scope));
      case 'is': {
        const v = this.eval(e.operand, scope);
        const types = TYPE_NAMES[e.type];
        if (!types) return fail(`Unknown type '${e.type}' after is.`);
        if (v.t === 'unknown') return isUnknown(v, types);
        return bool(types.includes(v.t));
      }
      case 'ternary': {
        const c = this.eval(e.cond, scope);
        if (c.t === 'unknown') {
          const a = this.eval(e.then, scope);
          const b = this.eval(e.otherwise, scope);
          return a.t !== 'unknown' && equals(a, b) ? a : UNKNOWN;
        }
        if (c.t !== 'bool') fail(`Ternary condition is ${typeName(c)}, not bool.`);
        return this.eval((c as { v: boolean }).v ? e.then : e.otherwise, scope);
      }
      case 'member':
        return this.member(this.eval(e.object, scope), e.name);
      case 'index':
        return this.index(this.eval(e.object, scope), this.eval(e.index, scope));
      case 'range': {
        const o = this.eval(e.object, scope);
        const from = this.eval(e.from, scope);
        const to = this.eval(e.to, scope);
        if (o.t === 'unknown' || from.t === 'unknown' || to.t === 'unknown') return UNKNOWN;
        if (from.t !== 'int' || to.t !== 'int') return fail('Range bounds must be ints.');
        const [i, j] = [Number(from.v), Number(to.v)];
        if (o.t === 'list') {
          if (i < 0 || j > o.v.length || i > j)
            fail(`Range [${i}:${j}] is out of bounds for a list of ${o.v.length}.`);
          return list(o.v.slice(i, j));
        }
        if (o.t === 'string') {
          const chars = [...o.v];
          if (i < 0 || j > chars.length || i > j)
            fail(`Range [${i}:${j}] is out of bounds for a string of ${chars.length}.`);
          return { t: 'string', v: chars.slice(i, j).join('') };
        }
        return fail(`Cannot take a range of ${typeName(o)}.`);
      }
      case 'call':
        return this.call(e, scope);
    }
  }

  /**
   * && and || as Firestore defines them: a side that decides the outcome wins even if the other
   * side is an error; otherwise the error stands.
   */
  private logical(op: '&&' | '||', left: Expr, right: Expr, scope: Scope): RVal {
    const decisive = op === '||';
    const side = (x: Expr): RVal | RulesEvalError => {
      try {
        const v = this.eval(x, scope);
        if (v.t !== 'bool' && v.t !== 'unknown')
          return new RulesEvalError(`Operator ${op} expects bool, got ${typeName(v)}.`);
        return v;
      } catch (err) {
        if (err instanceof RulesEvalError) return err;
        throw err;
      }
    };
    const l = side(left);
    this.coverage?.condition(left, outcomeOf(l));
    if (!(l instanceof Error) && l.t === 'bool' && l.v === decisive) return l;
    const r = side(right);
    this.coverage?.condition(right, outcomeOf(r));
    if (!(r instanceof Error) && r.t === 'bool' && r.v === decisive) return r;
    if (l instanceof Error) throw l;
    if (r instanceof Error) throw r;
    if (l.t === 'unknown' || r.t === 'unknown') return UNKNOWN;
    return bool(!decisive);
  }

  binary(op: string, a: RVal, b: RVal): RVal {
    if (a.t === 'unknown' || b.t === 'unknown') {
      if (op === 'in') return inUnknown(a, b);
      if (['==', '!=', '<', '<=', '>', '>='].includes(op)) return compareUnknown(op, a, b);
      return UNKNOWN;
    }
    switch (op) {
      case '==':
        return bool(equals(a, b));
      case '!=':
        return bool(!equals(a, b));
      case '<':
        return bool(compare(a, b) < 0);
      case '<=':
        return bool(compare(a, b) <= 0);
      case '>':
        return bool(compare(a, b) > 0);
      case '>=':
        return bool(compare(a, b) >= 0);
      case 'in':
        if (b.t === 'list' || b.t === 'set') return bool(b.v.some((x) => equals(x, a)));
        if (b.t === 'map') return bool(a.t === 'string' && b.v.has(a.v));
        return fail(`Operator in expects a list, set or map on the right, got ${typeName(b)}.`);
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return arithmetic(op, a, b);
    }
    return fail(`Unknown operator ${op}.`);
  }

  member(o: RVal, name: string): RVal {
    if (o.t === 'unknown') return memberOfUnknown(o, name);
    if (o.t === 'map') {
      const v = o.v.get(name);
      if (v === undefined) return fail(`Property ${name} is undefined on object.`);
      return v;
    }
    if (o.t === 'null') return fail(`Null value error.`);
    return fail(`Property ${name} is undefined on ${typeName(o)}.`);
  }

  private index(o: RVal, i: RVal): RVal {
    if (o.t === 'unknown') return i.t === 'string' ? memberOfUnknown(o, i.v) : UNKNOWN;
    if (i.t === 'unknown') return UNKNOWN;
    if (o.t === 'map') {
      if (i.t !== 'string') return fail(`Map index must be a string, got ${typeName(i)}.`);
      return this.member(o, i.v);
    }
    if (o.t === 'list' || o.t === 'string' || o.t === 'path') {
      if (i.t !== 'int') return fail(`Index must be an int, got ${typeName(i)}.`);
      const items = o.t === 'list' ? o.v : o.t === 'string' ? [...o.v] : o.segments;
      const n = Number(i.v);
      if (n < 0 || n >= items.length) return fail(`Index ${n} is out of range (size ${items.length}).`);
      const item = items[n]!;
      return typeof item === 'string' ? { t: 'string', v: item } : item;
    }
    if (o.t === 'null') return fail(`Null value error.`);
    return fail(`Cannot index ${typeName(o)}.`);
  }

  private path(segments: PathPart[][], scope: Scope): RVal {
    const out: string[] = [];
    for (const parts of segments) {
      let text = '';
      for (const part of parts) {
        if ('text' in part) {
          text += part.text;
          continue;
        }
        const v = this.eval(part.expr, scope);
        if (v.t === 'unknown') return UNKNOWN;
        if (v.t === 'path' && parts.length === 1) {
          out.push(...v.segments);
          text = '';
          continue;
        }
        if (v.t === 'string') text += v.v;
        else if (v.t === 'int') text += v.v.toString();
        else return fail(`Cannot use ${typeName(v)} in a path.`);
      }
      if (text !== '') out.push(text);
    }
    return { t: 'path', segments: out };
  }

  private call(e: Expr & { kind: 'call' }, scope: Scope): RVal {
    const callee = e.callee;
    if (callee.kind === 'member') {
      const ns = callee.object.kind === 'ident' ? NAMESPACES[callee.object.name] : undefined;
      if (ns && callee.object.kind === 'ident' && lookupVar(scope, callee.object.name) === undefined) {
        const args = e.args.map((a) => this.eval(a, scope));
        return args.some((a) => a.t === 'unknown') ? UNKNOWN : ns(callee.name, args);
      }
      const receiver = this.eval(callee.object, scope);
      const args = e.args.map((a) => this.eval(a, scope));
      if (receiver.t === 'null') return fail(`Null value error.`);
      if (receiver.t === 'unknown' && callee.name === 'get' && args.length === 2)
        return getOfUnknown(receiver, args[0]!, args[1]!);
      return callMethod(receiver, callee.name, args);
    }
    if (callee.kind !== 'ident') return fail('Only functions and methods can be called.');
    const name = callee.name;
    const fn = lookupFunction(scope, name);
    const args = e.args.map((a) => this.eval(a, scope));
    if (fn) return this.callUser(fn.decl, fn.scope, args);
    switch (name) {
      case 'get':
      case 'getAfter':
      case 'exists':
      case 'existsAfter': {
        if (args.length !== 1) fail(`Function ${name}() expects 1 argument.`);
        const p = args[0]!;
        if (p.t === 'unknown') return UNKNOWN;
        if (p.t !== 'path') return fail(`Function ${name}() expects a path, got ${typeName(p)}.`);
        const doc = this.host.readDocument(p.segments, name.endsWith('After'));
        return name.startsWith('exists') ? bool(doc.t !== 'null') : doc;
      }
      case 'debug':
        if (args.length !== 1) fail('Function debug() expects 1 argument.');
        this.host.debug(args[0]!);
        return args[0]!;
      case 'path': {
        if (args.length !== 1) fail('Function path() expects 1 argument.');
        const s = args[0]!;
        if (s.t === 'unknown') return UNKNOWN;
        if (s.t !== 'string') return fail(`Function path() expects a string, got ${typeName(s)}.`);
        return { t: 'path', segments: s.v.split('/').filter((x) => x !== '') };
      }
    }
    const converted = convert(name, args);
    if (converted) return converted;
    return fail(`Function not found error: Name: [${name}].`);
  }

  private callUser(decl: FunctionDecl, defined: Scope, args: RVal[]): RVal {
    if (args.length !== decl.params.length) {
      fail(`Function ${decl.name}() expects ${decl.params.length} argument(s), got ${args.length}.`);
    }
    if (this.depth >= MAX_CALL_DEPTH)
      fail(`Maximum function call depth (${MAX_CALL_DEPTH}) exceeded in ${decl.name}().`);
    const scope = childScope(defined, new Map(decl.params.map((p, i) => [p, args[i]!])));
    // `let`s are evaluated when first used, so an unused one cannot fail the function.
    for (const l of decl.lets) scope.vars.set(l.name, () => this.eval(l.value, scope));
    this.depth++;
    try {
      return this.eval(decl.body, scope);
    } finally {
      this.depth--;
    }
  }
}

const outcomeOf = (v: RVal | RulesEvalError): Outcome =>
  v instanceof RulesEvalError ? 'error' : v.t === 'bool' ? (v.v ? 'true' : 'false') : 'unknown';

/** `data.get(key, default)` on a list query's document: known where the query pins the field. */
function getOfUnknown(receiver: RVal & { t: 'unknown' }, key: RVal, fallback: RVal): RVal {
  const names =
    key.t === 'string'
      ? [key.v]
      : key.t === 'list'
        ? key.v.map((k) => (k.t === 'string' ? k.v : undefined))
        : [];
  if (names.length === 0 || names.some((n) => n === undefined)) return UNKNOWN;
  let v: RVal = receiver;
  for (const name of names as string[]) {
    if (v.t === 'unknown') v = memberOfUnknown(v, name);
    else if (v.t === 'map') v = v.v.get(name) ?? fallback;
    else return fallback;
  }
  return v;
}

function arithmetic(op: string, a: RVal, b: RVal): RVal {
  if (a.t === 'int' && b.t === 'int') {
    switch (op) {
      case '+':
        return int(a.v + b.v);
      case '-':
        return int(a.v - b.v);
      case '*':
        return int(a.v * b.v);
      case '/':
        if (b.v === 0n) return fail('Division by zero.');
        return int(a.v / b.v);
      case '%':
        if (b.v === 0n) return fail('Modulo by zero.');
        return int(a.v % b.v);
    }
  }
  if ((a.t === 'int' || a.t === 'float') && (b.t === 'int' || b.t === 'float')) {
    const x = Number(a.v);
    const y = Number(b.v);
    const v = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' ? x / y : x % y;
    return { t: 'float', v };
  }
  if (op === '+') {
    if (a.t === 'string' && b.t === 'string') return { t: 'string', v: a.v + b.v };
    if (a.t === 'list' && b.t === 'list') return list([...a.v, ...b.v]);
    if (a.t === 'timestamp' && b.t === 'duration') return { t: 'timestamp', nanos: a.nanos + b.nanos };
    if (a.t === 'duration' && b.t === 'timestamp') return { t: 'timestamp', nanos: a.nanos + b.nanos };
    if (a.t === 'duration' && b.t === 'duration') return { t: 'duration', nanos: a.nanos + b.nanos };
  }
  if (op === '-') {
    if (a.t === 'timestamp' && b.t === 'duration') return { t: 'timestamp', nanos: a.nanos - b.nanos };
    if (a.t === 'timestamp' && b.t === 'timestamp') return { t: 'duration', nanos: a.nanos - b.nanos };
    if (a.t === 'duration' && b.t === 'duration') return { t: 'duration', nanos: a.nanos - b.nanos };
  }
  return fail(
    `Operator ${op} is not defined for ${typeName(a)} and ${typeName(b)} (${show(a)}, ${show(b)}).`,
  );
}
