/**
 * Builds the deployable functions: `functions/lib/index.js`, one CommonJS bundle made by esbuild
 * (`npm --prefix functions run build`, which firebase.json's predeploy and `npm start` run).
 *
 * `firebase deploy` uploads `functions/` and runs `npm install` there from its own package.json, so
 * that package.json may name registry packages only. The bundle therefore holds the workspaces'
 * code (`@hearth/contracts`, from its sources through functions/tsconfig.json's `paths`) and keeps
 * every npm dependency of functions/package.json external, to be `require`d from the installed
 * node_modules. A bare import that is neither a Node built-in, a `@hearth/*` workspace nor a
 * dependency of functions/package.json fails the build (it would be missing in the cloud).
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

const repoRoot = join(__dirname, '..', '..', '..');
export const functionsDir = join(repoRoot, 'functions');

/** The package name a bare specifier names: `firebase-admin/app` → `firebase-admin`. */
function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec);
}

function dependencyGuard(dependencies: Set<string>): Plugin {
  const builtins = new Set(builtinModules);
  return {
    name: 'hearth-dependencies',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = packageOf(args.path);
        if (args.path.startsWith('node:') || builtins.has(name)) return { path: args.path, external: true };
        if (dependencies.has(name)) return { path: args.path, external: true };
        if (name.startsWith('@hearth/')) return undefined; // bundled: tsconfig paths name its sources
        if (args.kind === 'dynamic-import' || args.path === '') return undefined;
        return {
          errors: [
            {
              text: `${args.path} is imported by ${args.importer} but is not a dependency in functions/package.json`,
            },
          ],
        };
      });
    },
  };
}

export async function buildFunctions(): Promise<{ outfile: string; bytes: number }> {
  const pkg = JSON.parse(readFileSync(join(functionsDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const dependencies = new Set(Object.keys(pkg.dependencies ?? {}));
  for (const name of dependencies) {
    if (name.startsWith('@hearth/')) {
      throw new Error(
        `functions/package.json depends on ${name}, a workspace on no registry: bundle it instead`,
      );
    }
  }
  const outfile = join(functionsDir, 'lib', 'index.js');
  rmSync(join(functionsDir, 'lib'), { recursive: true, force: true });
  const result = await build({
    entryPoints: [join(functionsDir, 'src', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    tsconfig: join(functionsDir, 'tsconfig.json'),
    plugins: [dependencyGuard(dependencies)],
    logLevel: 'warning',
  });
  if (result.errors.length > 0) throw new Error('functions build failed');
  return { outfile, bytes: statSync(outfile).size };
}

if (require.main === module) {
  const started = Date.now();
  buildFunctions().then(
    ({ bytes }) =>
      console.log(`functions/lib/index.js: ${(bytes / 1024).toFixed(0)} KiB in ${Date.now() - started} ms`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
