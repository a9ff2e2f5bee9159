/**
 * Builds workspace packages (contracts, client, emulator) to ESM JavaScript with `.d.ts` in their
 * `dist/`, for plain Node and bundlers: `tsx scripts/src/build/esm-package.ts contracts client`
 * builds the folders named, in that order (the current one when none is). Each of those packages'
 * `npm run build` runs it, and so does the root's `npm run build`.
 *
 * The sources are written like the rest of the repo, which tsx runs as CommonJS: relative imports
 * without extensions, and CommonJS's `require` where a module needs to find a file. Plain tsc cannot
 * turn that into ESM that Node runs, so this compiles with tsc's API, from the package's
 * `tsconfig.build.json`, and while emitting:
 * - gives every relative import and export the file it names (`./x` becomes `./x.js`, `./dir`
 *   becomes `./dir/index.js`), in the JavaScript and in the declarations, as Node's ESM resolver
 *   requires; a specifier that names no source file fails the build;
 * - defines `require`, `__filename` and `__dirname` from `import.meta` in the modules that use
 *   them (as tsup's `shims` do);
 * - marks `dist/` as ESM with a `dist/package.json` of `{"type":"module"}` (the package root stays
 *   CommonJS so tsx keeps running the sources as the rest of the repo does; see the README);
 * - gives the files that start with `#!` (the emulator's bin) `#!/usr/bin/env node` and makes
 *   them executable.
 */
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const CJS_GLOBALS = ['require', '__filename', '__dirname'] as const;
type CjsGlobal = (typeof CJS_GLOBALS)[number];

function fail(message: string): never {
  console.error(`build: ${message}`);
  process.exit(1);
}

/** What a relative specifier written in `fromFile` must say in ESM output. */
function esmSpecifier(spec: string, fromFile: string): string {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return spec;
  if (/\.(m?js|json)$/.test(spec)) return spec;
  const target = resolve(dirname(fromFile), spec);
  if (existsSync(`${target}.ts`)) return `${spec}.js`;
  if (existsSync(join(target, 'index.ts'))) return `${spec}/index.js`;
  throw new Error(
    `${relative(process.cwd(), fromFile)}: '${spec}' names no .ts file or folder with index.ts`,
  );
}

/** Rewrites the module specifiers of imports, exports, `import()` and `import('x').T` types. */
function specifierRewriter(sourceFileName: (sf: ts.SourceFile) => string) {
  return (ctx: ts.TransformationContext) => {
    const f = ctx.factory;
    return <T extends ts.SourceFile | ts.Bundle>(root: T): T => {
      if (!ts.isSourceFile(root)) return root;
      const from = sourceFileName(root);
      const literal = (node: ts.Expression | undefined) =>
        node && ts.isStringLiteral(node) ? f.createStringLiteral(esmSpecifier(node.text, from)) : node;
      const visit = (node: ts.Node): ts.Node => {
        if (ts.isImportDeclaration(node))
          return f.updateImportDeclaration(
            node,
            node.modifiers,
            node.importClause,
            literal(node.moduleSpecifier)!,
            node.attributes,
          );
        if (ts.isExportDeclaration(node) && node.moduleSpecifier)
          return f.updateExportDeclaration(
            node,
            node.modifiers,
            node.isTypeOnly,
            node.exportClause,
            literal(node.moduleSpecifier),
            node.attributes,
          );
        if (
          ts.isImportTypeNode(node) &&
          ts.isLiteralTypeNode(node.argument) &&
          ts.isStringLiteral(node.argument.literal)
        )
          return f.updateImportTypeNode(
            node,
            f.updateLiteralTypeNode(node.argument, literal(node.argument.literal) as ts.StringLiteral),
            node.attributes,
            node.qualifier,
            node.typeArguments,
            node.isTypeOf,
          );
        if (
          ts.isCallExpression(node) &&
          node.expression.kind === ts.SyntaxKind.ImportKeyword &&
          node.arguments[0]
        )
          return f.updateCallExpression(node, node.expression, node.typeArguments, [
            literal(node.arguments[0])!,
            ...node.arguments.slice(1),
          ]);
        return ts.visitEachChild(node, visit, ctx);
      };
      return ts.visitEachChild(root, visit, ctx) as T;
    };
  };
}

/** The CommonJS module-scope names a source file uses without declaring them. */
function cjsGlobalsUsed(source: ts.SourceFile): Set<CjsGlobal> {
  const used = new Set<CjsGlobal>();
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && (CJS_GLOBALS as readonly string[]).includes(node.text)) {
      const p = node.parent;
      const isName =
        (ts.isPropertyAccessExpression(p) && p.name === node) ||
        ((ts.isPropertyAssignment(p) || ts.isVariableDeclaration(p) || ts.isParameter(p)) && p.name === node);
      if (!isName) used.add(node.text as CjsGlobal);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return used;
}

/** Prepends `const require = createRequire(import.meta.url)` and the like where they are used. */
function cjsShims(program: ts.Program) {
  return (ctx: ts.TransformationContext) => {
    const f = ctx.factory;
    const importMeta = (prop: string) =>
      f.createPropertyAccessExpression(
        f.createMetaProperty(ts.SyntaxKind.ImportKeyword, f.createIdentifier('meta')),
        prop,
      );
    const constant = (name: string, init: ts.Expression) =>
      f.createVariableStatement(
        undefined,
        f.createVariableDeclarationList(
          [f.createVariableDeclaration(name, undefined, undefined, init)],
          ts.NodeFlags.Const,
        ),
      );
    return <T extends ts.SourceFile | ts.Bundle>(root: T): T => {
      if (!ts.isSourceFile(root)) return root;
      const source = program.getSourceFile(root.fileName);
      const used = source ? cjsGlobalsUsed(source) : new Set<CjsGlobal>();
      if (used.size === 0) return root;
      const shims: ts.Statement[] = [];
      if (used.has('require')) {
        shims.push(
          f.createImportDeclaration(
            undefined,
            f.createImportClause(
              undefined,
              undefined,
              f.createNamedImports([
                f.createImportSpecifier(
                  false,
                  f.createIdentifier('createRequire'),
                  f.createIdentifier('__createRequire'),
                ),
              ]),
            ),
            f.createStringLiteral('node:module'),
          ),
          constant(
            'require',
            f.createCallExpression(f.createIdentifier('__createRequire'), undefined, [importMeta('url')]),
          ),
        );
      }
      if (used.has('__filename')) shims.push(constant('__filename', importMeta('filename')));
      if (used.has('__dirname')) shims.push(constant('__dirname', importMeta('dirname')));
      return f.updateSourceFile(root, [...shims, ...root.statements]) as T;
    };
  };
}

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnosticsWithColorAndContext(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => '\n',
  });
}

function build(packageDir: string): void {
  const started = Date.now();
  const configPath = join(packageDir, 'tsconfig.build.json');
  const config = ts.getParsedCommandLineOfConfigFile(configPath, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => fail(formatDiagnostics([d])),
  });
  if (!config) fail(`cannot read ${configPath}`);
  if (config.errors.length > 0) fail(formatDiagnostics(config.errors));
  const outDir = config.options.outDir;
  if (!outDir) fail(`${configPath} sets no outDir`);
  rmSync(outDir, { recursive: true, force: true });

  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) fail(`\n${formatDiagnostics(diagnostics)}`);

  // A declaration's SourceFile node keeps the name of the .ts file it was made from.
  const rewrite = specifierRewriter((sf) => sf.fileName);
  const emitted: string[] = [];
  const result = program.emit(
    undefined,
    (fileName, text, writeBOM) => {
      emitted.push(fileName);
      ts.sys.writeFile(fileName, text, writeBOM);
    },
    undefined,
    false,
    { after: [cjsShims(program), rewrite], afterDeclarations: [rewrite] },
  );
  if (result.emitSkipped || result.diagnostics.length > 0) fail(formatDiagnostics(result.diagnostics));

  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
  for (const file of emitted) {
    const text = file.endsWith('.js') ? readFileSync(file, 'utf8') : '';
    if (!text.startsWith('#!')) continue;
    // The source's #! runs it with tsx; the built file is plain JavaScript for node.
    writeFileSync(file, text.replace(/^#!.*/, '#!/usr/bin/env node'));
    chmodSync(file, 0o755);
  }
  const name = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string }).name;
  console.log(
    `built ${name}: ${emitted.filter((f) => f.endsWith('.js')).length} modules in ${relative(packageDir, outDir)}/ (${Date.now() - started} ms)`,
  );
}

try {
  // Several folders build in the order given (a package after those it depends on).
  const dirs = process.argv.slice(2);
  for (const dir of dirs.length > 0 ? dirs : ['.']) build(resolve(dir));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
