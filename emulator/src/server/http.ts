/**
 * Everything that reaches the emulator's port over HTTP/1.1 (see front-door.ts): CORS preflights,
 * WebChannel (browsers' Listen and Write), the Firestore v1 REST API, and the official emulator's
 * control surface: clear a database, load rules, export, a liveness answer, and memory/document
 * statistics (@firebase/rules-unit-testing and firebase-tools call these paths).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportOverHttp } from '../persistence/index';
import { answerPreflight, corsHeaders, readBody } from '../transports/http-io';
import type { RestEndpoint } from '../transports/rest';
import type { WebChannelEndpoint } from '../webchannel/endpoint';
import type { Backend } from './backend';
import { parseDatabaseName } from './names';

export interface HttpEndpoints {
  rest: RestEndpoint;
  webChannel: WebChannelEndpoint;
}

const CLEAR = /^\/emulator\/v1\/projects\/([^/]+)\/databases\/([^/]+)\/documents\/?$/;
const RULES = /^\/emulator\/v1\/projects\/([^/:]+):securityRules$/;
const EXPORT = /^\/emulator\/v1\/projects\/([^/:]+):export$/;

async function readJson(req: IncomingMessage): Promise<any> {
  return JSON.parse((await readBody(req)) || '{}');
}

export function httpHandler(backend: Backend, endpoints: HttpEndpoints) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const reply = (code: number, body: unknown) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(code, {
        ...corsHeaders(req),
        'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
      });
      res.end(text);
    };
    const failure = (code: number, message: string, extra: object = {}) =>
      reply(code, {
        error: { code, message, status: code === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT' },
        ...extra,
      });
    try {
      if (req.method === 'OPTIONS') return answerPreflight(req, res);
      if (endpoints.webChannel.handle(req, res)) return;
      if (endpoints.rest.handle(req, res)) return;
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://emulator').pathname);
      if (req.method === 'GET' && (path === '/' || path === '/health')) return reply(200, 'Ok');
      if (req.method === 'GET' && path === '/emulator/v1/stats')
        return reply(200, { ...backend.stats(), webChannelSessions: endpoints.webChannel.sessionCount() });
      const clear = CLEAR.exec(path);
      if (clear && req.method === 'DELETE') {
        backend.clearDatabase(parseDatabaseName(`projects/${clear[1]}/databases/${clear[2]}`));
        return reply(200, {});
      }
      const exported = EXPORT.exec(path);
      if (exported && req.method === 'POST')
        return reply(200, await exportOverHttp(backend, exported[1]!, req));
      const rules = RULES.exec(path);
      if (rules && req.method === 'PUT') {
        const body = await readJson(req);
        const files: Array<{ content?: unknown }> = body?.rules?.files ?? [];
        const source = files[0]?.content;
        if (typeof source !== 'string') {
          return failure(400, 'Expected a body {"rules":{"files":[{"name":"...","content":"..."}]}}.');
        }
        const { issues } = backend.access.loadRules(rules[1]!, source);
        const errors = issues.filter((i) => i.severity === 'ERROR');
        if (errors.length > 0) {
          const message = errors.map(
            (i) => `${i.sourcePosition?.line ?? 0}:${i.sourcePosition?.column ?? 0} ${i.description}`,
          );
          return failure(400, `The rules did not compile:\n${message.join('\n')}`, { issues });
        }
        return reply(200, { issues });
      }
      return failure(404, `No emulator endpoint for ${req.method} ${path}.`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return failure(400, message);
    }
  };
}
