import { type Expr, type FunctionDecl, type MatchBlock, type Ruleset, forEachExpr } from './ast';

/**
 * Firebase refuses a ruleset in which a function calls itself, directly or through others: rules
 * have no loops, and their cost must be bounded before any request runs. Calls resolve lexically,
 * as at run time: a function sees those of its own block, then of the enclosing blocks, then the
 * top-level ones.
 */
export function refuseRecursion(
  ruleset: Ruleset,
  refuse: (message: string, line: number, column: number) => never,
): void {
  const calls = new Map<FunctionDecl, { callee: FunctionDecl; at: Expr }[]>();
  const visitBlock = (functions: FunctionDecl[], visible: Map<string, FunctionDecl>[]) => {
    const scopes = [new Map(functions.map((f) => [f.name, f])), ...visible];
    for (const f of functions) {
      const out: { callee: FunctionDecl; at: Expr }[] = [];
      for (const e of [...f.lets.map((l) => l.value), f.body])
        forEachCall(e, (name, at) => {
          if (f.params.includes(name) || f.lets.some((l) => l.name === name)) return;
          const callee = scopes.find((s) => s.has(name))?.get(name);
          if (callee) out.push({ callee, at });
        });
      calls.set(f, out);
    }
    return scopes;
  };
  const walk = (blocks: MatchBlock[], visible: Map<string, FunctionDecl>[]) => {
    for (const b of blocks) walk(b.matches, visitBlock(b.functions, visible));
  };
  walk(ruleset.matches, visitBlock(ruleset.functions, []));

  const done = new Set<FunctionDecl>();
  const stack: FunctionDecl[] = [];
  const visit = (f: FunctionDecl) => {
    if (done.has(f)) return;
    stack.push(f);
    for (const { callee, at } of calls.get(f) ?? []) {
      const i = stack.indexOf(callee);
      if (i >= 0) {
        const cycle = [...stack.slice(i), callee].map((x) => `${x.name}()`).join(' -> ');
        refuse(`recursive function calls are not allowed: ${cycle}`, at.line, at.column);
      }
      visit(callee);
    }
    stack.pop();
    done.add(f);
  };
  for (const f of calls.keys()) visit(f);
}

/** Every call of a plain name (`f(x)`, not `x.f()`) inside an expression. */
function forEachCall(e: Expr, onCall: (name: string, at: Expr) => void): void {
  forEachExpr(e, (x) => {
    if (x.kind === 'call' && x.callee.kind === 'ident') onCall(x.callee.name, x);
  });
}
