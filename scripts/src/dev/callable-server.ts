/**
 * One long-lived functions runtime of the dev stack: the built functions (`functions/lib/index.js`)
 * loaded once, and their HTTPS and callable functions served over HTTP at the Functions emulator's
 * URLs (`/<project>/<region>/<name>`), so apps and `connectFunctionsEmulator` reach them unchanged.
 * Each request goes to the function's real handler (the `onCall` wrapper of firebase-functions:
 * CORS, the ID token, the request's validation, the callable protocol's answer), behind a
 * CallableGate. Body parsing is express's, as in Cloud Functions and in firebase-tools' runtime.
 */
import type { Server } from 'node:http';
import express, { type Request, type Response } from 'express';
import { CallableGate, defaultGateOptions, type GateOptions } from './callable-gate';

interface Endpoint {
  region?: string[];
  callableTrigger?: object;
  httpsTrigger?: object;
}

export type HttpsFunction = ((req: Request, res: Response) => unknown) & { __endpoint?: Endpoint };

/** The exported functions an HTTP request can reach: callables and `onRequest` functions. */
export function httpsFunctions(exported: Record<string, unknown>): Map<string, HttpsFunction> {
  const found = new Map<string, HttpsFunction>();
  for (const [name, fn] of Object.entries(exported)) {
    const endpoint = (fn as HttpsFunction | undefined)?.__endpoint;
    if (typeof fn === 'function' && (endpoint?.callableTrigger || endpoint?.httpsTrigger)) {
      found.set(name, fn as HttpsFunction);
    }
  }
  return found;
}

export interface CallableServerOptions {
  projectId: string;
  functions: Map<string, HttpsFunction>;
  gate?: Partial<GateOptions>;
}

export function callableApp(o: CallableServerOptions): { app: express.Express; gate: CallableGate } {
  const gate = new CallableGate({ ...defaultGateOptions, ...o.gate });
  const app = express();
  app.disable('x-powered-by');
  // The callable protocol is JSON; the raw bytes are kept as Cloud Functions keeps them.
  app.use(
    express.json({
      limit: '32mb',
      verify: (req, _res, buf) => {
        (req as unknown as { rawBody: Buffer }).rawBody = buf;
      },
    }),
  );
  app.get('/__/health', (_req, res) => void res.status(200).send('ok'));
  app.get('/__/gate', (_req, res) => void res.json(gate.stats()));
  app.all('/:project/:region/:name', (req, res) => {
    const { project = '', region = '', name = '' } = req.params;
    const fn = o.functions.get(name);
    const regions = fn?.__endpoint?.region ?? ['us-central1'];
    if (project !== o.projectId || !fn || !regions.includes(region)) {
      res
        .status(404)
        .send(
          `Function ${region}-${name} does not exist, valid functions are: ${[...o.functions.keys()].join(', ')}`,
        );
      return;
    }
    // A CORS preflight costs nothing and must not wait behind the work it announces.
    if (req.method === 'OPTIONS') void fn(req, res);
    else gate.admit(req, res, () => fn(req, res));
  });
  return { app, gate };
}

export function listen(app: express.Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
    // Requests may wait in the gate for up to its deadline; never cut them off before that.
    server.requestTimeout = 0;
    server.keepAliveTimeout = 30_000;
  });
}
