/** The local server of the built app: its /config.json, the app's files, and nothing outside them. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serveWeb, type WebServer } from '../build/serve';

let dir: string;
let server: WebServer;
const config = {
  projectId: 'demo-hearth',
  apiKey: 'k',
  emulators: { host: '127.0.0.1', firestorePort: 1, authPort: 2, functionsPort: 3 },
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-serve-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  server = await serveWeb({ dir, config });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serveWeb', () => {
  it('answers /config.json with where the stack is, never cached', async () => {
    const res = await fetch(new URL('/config.json', server.url));
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await res.json(), config);
  });

  it('serves the files with their types, and the page for any other path', async () => {
    const js = await fetch(new URL('/app.js', server.url));
    assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(await js.text(), 'console.log(1)');
    const page = await fetch(new URL('/console/anything', server.url));
    assert.match(await page.text(), /<title>app<\/title>/);
  });

  it('serves nothing outside its folder', async () => {
    writeFileSync(join(dir, '..', 'hearth-serve-secret.txt'), 'secret');
    try {
      for (const path of [
        '/../hearth-serve-secret.txt',
        '/%2e%2e/hearth-serve-secret.txt',
        '/..%2fhearth-serve-secret.txt',
      ]) {
        const text = await (await fetch(`${server.url.replace(/\/$/, '')}${path}`)).text();
        assert.doesNotMatch(text, /secret/, path);
      }
    } finally {
      rmSync(join(dir, '..', 'hearth-serve-secret.txt'), { force: true });
    }
  });
});
