/**
 * Bad input on purpose: each malformed REST request gets a clear message, the HTTP status Google's
 * front end gives it, and the Google error shape, and leaves the data as it was. Every request
 * that would write names only `guard/*`, and after each test the project holds exactly what it
 * was seeded with.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { after, afterEach, before, describe, it } from 'node:test';
import { useEmulator, type TestFirestore } from '../../../test/support/emulator';
import { MAX_BODY_BYTES } from '../../src/transports/http-io';
import {
  assertGoogleError,
  bearer,
  database,
  docName,
  documents,
  restCaller,
  within,
  type Reply,
  type RestCall,
} from './support';

/** A raw HTTP/1.1 request whose answer is read whatever happens to the rest of the upload. */
function rawRequest(
  host: string,
  path: string,
  headers: Record<string, string>,
  send: (req: http.ClientRequest) => void,
): Promise<{ status: number; body: any }> {
  const i = host.lastIndexOf(':');
  const answered = new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = http.request(
      { host: host.slice(0, i), port: Number(host.slice(i + 1)), path, method: 'POST', headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode!, body: JSON.parse(text) });
        });
      },
    );
    // Once the answer is in, the server may stop reading: a failed write then is expected.
    req.on('error', (error) => reject(error));
    send(req);
  });
  return within(answered, `the answer to the raw POST ${path}`);
}

describe('bad REST requests get a clear error, the right status and change nothing', () => {
  let fs: TestFirestore;
  let rest: RestCall;
  let commitPath: string;
  const guard = () => docName(fs.projectId, 'guard/g');
  const seeded = { n: 1, s: 'kept' };

  before(async () => {
    fs = await useEmulator();
    rest = restCaller(fs.host);
    commitPath = `/v1/${database(fs.projectId)}/documents:commit`;
    await fs.adminDb.doc('guard/g').set(seeded);
  });
  afterEach(async () => {
    try {
      const guardDocs = await fs.adminDb.collection('guard').get();
      assert.deepEqual(
        guardDocs.docs.map((d) => [d.id, d.data()]),
        [['g', seeded]],
        'guard/g is as seeded and guard holds nothing else',
      );
      const collections = await fs.adminDb.listCollections();
      assert.deepEqual(
        collections.map((c) => c.id),
        ['guard'],
        'no other collection appeared',
      );
    } finally {
      // So that one test's damage is not blamed on the next.
      await fs.clear();
      await fs.adminDb.doc('guard/g').set(seeded);
    }
  });
  after(() => fs.stop());

  /** A commit that would change guard/g, with `change` applied to its JSON body. */
  const commitBody = (change: (body: any) => void = () => undefined) => {
    const body: any = {
      writes: [
        {
          update: { name: guard(), fields: { n: { integerValue: '2' } } },
          updateMask: { fieldPaths: ['n'] },
        },
      ],
    };
    change(body);
    return body;
  };

  it('a body that is not JSON, or JSON but not an object, is INVALID_ARGUMENT', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['cut short', JSON.stringify(commitBody()).slice(0, -3), /^Invalid JSON payload received\. .*JSON/],
      ['not JSON at all', 'writes=1', /^Invalid JSON payload received\./],
      ['an array', JSON.stringify([commitBody()]), /The body must be a JSON object/],
      ['a string', '"commit"', /The body must be a JSON object/],
      ['a number', '5', /The body must be a JSON object/],
      ['null', 'null', /The body must be a JSON object/],
    ];
    for (const [what, raw, message] of cases) {
      const reply = await rest('POST', commitPath, { raw, headers: { 'content-type': 'application/json' } });
      assertGoogleError(reply, 400, 'INVALID_ARGUMENT', message);
      assert.ok(reply.body, what);
    }
    // A PATCH body (the document) that is an array.
    const patch = await rest('PATCH', `/v1/${documents(fs.projectId)}/guard/g`, { raw: '[]' });
    assertGoogleError(patch, 400, 'INVALID_ARGUMENT', /Invalid value at 'document'|expected an object/);
  });

  it('an unknown field, at the top or nested, is refused by name, not dropped', async () => {
    const cases: Array<[string, (body: any) => void, RegExp]> = [
      ['top level', (b) => (b.bogus = 1), /Unknown name "bogus": Cannot find field\./],
      [
        'a typo of updateMask, which would otherwise replace the whole document',
        (b) => {
          b.writes[0].updateMaks = b.writes[0].updateMask;
          delete b.writes[0].updateMask;
        },
        /Unknown name "updateMaks" at 'writes\[0\]'/,
      ],
      [
        'in the document',
        (b) => (b.writes[0].update.fieldz = {}),
        /Unknown name "fieldz" at 'writes\[0\]\.update'/,
      ],
      [
        'in a value',
        (b) => (b.writes[0].update.fields.n = { integerValue: '2', extra: true }),
        /Unknown name "extra" at 'writes\[0\]\.update\.fields\.n'/,
      ],
    ];
    for (const [what, change, message] of cases) {
      const reply = await rest('POST', commitPath, { json: commitBody(change) });
      assertGoogleError(reply, 400, 'INVALID_ARGUMENT', message);
      assert.ok(reply.body, what);
    }
  });

  it('an unknown query parameter is refused; a typo in updateMask.fieldPaths does not replace the document', async () => {
    const base = `/v1/${documents(fs.projectId)}/guard/g`;
    assertGoogleError(
      await rest('GET', `${base}?bogus=1`),
      400,
      'INVALID_ARGUMENT',
      /Unknown name "bogus": Cannot bind query parameter/,
    );
    const typo = await rest('PATCH', `${base}?updateMask.fieldPath=n`, {
      json: { fields: { n: { integerValue: '2' } } },
    });
    assertGoogleError(typo, 400, 'INVALID_ARGUMENT', /Unknown name "updateMask\.fieldPath"/);
    // System parameters of Google APIs are not request fields and are accepted.
    const reply = await rest('GET', `${base}?prettyPrint=false&key=an-api-key&alt=json`);
    assert.equal(reply.status, 200, reply.text);
  });

  it('a value of the wrong type is refused with where it is and what was expected', async () => {
    const value = (v: object) => (b: any) => (b.writes[0].update.fields.n = v);
    const cases: Array<[string, (body: any) => void, RegExp]> = [
      [
        'int64 that is not a number',
        value({ integerValue: 'abc' }),
        /Invalid value at 'writes\[0\]\.update\.fields\.n\.integerValue' \(TYPE_INT64\), "abc"/,
      ],
      ['int64 with a fraction', value({ integerValue: '1.5' }), /TYPE_INT64/],
      ['int64 out of range', value({ integerValue: '9223372036854775808' }), /TYPE_INT64/],
      ['double that is not a number', value({ doubleValue: 'lots' }), /TYPE_DOUBLE/],
      ['bool as a string', value({ booleanValue: 'true' }), /TYPE_BOOL\), "true"/],
      ['string as a number', value({ stringValue: 5 }), /TYPE_STRING\), 5/],
      ['bytes that are not base64', value({ bytesValue: 'not base64!' }), /TYPE_BYTES/],
      [
        'a date that does not exist',
        value({ timestampValue: '2024-02-30T00:00:00Z' }),
        /google\.protobuf\.Timestamp\), "2024-02-30/,
      ],
      [
        'a timestamp without a zone',
        value({ timestampValue: '2024-02-01T00:00:00' }),
        /google\.protobuf\.Timestamp/,
      ],
      [
        'a timestamp past year 9999',
        value({ timestampValue: '9999-12-31T23:00:00-05:00' }),
        /google\.protobuf\.Timestamp/,
      ],
      ['a null that is not null', value({ nullValue: 'nothing' }), /google\.protobuf\.NullValue/],
      ['a geo point that is a string', value({ geoPointValue: '1,2' }), /google\.type\.LatLng\), "1,2"/],
      [
        'two kinds of value at once',
        value({ stringValue: 'a', integerValue: '1' }),
        /Oneof field 'valueType' .* already set by "stringValue"\. Cannot set "integerValue"/,
      ],
      ['writes that are not a list', (b) => (b.writes = b.writes[0]), /Invalid value at 'writes' \(list\)/],
      [
        'a write that is a number',
        (b) => (b.writes = [5]),
        /Invalid value at 'writes\[0\]' \(type\.googleapis\.com\/google\.firestore\.v1\.Write\), 5/,
      ],
      [
        'a field path that is a number',
        (b) => (b.writes[0].updateMask.fieldPaths = [7]),
        /fieldPaths\[0\]' \(TYPE_STRING\), 7/,
      ],
      [
        'a transform of an unknown kind',
        (b) => (b.writes[0].updateTransforms = [{ fieldPath: 'n', setToServerValue: 'TOMORROW' }]),
        /ServerValue\), "TOMORROW"/,
      ],
      [
        'the same field twice under both its names',
        (b) => (b.writes[0].update_mask = b.writes[0].updateMask),
        /is given twice/,
      ],
    ];
    for (const [what, change, message] of cases) {
      const reply = await rest('POST', commitPath, { json: commitBody(change) });
      assertGoogleError(reply, 400, 'INVALID_ARGUMENT', message);
      assert.ok(reply.body, what);
    }

    const query = (structuredQuery: unknown) =>
      rest('POST', `/v1/${documents(fs.projectId)}:runQuery`, { json: { structuredQuery } });
    assertGoogleError(
      await query(5),
      400,
      'INVALID_ARGUMENT',
      /'structuredQuery' \(type\.googleapis\.com\/google\.firestore\.v1\.StructuredQuery\), 5/,
    );
    // A limit of "ten" must not become a limit of 0 (an empty, successful answer).
    assertGoogleError(
      await query({ from: [{ collectionId: 'guard' }], limit: 'ten' }),
      400,
      'INVALID_ARGUMENT',
      /'structuredQuery\.limit' \(type\.googleapis\.com\/google\.protobuf\.Int32Value\), "ten"/,
    );
    assertGoogleError(
      await query({
        from: [{ collectionId: 'guard' }],
        where: { fieldFilter: { field: { fieldPath: 'n' }, op: 'ROUGHLY', value: { integerValue: '1' } } },
      }),
      400,
      'INVALID_ARGUMENT',
      /'structuredQuery\.where\.fieldFilter\.op' \(type\.googleapis\.com\/google\.firestore\.v1\.StructuredQuery\.FieldFilter\.Operator\), "ROUGHLY"/,
    );
    const list = `/v1/${documents(fs.projectId)}/guard`;
    assertGoogleError(
      await rest('GET', `${list}?pageSize=ten`),
      400,
      'INVALID_ARGUMENT',
      /'pageSize' \(TYPE_INT32\), "ten"/,
    );
    assertGoogleError(
      await rest('GET', `${list}?pageSize=3000000000`),
      400,
      'INVALID_ARGUMENT',
      /TYPE_INT32/,
    );
    assertGoogleError(
      await rest('GET', `${list}?showMissing=yes`),
      400,
      'INVALID_ARGUMENT',
      /'showMissing' \(TYPE_BOOL\), "yes"/,
    );
    assertGoogleError(
      await rest('GET', `/v1/${documents(fs.projectId)}/guard/g?readTime=yesterday`),
      400,
      'INVALID_ARGUMENT',
      /'readTime' \(type\.googleapis\.com\/google\.protobuf\.Timestamp\), "yesterday"/,
    );
  });

  it('an unknown path is NOT_FOUND, a known path with the wrong method UNIMPLEMENTED', async () => {
    const docs = documents(fs.projectId);
    assertGoogleError(
      await rest('GET', '/v1/nothing/here'),
      404,
      'NOT_FOUND',
      /No Firestore API method matches GET \/v1\/nothing\/here/,
    );
    assertGoogleError(
      await rest('POST', `/v1/${docs}:bogusVerb`, { json: {} }),
      404,
      'NOT_FOUND',
      /No Firestore API method matches POST/,
    );
    assertGoogleError(await rest('GET', `/v1/${docs}`), 404, 'NOT_FOUND', /No Firestore API method/);
    assertGoogleError(
      await rest('PUT', `/v1/${docs}/guard/g`, { json: { fields: {} } }),
      501,
      'UNIMPLEMENTED',
      /PUT is not allowed on \/v1\//,
    );
    assertGoogleError(
      await rest('GET', `/v1/${database(fs.projectId)}/documents:commit`),
      501,
      'UNIMPLEMENTED',
      /GET is not allowed/,
    );
    // Paths outside the API and the emulator's own endpoints get the emulator's JSON 404.
    const outside = await rest('GET', '/v2/whatever');
    assert.equal(outside.status, 404);
    assert.equal(outside.body.error.status, 'NOT_FOUND');
  });

  it('a name of the wrong kind in the path is INVALID_ARGUMENT and is never taken for a document id', async () => {
    const docs = documents(fs.projectId);
    // runQuery on a collection instead of its parent: must not create a document in "guard:runQuery".
    for (const body of [{}, { structuredQuery: { from: [{ collectionId: 'guard' }] } }]) {
      const reply = await rest('POST', `/v1/${docs}/guard:runQuery`, { json: body });
      assertGoogleError(
        reply,
        400,
        'INVALID_ARGUMENT',
        /"projects\/.*\/documents\/guard" is not a valid parent/,
      );
    }
    // A document's body is read as a RunQueryRequest, which has no `fields`.
    const asDocument = await rest('POST', `/v1/${docs}/guard:runQuery`, { json: { fields: {} } });
    assertGoogleError(asDocument, 400, 'INVALID_ARGUMENT', /Unknown name "fields"/);
    assertGoogleError(
      await rest('POST', `/v1/${docs}/guard/g/sub:listCollectionIds`, { json: {} }),
      400,
      'INVALID_ARGUMENT',
      /is not a valid parent/,
    );
    assertGoogleError(
      await rest('DELETE', `/v1/${docs}/guard`),
      400,
      'INVALID_ARGUMENT',
      /is not a document name/,
    );
    assertGoogleError(
      await rest('PATCH', `/v1/${docs}/guard`, { json: { fields: {} } }),
      400,
      'INVALID_ARGUMENT',
      /is not a document name/,
    );
    assertGoogleError(
      await rest('POST', `/v1/${docs}/guard/g`, { json: { fields: {} } }),
      400,
      'INVALID_ARGUMENT',
      /is not a valid parent/,
    );
    // An encoded "/" does not split an id in two (guard/g%2Fx is not guard/g/x).
    assertGoogleError(
      await rest('DELETE', `/v1/${docs}/guard/g%2Fx/y`),
      400,
      'INVALID_ARGUMENT',
      /cannot contain "\/" \(sent as %2F\)/,
    );
    assertGoogleError(
      await rest('PATCH', `/v1/${docs}/guard/g%2F`, { json: { fields: {} } }),
      400,
      'INVALID_ARGUMENT',
      /%2F/,
    );
  });

  it('a body over the limit is refused from its Content-Length, before it is sent', async () => {
    const answer = await within(
      rawRequest(
        fs.host,
        commitPath,
        { 'content-type': 'application/json', 'content-length': String(MAX_BODY_BYTES + 1) },
        (req) => req.flushHeaders(),
      ),
      'the answer to a too-large Content-Length',
    );
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.body, {
      error: {
        code: 400,
        message: `Request payload size exceeds the limit: ${MAX_BODY_BYTES} bytes.`,
        status: 'INVALID_ARGUMENT',
      },
    });
  });

  it('a streamed (chunked) body over the limit is cut off and refused', async () => {
    const chunk = Buffer.alloc(1024 * 1024, ' ');
    const chunks = MAX_BODY_BYTES / chunk.length + 1;
    const answer = await within(
      rawRequest(fs.host, commitPath, { 'content-type': 'application/json' }, (req) => {
        let sent = 0;
        const pump = (): void => {
          while (sent < chunks) {
            sent++;
            if (!req.write(chunk)) {
              req.once('drain', pump);
              return;
            }
          }
          req.end();
        };
        pump();
      }),
      'the answer to a too-large chunked body',
      30_000,
    );
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error.status, 'INVALID_ARGUMENT');
    assert.match(answer.body.error.message, /Request payload size exceeds the limit/);
  });

  it('a malformed bearer token is UNAUTHENTICATED (401); a well-formed one without a subject too', async () => {
    const path = `/v1/${documents(fs.projectId)}/guard/g`;
    const malformed = await rest('GET', path, { headers: { authorization: 'Bearer not-a-jwt' } });
    assertGoogleError(malformed, 401, 'UNAUTHENTICATED', /not a JWT/);
    const noSubject = bearer('').replace(/\.([^.]+)\.$/, (_m, payload: string) => {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      delete claims.sub;
      delete claims.user_id;
      return `.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    });
    assertGoogleError(
      await rest('GET', path, { headers: { authorization: noSubject } }),
      401,
      'UNAUTHENTICATED',
      /"sub"/,
    );
    const wrongScheme = await rest('PATCH', path, {
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
      json: { fields: {} },
    });
    assertGoogleError(wrongScheme, 401, 'UNAUTHENTICATED', /Bearer/);
  });

  it('the server keeps serving after all of that', async () => {
    const reply: Reply = await rest('GET', `/v1/${documents(fs.projectId)}/guard/g`);
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body.fields, { n: { integerValue: '1' }, s: { stringValue: 'kept' } });
  });
});
