/**
 * Serves a built web app (web/dist) on loopback, with `/config.json` saying where the local stack
 * is. The app reads that file first; deployed on Firebase Hosting there is none, and it reads the
 * project's `/__/firebase/init.json` instead (which Hosting serves), so the same build runs on both.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

/** What the app needs to reach the stack: the web SDK's config and the emulators' ports. */
export interface WebConfig {
  projectId: string;
  apiKey: string;
  emulators?: { host: string; firestorePort: number; authPort: number; functionsPort: number };
}

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export async function serveWeb(opts: {
  dir: string;
  config: WebConfig;
  host?: string;
  port?: number;
}): Promise<WebServer> {
  const config = JSON.stringify(opts.config);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/config.json') {
      res.writeHead(200, { 'content-type': TYPES['.json']!, 'cache-control': 'no-store' });
      return void res.end(config);
    }
    // normalize() resolves '..' before the join, so nothing outside `dir` is ever served.
    const file = join(opts.dir, normalize(path).replace(/^(\.\.[/\\])+/, ''));
    const found = existsSync(file) && statSync(file).isFile() ? file : join(opts.dir, 'index.html');
    res.writeHead(200, {
      'content-type': TYPES[extname(found)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    createReadStream(found).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
