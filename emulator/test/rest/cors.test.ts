/**
 * CORS as a browser meets it on the REST API: the preflight the web SDK's requests cause (it sends
 * google-cloud-resource-prefix, x-firebase-gmpid, x-goog-api-client, x-goog-api-key and
 * x-goog-request-params), and the headers on every answer, for success and failure alike.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { database, documents, restCaller, type Reply, type RestCall } from './support';

const ORIGIN = 'http://localhost:5173';
const SDK_HEADERS =
  'google-cloud-resource-prefix,x-firebase-gmpid,x-goog-api-client,x-goog-api-key,x-goog-request-params';

function assertCredentialedCors(reply: Reply, origin: string, what: string): void {
  assert.equal(reply.headers.get('access-control-allow-origin'), origin, what);
  assert.equal(reply.headers.get('access-control-allow-credentials'), 'true', what);
  // The answer depends on Origin, so caches must key on it.
  assert.match(reply.headers.get('vary') ?? '', /\bOrigin\b/i, what);
}

describe('CORS on the REST API', () => {
  let fs: TestFirestore;
  let rest: RestCall;
  let docs: string;
  before(async () => {
    fs = await useEmulator();
    rest = restCaller(fs.host);
    docs = documents(fs.projectId);
    await fs.adminDb.doc('cors/c1').set({ n: 1 });
  });
  after(() => fs.stop());

  it('a preflight echoes the origin and the requested headers, allows credentials and the method', async () => {
    const paths: Array<[string, string]> = [
      ['POST', `/v1/${database(fs.projectId)}/documents:commit`],
      ['POST', `/v1/${docs}:runQuery`],
      ['PATCH', `/v1/${docs}/cors/c1`],
      ['DELETE', `/v1/${docs}/cors/c1`],
      ['GET', `/v1/${docs}/cors/c1`],
      [
        'POST',
        '/google.firestore.v1.Firestore/Listen/channel?database=x&VER=8&RID=1&CVER=22&X-HTTP-Session-Id=gsessionid&zx=1&t=1',
      ],
    ];
    for (const [method, path] of paths) {
      const reply = await rest('OPTIONS', path, {
        headers: {
          origin: ORIGIN,
          'access-control-request-method': method,
          'access-control-request-headers': SDK_HEADERS,
        },
      });
      const what = `preflight of ${method} ${path}`;
      assert.ok(reply.status === 204 || reply.status === 200, `${what}: ${reply.status}`);
      assertCredentialedCors(reply, ORIGIN, what);
      const methods = (reply.headers.get('access-control-allow-methods') ?? '').split(/\s*,\s*/);
      assert.ok(methods.includes(method), `${what} allows ${method} (${methods.join(', ')})`);
      assert.equal(reply.headers.get('access-control-allow-headers'), SDK_HEADERS, what);
      assert.ok(Number(reply.headers.get('access-control-max-age')) > 0, what);
      assert.equal(reply.text, '', `${what} has no body`);
    }
    // Any origin is allowed, echoed exactly.
    const other = await rest('OPTIONS', `/v1/${docs}/cors/c1`, {
      headers: {
        origin: 'https://shop.example:8443',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'x-goog-api-client',
      },
    });
    assertCredentialedCors(other, 'https://shop.example:8443', 'another origin');
    assert.equal(other.headers.get('access-control-allow-headers'), 'x-goog-api-client');
  });

  it('answers to a browser carry its origin and Allow-Credentials, whether they succeed or fail', async () => {
    const headers = { origin: ORIGIN };
    const cases: Array<[string, () => Promise<Reply>, number]> = [
      ['a read', () => rest('GET', `/v1/${docs}/cors/c1`, { headers }), 200],
      [
        'a streamed query',
        () =>
          rest('POST', `/v1/${docs}:runQuery`, {
            headers,
            json: { structuredQuery: { from: [{ collectionId: 'cors' }] } },
          }),
        200,
      ],
      ['a missing document', () => rest('GET', `/v1/${docs}/cors/none`, { headers }), 404],
      [
        'invalid JSON',
        () => rest('POST', `/v1/${database(fs.projectId)}/documents:commit`, { headers, raw: '{' }),
        400,
      ],
      ['an unknown route', () => rest('GET', '/v1/nowhere', { headers }), 404],
      [
        'a bidirectional method',
        () => rest('POST', `/v1/${database(fs.projectId)}/documents:listen`, { headers, json: {} }),
        501,
      ],
      ['the emulator endpoints', () => rest('GET', '/emulator/v1/stats', { headers }), 200],
    ];
    for (const [what, call, status] of cases) {
      const reply = await call();
      assert.equal(reply.status, status, `${what}: ${reply.text}`);
      assertCredentialedCors(reply, ORIGIN, what);
    }
  });

  it('with no Origin (curl, Node) the answer allows any origin, without credentials', async () => {
    for (const reply of [
      await rest('GET', `/v1/${docs}/cors/c1`),
      await rest('GET', `/v1/${docs}/cors/none`),
      await rest('OPTIONS', `/v1/${docs}/cors/c1`),
    ]) {
      assert.equal(reply.headers.get('access-control-allow-origin'), '*');
      assert.equal(reply.headers.get('access-control-allow-credentials'), null);
    }
  });
});
