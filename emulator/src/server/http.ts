/**
 * The official emulator's REST control surface, served on the gRPC port (see front-door.ts):
 * clear a database, load rules, a liveness answer, and memory/document statistics. @firebase/rules-unit-testing and
 * firebase-tools call these paths.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Backend } from './backend';
import { parseDatabaseName } from './names';

const CLEAR = /^\/emulator\/v1\/projects\/([^/]+)\/databases\/([^/]+)\/documents\/?$/;
const RULES = /^\/emulator\/v1\/projects\/([^/:]+):securityRules$/;

function reply(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
  res.end(text);
}

function failure(res: ServerResponse, code: number, message: string, extra: object = {}): void {
  reply(res, code, {
    error: { code, message, status: code === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT' },
    ...extra,
  });
}

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

export function restHandler(backend: Backend) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://emulator').pathname);
      if (req.method === 'GET' && (path === '/' || path === '/health')) return reply(res, 200, 'Ok');
      if (req.method === 'GET' && path === '/emulator/v1/stats') return reply(res, 200, backend.stats());
      const clear = CLEAR.exec(path);
      if (clear && req.method === 'DELETE') {
        backend.clearDatabase(parseDatabaseName(`projects/${clear[1]}/databases/${clear[2]}`));
        return reply(res, 200, {});
      }
      const rules = RULES.exec(path);
      if (rules && req.method === 'PUT') {
        const body = await readJson(req);
        const files: Array<{ content?: unknown }> = body?.rules?.files ?? [];
        const source = files[0]?.content;
        if (typeof source !== 'string') {
          return failure(res, 400, 'Expected a body {"rules":{"files":[{"name":"...","content":"..."}]}}.');
        }
        const { issues } = backend.access.loadRules(rules[1]!, source);
        const errors = issues.filter((i) => i.severity === 'ERROR');
        if (errors.length > 0) {
          const message = errors.map(
            (i) => `${i.sourcePosition?.line ?? 0}:${i.sourcePosition?.column ?? 0} ${i.description}`,
          );
          return failure(res, 400, `The rules did not compile:\n${message.join('\n')}`, { issues });
        }
        return reply(res, 200, { issues });
      }
      return failure(res, 404, `No emulator endpoint for ${req.method} ${path}.`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return failure(res, 400, message);
    }
  };
}
