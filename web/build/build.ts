/**
 * Builds the web app: one esbuild bundle of web/src/main.tsx (Preact, the Firebase browser SDKs and
 * @hearth/client from its sources through the root tsconfig's paths, as the rest of the repo uses
 * it) and the static files of web/public, into web/dist (what firebase.json's hosting serves).
 *
 *   npm run -w @hearth/web build
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

export const webRoot = join(__dirname, '..');
export const distDir = join(webRoot, 'dist');

export interface BuildResult {
  outDir: string;
  bytes: number;
  ms: number;
}

export async function buildWeb(opts: { outDir?: string; minify?: boolean } = {}): Promise<BuildResult> {
  const started = Date.now();
  const outDir = opts.outDir ?? distDir;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  cpSync(join(webRoot, 'public'), outDir, { recursive: true });
  const result = await build({
    entryPoints: [join(webRoot, 'src', 'main.tsx')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: opts.minify ?? true,
    sourcemap: true,
    metafile: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const bytes = Object.entries(result.metafile.outputs)
    .filter(([file]) => !file.endsWith('.map'))
    .reduce((sum, [, o]) => sum + o.bytes, 0);
  return { outDir, bytes, ms: Date.now() - started };
}

if (require.main === module) {
  buildWeb().then(
    (r) => console.log(`web: built ${r.outDir} (${(r.bytes / 1024).toFixed(0)} KiB of JS) in ${r.ms} ms`),
    (err: Error) => {
      console.error(`web build failed: ${err.message}`);
      process.exit(1);
    },
  );
}
