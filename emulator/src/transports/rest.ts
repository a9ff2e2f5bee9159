/**
 * The Firestore v1 REST API, routed by the `google.api.http` bindings in firestore.proto itself
 * (so a route cannot drift from the API), with proto3 JSON bodies. Unary methods answer one JSON
 * object; server-streaming ones (batchGet, runQuery, runAggregationQuery) a JSON array of their
 * responses, as Google's REST endpoints and the web SDK expect. Every call goes to the same
 * handler a gRPC request would reach.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as protobuf from 'protobufjs';
import { invalidArgument, RpcError, status } from '../errors';
import { firestoreServiceType } from '../protos';
import { callOnce, metadataFrom, type ServiceImplementation } from './service-calls';
import { camel, decodeJson, encodeJson } from './proto-json';
import { readBody, sendError, sendJson } from './http-io';

interface Route {
  method: protobuf.Method;
  verb: string;
  pattern: RegExp;
  /** Request field paths (camelCase, dotted) the path variables fill, in order. */
  variables: string[];
  /** '*' (the whole request), a field name, or undefined (no body). */
  body: string | undefined;
  /** The template's custom verb (`runQuery` of `...documents:runQuery`), if any. */
  customVerb: string | undefined;
}

interface HttpRule {
  get?: string;
  post?: string;
  patch?: string;
  delete?: string;
  put?: string;
  body?: string;
  additional_bindings?: HttpRule | HttpRule[];
}

const VERBS = ['get', 'post', 'patch', 'delete', 'put'] as const;

/** `/v1/{name=projects/*\/databases/*}/documents:commit` as a regular expression. */
function compileTemplate(template: string): { pattern: RegExp; variables: string[] } {
  const variables: string[] = [];
  const segment = (pattern: string) =>
    pattern
      .split('/')
      .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]+' : escape(part)))
      .join('/')
      // `a/**` also matches `a` itself: zero or more segments.
      .replace(/\/\.\*/g, '(?:/.*)?');
  const source = template.replace(/\{([^}=]+)(?:=([^}]+))?\}|([^{]+)/g, (_m, name, inner, literal) => {
    if (literal !== undefined) return escape(literal);
    variables.push(String(name).split('.').map(camel).join('.'));
    return `(${segment(inner ?? '*')})`;
  });
  return { pattern: new RegExp(`^${source}$`), variables };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function routesOf(service: protobuf.Service): Route[] {
  const routes: Route[] = [];
  for (const method of Object.values(service.methods)) {
    const options = (method.parsedOptions ?? []) as Array<Record<string, HttpRule>>;
    const rule = options.find((o) => o['(google.api.http)'])?.['(google.api.http)'];
    if (!rule) continue;
    const extra = rule.additional_bindings;
    const bindings = [rule, ...(Array.isArray(extra) ? extra : extra ? [extra] : [])];
    for (const binding of bindings) {
      for (const verb of VERBS) {
        const template = binding[verb];
        if (!template) continue;
        routes.push({
          method,
          verb: verb.toUpperCase(),
          ...compileTemplate(template),
          body: binding.body,
          customVerb: /:(\w+)$/.exec(template)?.[1],
        });
      }
    }
  }
  return routes;
}

/**
 * The templates overlap (`documents/a/b` fits both GetDocument's name and ListDocuments' parent
 * plus collection id); Firestore tells them apart by what the names are: a document has an even
 * number of segments after `documents`, and a parent is the root or a document.
 */
function fitsResource(variable: string, value: string): boolean {
  const at = value.indexOf('/documents');
  if (at < 0 || !/^(name|document\.name|parent)$/.test(variable)) return true;
  const rest = value.slice(at + '/documents'.length);
  const segments = rest === '' ? 0 : rest.slice(1).split('/').length;
  if (segments % 2 !== 0) return false;
  return variable === 'parent' || segments > 0;
}

/** Standard system parameters of Google APIs, which are not request fields. */
const SYSTEM_PARAMETERS = new Set(['key', 'alt', '$alt', 'prettyPrint', 'fields', 'quotaUser', 'callback']);

function setPath(target: Record<string, any>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = node[key] ??= {};
  node[path.at(-1)!] = value;
}

function fieldAt(type: protobuf.Type, path: string[]): protobuf.Field | undefined {
  let current: protobuf.Type | undefined = type;
  let field: protobuf.Field | undefined;
  for (const key of path) {
    field = current?.fields[key];
    if (!field) return undefined;
    current = field.resolve().resolvedType as protobuf.Type | undefined;
  }
  return field;
}

/** Query parameters become request fields (`mask.fieldPaths=a&mask.fieldPaths=b`). */
function bindQuery(type: protobuf.Type, params: URLSearchParams, request: Record<string, any>): void {
  for (const key of new Set(params.keys())) {
    if (SYSTEM_PARAMETERS.has(key)) continue;
    const path = key.split('.').map(camel);
    const field = fieldAt(type, path);
    if (!field) {
      throw invalidArgument(
        `Invalid JSON payload received. Unknown name "${key}": Cannot bind query parameter.`,
      );
    }
    // Numbers stay strings (proto3 JSON's form for every numeric type, checked with the body);
    // a bool is "true" or "false", and anything else is left for the check to refuse.
    const scalar = (text: string): unknown =>
      field.type === 'bool' || field.resolvedType?.fullName === '.google.protobuf.BoolValue'
        ? text === 'true' || (text === 'false' ? false : text)
        : text;
    const values = params.getAll(key).map(scalar);
    setPath(request, path, field.repeated ? values : values.at(-1));
  }
}

export interface RestEndpoint {
  /** True when this request is a Firestore API call (a route matched), answered or not yet. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export function restEndpoint(service: ServiceImplementation): RestEndpoint {
  const routes = routesOf(firestoreServiceType());
  const customVerbs = new Set(routes.flatMap((r) => (r.customVerb ? [r.customVerb] : [])));

  const serve = async (req: IncomingMessage, res: ServerResponse, route: Route, values: string[]) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const requestType = route.method.resolvedRequestType!;
    const responseType = route.method.resolvedResponseType!;
    if (route.method.requestStream) {
      throw new RpcError(
        status.UNIMPLEMENTED,
        `${route.method.name} is a bidirectional stream: use gRPC, or WebChannel at /google.firestore.v1.Firestore/${route.method.name}/channel.`,
      );
    }
    const request: Record<string, any> = {};
    if (route.body) {
      const text = await readBody(req);
      let body: unknown = {};
      try {
        if (text.trim() !== '') body = JSON.parse(text);
      } catch (error) {
        throw invalidArgument(`Invalid JSON payload received. ${(error as Error).message}`);
      }
      if (route.body === '*') {
        if (body === null || typeof body !== 'object' || Array.isArray(body)) {
          throw invalidArgument('Invalid JSON payload received. The body must be a JSON object.');
        }
        Object.assign(request, body);
      } else request[camel(route.body)] = body;
    }
    bindQuery(requestType, url.searchParams, request);
    route.variables.forEach((variable, i) => setPath(request, variable.split('.'), values[i]));
    const decoded = decodeJson(requestType, request);
    const responses = await callOnce(
      service,
      route.method.name,
      !!route.method.responseStream,
      decoded,
      metadataFrom(req.headers),
    );
    const numericEnums = /enum-encoding=int/.test(url.searchParams.get('$alt') ?? '');
    const json = responses.map((r) => encodeJson(responseType, r, { numericEnums }));
    sendJson(req, res, 200, route.method.responseStream ? json : json[0]);
  };

  return {
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://emulator');
      // Decoded segment by segment: an encoded "/" (%2F) must not split a segment in two.
      let segments: string[];
      try {
        segments = url.pathname.split('/').map(decodeURIComponent);
      } catch {
        return false;
      }
      const path = segments.join('/');
      if (!path.startsWith('/v1/')) return false;
      if (segments.some((s) => s.includes('/'))) {
        sendError(
          req,
          res,
          invalidArgument(`A resource name segment cannot contain "/" (sent as %2F): ${url.pathname}`),
        );
        return true;
      }
      // A path ending in ":runQuery" (any verb of the API) is a call of that method, never a
      // document or collection of that name: `documents/users:runQuery` must not create a document.
      const pathVerb = /:(\w+)$/.exec(path)?.[1];
      const verbInPath = pathVerb !== undefined && customVerbs.has(pathVerb) ? pathVerb : undefined;
      const candidates = routes.flatMap((route) => {
        if (route.verb !== req.method || route.customVerb !== verbInPath) return [];
        const match = route.pattern.exec(path);
        if (!match) return [];
        const values = match.slice(1) as string[];
        const fits = route.variables.every((v, i) => fitsResource(v, values[i]!));
        return [{ route, values, fits }];
      });
      // The resource check tells the overlapping document and collection templates apart; when no
      // template fits (DELETE on a collection), the method whose template matched says itself
      // what is wrong with the name.
      const chosen = candidates.find((c) => c.fits) ?? candidates[0];
      if (!chosen) {
        const known = routes.some((r) => r.pattern.test(path));
        sendError(
          req,
          res,
          new RpcError(
            known ? status.UNIMPLEMENTED : status.NOT_FOUND,
            known
              ? `${req.method} is not allowed on ${path}.`
              : `No Firestore API method matches ${req.method} ${path}.`,
          ),
        );
        return true;
      }
      serve(req, res, chosen.route, chosen.values).catch((error: unknown) => {
        if (res.headersSent) return res.destroy();
        if (error instanceof RpcError) return sendError(req, res, error);
        console.error('[firestore-emulator] internal error in REST:', error);
        sendError(
          req,
          res,
          new RpcError(status.INTERNAL, `Internal error in the Firestore emulator: ${String(error)}`),
        );
      });
      return true;
    },
  };
}
