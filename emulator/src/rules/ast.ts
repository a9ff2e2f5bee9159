/** The syntax tree of a rules file. Every node keeps the line and column it starts at. */

export interface Pos {
  line: number;
  column: number;
}

export type Expr = Pos &
  (
    | { kind: 'literal'; value: LiteralValue }
    | { kind: 'ident'; name: string }
    | { kind: 'list'; items: Expr[] }
    | { kind: 'map'; entries: { key: Expr; value: Expr }[] }
    | { kind: 'path'; segments: PathPart[][] }
    | { kind: 'unary'; op: '!' | '-'; operand: Expr }
    | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr }
    | { kind: 'is'; operand: Expr; type: string }
    | { kind: 'ternary'; cond: Expr; then: Expr; otherwise: Expr }
    | { kind: 'member'; object: Expr; name: string }
    | { kind: 'index'; object: Expr; index: Expr }
    | { kind: 'range'; object: Expr; from: Expr; to: Expr }
    | { kind: 'call'; callee: Expr; args: Expr[] }
  );

export type LiteralValue =
  | { t: 'null' }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'string'; v: string }
  | { t: 'bytes'; v: Uint8Array };

export type BinaryOp =
  '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | '+' | '-' | '*' | '/' | '%';

/** A segment of a path expression is literal text and `$(expr)` pieces, concatenated. */
export type PathPart = { text: string } | { expr: Expr };

export interface FunctionDecl extends Pos {
  name: string;
  params: string[];
  lets: { name: string; value: Expr }[];
  body: Expr;
}

export type Method = 'get' | 'list' | 'create' | 'update' | 'delete';

export interface AllowStmt extends Pos {
  methods: Method[];
  /** The written method names (`read`, `write`...) for messages. */
  written: string[];
  condition: Expr | null;
}

export type MatchSegment =
  { kind: 'literal'; text: string } | { kind: 'single'; name: string } | { kind: 'rest'; name: string };

export interface MatchBlock extends Pos {
  /** The path as written, for messages. */
  pathText: string;
  segments: MatchSegment[];
  functions: FunctionDecl[];
  allows: AllowStmt[];
  matches: MatchBlock[];
}

export interface Ruleset {
  version: string;
  service: string;
  functions: FunctionDecl[];
  matches: MatchBlock[];
}

/** Calls `visit` on `e` and every expression inside it. */
export function forEachExpr(e: Expr, visit: (x: Expr) => void): void {
  visit(e);
  const go = (x: Expr) => forEachExpr(x, visit);
  switch (e.kind) {
    case 'list':
      return e.items.forEach(go);
    case 'map':
      return e.entries.forEach(({ key: k, value }) => (go(k), go(value)));
    case 'path':
      return e.segments.forEach((parts) => parts.forEach((p) => 'expr' in p && go(p.expr)));
    case 'unary':
    case 'is':
      return go(e.operand);
    case 'binary':
      return (go(e.left), go(e.right));
    case 'ternary':
      return (go(e.cond), go(e.then), go(e.otherwise));
    case 'member':
      return go(e.object);
    case 'index':
      return (go(e.object), go(e.index));
    case 'range':
      return (go(e.object), go(e.from), go(e.to));
    case 'call':
      return (go(e.callee), e.args.forEach(go));
  }
}
