/**
 * Real pages in a real browser for the tests: Debian's Chromium (headless, driven by
 * playwright-core, which downloads no browser), each page loaded from its own loopback origin so
 * every request to the emulator is cross-origin, as an app's is. Scripts are bundled for the
 * browser with esbuild. Nothing may leave the machine: any request to another host is aborted
 * (the SDK's connectivity check fetches www.google.com after a failed channel).
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function chromiumPath(): string {
  const found = CANDIDATES.find((p): p is string => !!p && existsSync(p));
  if (!found) {
    throw new Error(
      "No Chromium found: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH.",
    );
  }
  return found;
}

const bundles = new Map<string, Promise<string>>();

/** The bundle of a page script, built once per process. */
export function bundle(entry: string): Promise<string> {
  let built = bundles.get(entry);
  if (!built) {
    built = build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      target: 'chrome120',
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
    }).then((result) => result.outputFiles[0]!.text);
    bundles.set(entry, built);
  }
  return built;
}

export const SDK_PAGE = join(__dirname, 'sdk-page.ts');

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

export interface TestBrowser {
  /** A fresh context (own cache, cookies, storage) with one page holding `script`'s bundle. */
  open(script?: string): Promise<TestPage>;
  close(): Promise<void>;
}

export interface TestPage {
  page: Page;
  context: BrowserContext;
  /** Requests the page tried to send off the machine (aborted). */
  blocked: string[];
  /** Console errors and uncaught exceptions on the page. */
  errors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  const servers: Server[] = [];
  return {
    async open(script = SDK_PAGE) {
      const code = await bundle(script);
      const server = createServer((req, res) => {
        if (req.url === '/page.js') {
          res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
          return void res.end(code);
        }
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><meta charset="utf-8"><title>test</title><script src="/page.js"></script>');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      const context = await browser.newContext();
      const blocked: string[] = [];
      await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (LOOPBACK.test(url.hostname)) return route.continue();
        blocked.push(url.href);
        return route.abort('blockedbyclient');
      });
      // tsx compiles test files with keepNames, so functions handed to page.evaluate call __name.
      await context.addInitScript('window.__name = (fn) => fn;');
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => 'sdk' in window, undefined, { timeout: 30_000 });
      return {
        page,
        context,
        blocked,
        errors,
        close: async () => {
          await context.close();
          await new Promise<void>((resolve) => server.close(() => resolve()));
        },
      };
    },
    async close() {
      await browser.close();
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
