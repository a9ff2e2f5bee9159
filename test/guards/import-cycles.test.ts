/**
 * Guard: no import cycles across the workspaces' sources. Reads every `src/**\/*.ts` of contracts,
 * emulator, functions, client and scripts with TypeScript's parser (imports, re-exports, `import()`
 * and `require()` of literal specifiers), follows relative specifiers and the `@hearth/*` packages (to
 * their `src/index.ts`, as the root tsconfig's paths do), and fails naming each cycle it finds.
 *
 * A cycle of value imports fails outright (module initialisation order then decides what is
 * undefined). Cycles closed only by type-only imports (`import type`, or every binding `type`) are
 * erased at runtime but still couple modules: the ones below exist today and may only shrink; a new
 * one fails, and so does a listed one that is gone (delete it from the list).
 *
 * And the functions' domains (inventory, customers, recommendations) import functions/src/platform
 * and @hearth/contracts, never one another.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const root = join(__dirname, '..', '..');
const workspaces = ['contracts', 'emulator', 'functions', 'client', 'scripts'];
const packages: Record<string, string> = {
  '@hearth/contracts': join(root, 'contracts', 'src', 'index.ts'),
  '@hearth/client': join(root, 'client', 'src', 'index.ts'),
  '@hearth/firestore-emulator': join(root, 'emulator', 'src', 'index.ts'),
};

function sources(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function resolveSpecifier(spec: string, from: string): string | undefined {
  if (packages[spec]) return packages[spec];
  if (!spec.startsWith('.')) return undefined;
  const target = resolve(dirname(from), spec.replace(/\.js$/, ''));
  for (const candidate of [`${target}.ts`, join(target, 'index.ts')])
    if (existsSync(candidate)) return candidate;
  return undefined;
}

/** Type-only cycles that exist today (modules sorted, repo-relative): may only shrink. */
const knownTypeOnlyCycles = [
  'emulator/src/rules/document.ts <-> emulator/src/rules/symbolic.ts <-> emulator/src/rules/values.ts',
  'emulator/src/server/backend.ts <-> emulator/src/server/reads.ts <-> emulator/src/server/watch.ts',
  'functions/src/recommendations/model.ts <-> functions/src/recommendations/softmax-encoder.ts <-> functions/src/recommendations/weighted-als.ts',
];

interface Edge {
  target: string;
  typeOnly: boolean;
}

function typeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const clause = node.exportClause;
    return (
      !!clause &&
      ts.isNamedExports(clause) &&
      clause.elements.length > 0 &&
      clause.elements.every((e) => e.isTypeOnly)
    );
  }
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    !clause.name &&
    !!named &&
    ts.isNamedImports(named) &&
    named.elements.length > 0 &&
    named.elements.every((e) => e.isTypeOnly)
  );
}

function importsOf(file: string): Edge[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const edges: Edge[] = [];
  const add = (spec: string, isType: boolean) => {
    const target = resolveSpecifier(spec, file);
    if (target) edges.push({ target, typeOnly: isType });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) add(node.moduleSpecifier.text, typeOnly(node));
    } else if (ts.isCallExpression(node)) {
      const [arg] = node.arguments;
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if ((isImport || isRequire) && arg && ts.isStringLiteral(arg)) add(arg.text, false);
    } else if (ts.isImportTypeNode(node)) {
      const literal = node.argument;
      if (ts.isLiteralTypeNode(literal) && ts.isStringLiteral(literal.literal))
        add(literal.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

function importGraph(includeTypes: boolean): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const ws of workspaces) {
    for (const file of sources(join(root, ws, 'src'))) {
      const targets = importsOf(file)
        .filter((e) => includeTypes || !e.typeOnly)
        .map((e) => e.target);
      graph.set(file, [...new Set(targets)]);
    }
  }
  return graph;
}

/** Strongly connected components with more than one module, or a module importing itself. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}

const show = (found: string[][]) => found.map((c) => c.map((f) => relative(root, f)).join(' <-> '));

test('no import cycles of values across the workspaces’ sources', () => {
  const graph = importGraph(false);
  assert.ok(graph.size > 100, `read ${graph.size} modules`);
  const found = show(cycles(graph));
  assert.deepEqual(found, [], `import cycles:\n  ${found.join('\n  ')}`);
});

test('type-only import cycles only shrink', () => {
  const found = show(cycles(importGraph(true))).sort();
  const added = found.filter((c) => !knownTypeOnlyCycles.includes(c));
  const gone = knownTypeOnlyCycles.filter((c) => !found.includes(c));
  assert.deepEqual(
    added,
    [],
    `new import cycles (move the shared types to a module both import):\n  ${added.join('\n  ')}`,
  );
  assert.deepEqual(
    gone,
    [],
    `cycles that are gone: delete them from knownTypeOnlyCycles:\n  ${gone.join('\n  ')}`,
  );
});

test('the functions’ domains import platform and contracts, never each other', () => {
  const domains = ['inventory', 'customers', 'recommendations'];
  const domainOf = (file: string) => {
    const [top, src, domain] = relative(root, file).split('/');
    return top === 'functions' && src === 'src' && domain && domains.includes(domain) ? domain : undefined;
  };
  const crossings: string[] = [];
  for (const [file, targets] of importGraph(true)) {
    const from = domainOf(file);
    if (!from) continue;
    for (const target of targets) {
      const to = domainOf(target);
      if (to && to !== from) crossings.push(`${relative(root, file)} -> ${relative(root, target)}`);
    }
  }
  assert.deepEqual(
    crossings,
    [],
    `move what both need to functions/src/platform/:\n  ${crossings.join('\n  ')}`,
  );
});
