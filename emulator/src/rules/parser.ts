import type {
  AllowStmt,
  BinaryOp,
  Expr,
  FunctionDecl,
  MatchBlock,
  MatchSegment,
  Method,
  PathPart,
  Pos,
  Ruleset,
} from './ast';
import { RulesSyntaxError } from './errors';
import { Lexer, type Token } from './lexer';
import { refuseRecursion } from './recursion';

const METHOD_GROUPS: Record<string, Method[]> = {
  read: ['get', 'list'],
  write: ['create', 'update', 'delete'],
  get: ['get'],
  list: ['list'],
  create: ['create'],
  update: ['update'],
  delete: ['delete'],
};

const RELATIONAL = new Set(['==', '!=', '<', '<=', '>', '>=']);
const RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'is',
  'if',
  'let',
  'return',
  'function',
  'match',
  'allow',
]);

/** Parses a rules file (rules_version '2', service cloud.firestore) into a syntax tree. */
export function parseRules(source: string): Ruleset {
  return new Parser(source).file();
}

/** Parses one expression: used by tests and by tools that evaluate a condition alone. */
export function parseExpression(source: string): Expr {
  const p = new Parser(source);
  const e = p.expression();
  p.expectEof();
  return e;
}

class Parser {
  private readonly lexer: Lexer;
  private lookahead: Token | undefined;
  /** rules_version: in '1' a recursive wildcard matches one or more segments and must come last. */
  private version = '1';
  /** Calls nested inside path interpolations and brackets can be deep; bound it to stay on the stack. */
  private depth = 0;

  constructor(source: string) {
    this.lexer = new Lexer(source);
  }

  private peek(): Token {
    this.lookahead ??= this.lexer.next();
    return this.lookahead;
  }

  private take(): Token {
    const t = this.peek();
    this.lookahead = undefined;
    return t;
  }

  private is(text: string): boolean {
    const t = this.peek();
    return (t.kind === 'punct' || t.kind === 'ident') && t.text === text;
  }

  private accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.take();
    return true;
  }

  private fail(message: string, at: Token = this.peek()): never {
    throw this.lexer.error(message, at.start);
  }

  private describe(t: Token): string {
    return t.kind === 'eof' ? 'end of file' : `'${this.lexer.source.slice(t.start, t.end)}'`;
  }

  private expect(text: string): Token {
    const t = this.peek();
    if (!this.is(text)) this.fail(`expected '${text}' but found ${this.describe(t)}`);
    return this.take();
  }

  private identifier(what: string): Token {
    const t = this.peek();
    if (t.kind !== 'ident' || RESERVED.has(t.text))
      this.fail(`expected ${what} but found ${this.describe(t)}`);
    return this.take();
  }

  expectEof(): void {
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(`unexpected ${this.describe(t)}`);
  }

  private pos(t: Token): Pos {
    return { line: t.line, column: t.column };
  }

  file(): Ruleset {
    let version = '1';
    if (this.accept('rules_version')) {
      this.expect('=');
      const v = this.take();
      if (v.kind !== 'string') this.fail(`rules_version must be a string such as '2'`, v);
      if (v.text !== '1' && v.text !== '2') this.fail(`unsupported rules_version '${v.text}'`, v);
      version = v.text;
      this.version = version;
      if (!this.is('service')) this.expect(';');
    }
    const service = this.take();
    if (service.kind !== 'ident' || service.text !== 'service')
      this.fail(`expected 'service' but found ${this.describe(service)}`, service);
    let name = this.identifier('a service name').text;
    while (this.accept('.')) name += '.' + this.identifier('a service name').text;
    if (name !== 'cloud.firestore')
      this.fail(`unsupported service '${name}': this emulator evaluates cloud.firestore rules`, service);
    this.expect('{');
    const functions: FunctionDecl[] = [];
    const matches: MatchBlock[] = [];
    while (!this.accept('}')) {
      if (this.is('function')) functions.push(this.functionDecl());
      else if (this.is('match')) matches.push(this.match());
      else this.fail(`expected 'match', 'function' or '}' but found ${this.describe(this.peek())}`);
    }
    this.expectEof();
    const ruleset = { version, service: name, functions, matches };
    refuseRecursion(ruleset, (message, line, column) => {
      throw new RulesSyntaxError(message, line, column);
    });
    return ruleset;
  }

  private match(): MatchBlock {
    const kw = this.take();
    if (this.lookahead) throw new Error('lexer lookahead out of sync');
    const pathTok = this.lexer.nextMatchPath();
    const segments = this.matchSegments(pathTok);
    this.expect('{');
    const block: MatchBlock = {
      ...this.pos(kw),
      pathText: pathTok.text,
      segments,
      functions: [],
      allows: [],
      matches: [],
    };
    while (!this.accept('}')) {
      if (this.is('function')) block.functions.push(this.functionDecl());
      else if (this.is('match')) block.matches.push(this.match());
      else if (this.is('allow')) block.allows.push(this.allow());
      else this.fail(`expected 'match', 'allow', 'function' or '}' but found ${this.describe(this.peek())}`);
    }
    return block;
  }

  private matchSegments(tok: Token): MatchSegment[] {
    const parts = tok.text.split('/').slice(1);
    const segments: MatchSegment[] = [];
    const names = new Set<string>();
    let offset = tok.start + 1;
    for (const part of parts) {
      const at = offset;
      offset += part.length + 1;
      if (part === '') throw this.lexer.error('empty segment in match path', at);
      const wildcard = /^\{([A-Za-z_][A-Za-z0-9_]*)(=\*\*)?\}$/.exec(part);
      if (wildcard) {
        const name = wildcard[1]!;
        if (names.has(name)) throw this.lexer.error(`wildcard '${name}' is bound twice`, at);
        names.add(name);
        if (wildcard[2] && segments.some((x) => x.kind === 'rest'))
          throw this.lexer.error(`a match path may hold one recursive wildcard, not two ('${part}')`, at);
        if (wildcard[2] && this.version === '1' && offset < tok.end)
          throw this.lexer.error(
            `in rules_version '1' a recursive wildcard must be the last segment ('${part}'); rules_version '2' allows it anywhere`,
            at,
          );
        segments.push({ kind: wildcard[2] ? 'rest' : 'single', name });
      } else if (/[{}]/.test(part)) {
        throw this.lexer.error(`malformed wildcard '${part}': write {name} or {name=**}`, at);
      } else {
        segments.push({ kind: 'literal', text: part });
      }
    }
    return segments;
  }

  private allow(): AllowStmt {
    const kw = this.take();
    const methods = new Set<Method>();
    const written: string[] = [];
    do {
      const m = this.identifier('a method (read, write, get, list, create, update, delete)');
      const group = METHOD_GROUPS[m.text];
      if (!group)
        this.fail(`unknown method '${m.text}': use read, write, get, list, create, update or delete`, m);
      written.push(m.text);
      for (const g of group) methods.add(g);
    } while (this.accept(','));
    let condition: Expr | null = null;
    if (this.accept(':')) {
      this.expect('if');
      condition = this.expression();
    }
    // The official compiler takes the semicolon as optional, between statements as after the last.
    this.accept(';');
    return { ...this.pos(kw), methods: [...methods], written, condition };
  }

  private functionDecl(): FunctionDecl {
    const kw = this.expect('function');
    const name = this.identifier('a function name').text;
    this.expect('(');
    const params: string[] = [];
    if (!this.is(')')) {
      do {
        const p = this.identifier('a parameter name');
        if (params.includes(p.text)) this.fail(`parameter '${p.text}' is declared twice`, p);
        params.push(p.text);
      } while (this.accept(','));
    }
    this.expect(')');
    this.expect('{');
    const lets: FunctionDecl['lets'] = [];
    while (this.accept('let')) {
      const n = this.identifier('a variable name').text;
      this.expect('=');
      lets.push({ name: n, value: this.expression() });
      this.expect(';');
    }
    this.expect('return');
    const body = this.expression();
    this.accept(';');
    this.expect('}');
    return { ...this.pos(kw), name, params, lets, body };
  }

  expression(): Expr {
    if (++this.depth > 200) this.fail('expression is nested too deeply');
    try {
      return this.ternary();
    } finally {
      this.depth--;
    }
  }

  private ternary(): Expr {
    const cond = this.binary(0);
    if (!this.is('?')) return cond;
    this.take();
    const then = this.expression();
    this.expect(':');
    const otherwise = this.expression();
    return { line: cond.line, column: cond.column, kind: 'ternary', cond, then, otherwise };
  }

  // Precedence climbing: ||, &&, relational (== != < <= > >= in is), additive, multiplicative.
  private static readonly LEVELS: string[][] = [
    ['||'],
    ['&&'],
    ['==', '!=', '<', '<=', '>', '>=', 'in', 'is'],
    ['+', '-'],
    ['*', '/', '%'],
  ];

  private binary(level: number): Expr {
    if (level >= Parser.LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    const ops = Parser.LEVELS[level]!;
    while (true) {
      const t = this.peek();
      if ((t.kind !== 'punct' && t.kind !== 'ident') || !ops.includes(t.text)) return left;
      this.take();
      if (t.text === 'is') {
        const type = this.take();
        if (type.kind !== 'ident')
          this.fail(`expected a type name after 'is' but found ${this.describe(type)}`, type);
        left = { line: left.line, column: left.column, kind: 'is', operand: left, type: type.text };
        continue;
      }
      const right = this.binary(level + 1);
      left = { line: left.line, column: left.column, kind: 'binary', op: t.text as BinaryOp, left, right };
      if (RELATIONAL.has(t.text) && this.peek().kind === 'punct' && RELATIONAL.has(this.peek().text)) {
        this.fail(`comparisons do not chain: add parentheses`);
      }
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'punct' && (t.text === '!' || t.text === '-')) {
      this.take();
      const operand = this.unary();
      if (
        t.text === '-' &&
        operand.kind === 'literal' &&
        (operand.value.t === 'int' || operand.value.t === 'float')
      ) {
        const value =
          operand.value.t === 'int'
            ? { t: 'int' as const, v: -operand.value.v }
            : { t: 'float' as const, v: -operand.value.v };
        return { ...this.pos(t), kind: 'literal', value };
      }
      return { ...this.pos(t), kind: 'unary', op: t.text, operand };
    }
    return this.postfix(this.primary());
  }

  private postfix(expr: Expr): Expr {
    while (true) {
      if (this.accept('.')) {
        const name = this.peek();
        if (name.kind !== 'ident')
          this.fail(`expected a member name after '.' but found ${this.describe(name)}`);
        this.take();
        expr = { line: expr.line, column: expr.column, kind: 'member', object: expr, name: name.text };
      } else if (this.accept('[')) {
        const index = this.expression();
        if (this.accept(':')) {
          const to = this.expression();
          this.expect(']');
          expr = { line: expr.line, column: expr.column, kind: 'range', object: expr, from: index, to };
        } else {
          this.expect(']');
          expr = { line: expr.line, column: expr.column, kind: 'index', object: expr, index };
        }
      } else if (this.is('(')) {
        this.take();
        const args = this.is(')') ? [] : this.list(')');
        this.expect(')');
        expr = { line: expr.line, column: expr.column, kind: 'call', callee: expr, args };
      } else {
        return expr;
      }
    }
  }

  private list(close: string): Expr[] {
    const items: Expr[] = [];
    do {
      if (this.is(close)) break; // trailing comma
      items.push(this.expression());
    } while (this.accept(','));
    return items;
  }

  private primary(): Expr {
    const t = this.take();
    const p = this.pos(t);
    switch (t.kind) {
      case 'int': {
        const v = BigInt(t.text);
        if (v > 2n ** 63n) this.fail(`integer literal ${t.text} is out of range`, t);
        return { ...p, kind: 'literal', value: { t: 'int', v } };
      }
      case 'float':
        return { ...p, kind: 'literal', value: { t: 'float', v: Number(t.text) } };
      case 'string':
        return { ...p, kind: 'literal', value: { t: 'string', v: t.text } };
      case 'bytes':
        return { ...p, kind: 'literal', value: { t: 'bytes', v: new TextEncoder().encode(t.text) } };
      case 'ident':
        if (t.text === 'true' || t.text === 'false')
          return { ...p, kind: 'literal', value: { t: 'bool', v: t.text === 'true' } };
        if (t.text === 'null') return { ...p, kind: 'literal', value: { t: 'null' } };
        if (RESERVED.has(t.text)) this.fail(`unexpected keyword '${t.text}'`, t);
        return { ...p, kind: 'ident', name: t.text };
      case 'punct':
        if (t.text === '(') {
          const e = this.expression();
          this.expect(')');
          return e;
        }
        if (t.text === '[') {
          const items = this.is(']') ? [] : this.list(']');
          this.expect(']');
          return { ...p, kind: 'list', items };
        }
        if (t.text === '{') {
          const entries: { key: Expr; value: Expr }[] = [];
          if (!this.is('}')) {
            do {
              if (this.is('}')) break;
              const key = this.expression();
              this.expect(':');
              entries.push({ key, value: this.expression() });
            } while (this.accept(','));
          }
          this.expect('}');
          return { ...p, kind: 'map', entries };
        }
        if (t.text === '/') return { ...p, kind: 'path', segments: this.pathLiteral(t) };
        break;
      case 'eof':
        this.fail('unexpected end of file: expected an expression', t);
    }
    this.fail(`expected an expression but found ${this.describe(t)}`, t);
  }

  /** After the leading '/': segments of literal text and `$(expr)` until whitespace or a delimiter. */
  private pathLiteral(slash: Token): PathPart[][] {
    const src = this.lexer.source;
    this.lexer.pos = slash.end;
    const segments: PathPart[][] = [];
    while (true) {
      const parts: PathPart[] = [];
      while (true) {
        if (src.startsWith('$(', this.lexer.pos)) {
          this.lexer.pos += 2;
          parts.push({ expr: this.expression() });
          this.expect(')');
          continue;
        }
        const text = this.lexer.readPathSegmentText();
        if (text === '') break;
        parts.push({ text });
      }
      if (parts.length === 0) throw this.lexer.error('empty segment in path', this.lexer.pos);
      segments.push(parts);
      if (src[this.lexer.pos] !== '/') return segments;
      this.lexer.pos++;
    }
  }
}
