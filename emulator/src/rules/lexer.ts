import { RulesSyntaxError } from './errors';

export type TokenKind = 'ident' | 'int' | 'float' | 'string' | 'bytes' | 'punct' | 'matchPath' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The identifier or punctuation text, the decoded string, or the raw number/path text. */
  text: string;
  start: number;
  end: number;
  line: number;
  column: number;
}

const PUNCTUATION = [
  '&&',
  '||',
  '==',
  '!=',
  '<=',
  '>=',
  '<',
  '>',
  '=',
  '!',
  '+',
  '-',
  '*',
  '/',
  '%',
  '?',
  ':',
  '.',
  ',',
  ';',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
];

const ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  v: '\v',
  a: '\x07',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '`': '`',
  '?': '?',
};

/**
 * A lazy lexer: the parser pulls tokens one at a time, and may move `pos` to re-read the source
 * in another mode (the segments of a path literal are not ordinary tokens).
 */
export class Lexer {
  pos = 0;

  constructor(readonly source: string) {
    for (let i = 0; i < source.length; i++) if (source[i] === '\n') this.lineStarts.push(i + 1);
  }

  /** Offsets where each line starts, for line and column of any offset by binary search. */
  private readonly lineStarts: number[] = [0];

  lineColumn(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }

  error(message: string, offset: number): RulesSyntaxError {
    const { line, column } = this.lineColumn(offset);
    return new RulesSyntaxError(message, line, column);
  }

  private token(kind: TokenKind, text: string, start: number): Token {
    const { line, column } = this.lineColumn(start);
    return { kind, text, start, end: this.pos, line, column };
  }

  skipTrivia(): void {
    const s = this.source;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.pos++;
      } else if (s.startsWith('//', this.pos)) {
        const nl = s.indexOf('\n', this.pos);
        this.pos = nl < 0 ? s.length : nl + 1;
      } else if (s.startsWith('/*', this.pos)) {
        const close = s.indexOf('*/', this.pos + 2);
        if (close < 0) throw this.error('unterminated comment', this.pos);
        this.pos = close + 2;
      } else {
        return;
      }
    }
  }

  next(): Token {
    this.skipTrivia();
    const s = this.source;
    const start = this.pos;
    if (start >= s.length) return this.token('eof', '', start);
    const c = s[start]!;
    if (/[A-Za-z_]/.test(c)) {
      if ((c === 'b' || c === 'r') && (s[start + 1] === "'" || s[start + 1] === '"')) {
        this.pos++;
        const text = this.readString(c === 'r');
        return this.token(c === 'b' ? 'bytes' : 'string', text, start);
      }
      while (this.pos < s.length && /[A-Za-z0-9_]/.test(s[this.pos]!)) this.pos++;
      return this.token('ident', s.slice(start, this.pos), start);
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(s[start + 1] ?? ''))) return this.readNumber(start);
    if (c === "'" || c === '"') return this.token('string', this.readString(false), start);
    for (const p of PUNCTUATION) {
      if (s.startsWith(p, start)) {
        this.pos += p.length;
        return this.token('punct', p, start);
      }
    }
    throw this.error(`unexpected character '${c}'`, start);
  }

  private readNumber(start: number): Token {
    const s = this.source;
    const hex = /^0[xX][0-9a-fA-F]+/.exec(s.slice(start));
    if (hex) {
      this.pos += hex[0].length;
      return this.token('int', hex[0], start);
    }
    const m = /^(?:[0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?/.exec(s.slice(start))!;
    this.pos += m[0].length;
    const isFloat = m[0].includes('.') || m[2] !== undefined;
    if (/[A-Za-z_]/.test(s[this.pos] ?? ''))
      throw this.error(`malformed number '${m[0]}${s[this.pos]}'`, start);
    return this.token(isFloat ? 'float' : 'int', m[0], start);
  }

  private readString(raw: boolean): string {
    const s = this.source;
    const quote = s[this.pos]!;
    const start = this.pos;
    const triple = s.startsWith(quote.repeat(3), this.pos);
    const close = triple ? quote.repeat(3) : quote;
    this.pos += close.length;
    let out = '';
    while (true) {
      if (this.pos >= s.length) throw this.error('unterminated string', start);
      if (s.startsWith(close, this.pos)) {
        this.pos += close.length;
        return out;
      }
      const c = s[this.pos]!;
      if (c === '\n' && !triple) throw this.error('unterminated string', start);
      if (c === '\\' && !raw) {
        const e = s[this.pos + 1] ?? '';
        if (e in ESCAPES) {
          out += ESCAPES[e];
          this.pos += 2;
        } else if (e === 'u' || e === 'x' || e === 'U') {
          const len = e === 'u' ? 4 : e === 'x' ? 2 : 8;
          const hex = s.slice(this.pos + 2, this.pos + 2 + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex))
            throw this.error(`bad escape \\${e}${hex}`, this.pos);
          out += String.fromCodePoint(parseInt(hex, 16));
          this.pos += 2 + len;
        } else {
          throw this.error(`unknown escape '\\${e}'`, this.pos);
        }
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  /**
   * The path of a `match` statement, written without spaces: `/a/{b}/{c=**}`. Returned raw; the
   * parser splits it into segments.
   */
  nextMatchPath(): Token {
    this.skipTrivia();
    const start = this.pos;
    const s = this.source;
    if (s[start] !== '/') throw this.error(`expected a path starting with '/' after 'match'`, start);
    while (this.pos < s.length && !/\s/.test(s[this.pos]!)) {
      // The body's opening brace may follow the path without a space: `match /a/{b}{`.
      if (s[this.pos] === '{' && s[this.pos - 1] !== '/') break;
      if (s[this.pos] === '{') {
        const close = s.indexOf('}', this.pos);
        if (close < 0) throw this.error('unterminated wildcard in match path', this.pos);
        this.pos = close + 1;
        continue;
      }
      this.pos++;
    }
    return this.token('matchPath', s.slice(start, this.pos), start);
  }

  /** The literal text of one segment of a path expression (`documents`, `(default)`, `item-1`). */
  readPathSegmentText(): string {
    const s = this.source;
    const start = this.pos;
    let depth = 0;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) break;
        depth--;
      } else if (!/[A-Za-z0-9_\-.~%@:+=!*'$]/.test(c)) break;
      if (c === '$' && s[this.pos + 1] === '(') break;
      this.pos++;
    }
    return s.slice(start, this.pos);
  }
}
