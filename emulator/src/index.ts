/**
 * The project's own Firestore emulator, in process: `start()` listens on one port for gRPC
 * (google.firestore.v1.Firestore) and the REST control endpoints, and returns its address.
 */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { firestoreServiceDefinition } from './protos';
import { exportFrom, importInto, type ExportScope, type ExportSummary } from './persistence/index';
import { compileRulesPolicy } from './rules/policy';
import { describeReload, watchRulesFile } from './rules/watch-file';
import type { RulesCompiler } from './server/access';
import { Backend } from './server/backend';
import { openFrontDoor } from './server/front-door';
import { httpHandler } from './server/http';
import { withLatency } from './server/latency';
import { firestoreService } from './server/rpc';
import { restEndpoint } from './transports/rest';
import { webChannelEndpoint, type WebChannelSettings } from './webchannel/endpoint';

export interface EmulatorOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** The project `rulesFile`/`rules` apply to; without it they apply to every project. */
  projectId?: string;
  /** A firestore.rules file to load at start. */
  rulesFile?: string;
  /** Rules source to load at start (instead of a file). */
  rules?: string;
  /** The rules engine (default: emulator/src/rules); until rules are loaded every request is allowed. */
  rulesCompiler?: RulesCompiler;
  /** Idle time after which a transaction expires and releases its locks (default 60 s, as production). */
  transactionTimeoutMs?: number;
  /** Longest wait for a document lock before ABORTED (default 20 s). */
  lockWaitTimeoutMs?: number;
  /** How long old document versions stay readable by read time (default 10 min). */
  versionRetentionMs?: number;
  /**
   * Estimated memory of old versions each database keeps at most (default 16 MiB, about 27,000
   * versions of a small document: RSS stays under 400 MB in the soak benchmark); past it the oldest
   * go first and reads before them fail as expired.
   */
  maxRetainedVersionBytes?: number;
  /** WebChannel (browser) session settings; see webchannel/endpoint.ts for the defaults. */
  webChannel?: Partial<WebChannelSettings>;
  /** An export directory to load before listening; start() rejects, starting nothing, if it is not valid. */
  importFrom?: string;
  /** Where stop() exports every database, once the transports are closed (see persistence/). */
  exportOnExit?: string;
  /**
   * Milliseconds added to every RPC round trip on every transport (default 0), half each way, so
   * transactions hold their locks across round trips as production clients do (server/latency.ts).
   */
  latencyMs?: number;
}

export interface RunningEmulator {
  host: string;
  port: number;
  /** Deletes every document of every project and ends all transactions; rules stay loaded. */
  reset(): void;
  /** What `importFrom` loaded. */
  imported?: ExportSummary;
  /** Exports every database (or those in `scope`) as of now; a failure leaves an earlier export there as it was. */
  export(directory: string, scope?: ExportScope): Promise<ExportSummary>;
  /** With `exportOnExit`, exports after closing the transports, and rejects (stopped all the same) if that fails. */
  stop(): Promise<void>;
}

export async function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const backend = new Backend({
    transactionTimeoutMs: options.transactionTimeoutMs ?? 60_000,
    lockWaitTimeoutMs: options.lockWaitTimeoutMs ?? 20_000,
    versionRetentionMs: options.versionRetentionMs ?? 10 * 60_000,
    maxRetainedVersionBytes: options.maxRetainedVersionBytes ?? 16 * 2 ** 20,
    rulesCompiler: options.rulesCompiler ?? compileRulesPolicy,
  });
  const rules = options.rules ?? (options.rulesFile ? readFileSync(options.rulesFile, 'utf8') : undefined);
  if (rules !== undefined) {
    const { issues } = backend.access.loadRules(options.projectId ?? null, rules);
    const errors = issues.filter((i) => i.severity === 'ERROR');
    if (errors.length > 0) {
      throw new Error(`The rules did not compile:\n${errors.map((i) => i.description).join('\n')}`);
    }
  }
  const imported = options.importFrom
    ? await importInto(backend, options.importFrom).catch((error: unknown) => {
        backend.close();
        throw error;
      })
    : undefined;
  // A rules file given at start is reloaded when it changes; a broken edit leaves the old rules in force.
  const watcher = options.rulesFile
    ? watchRulesFile(
        options.rulesFile,
        (source) => backend.access.loadRules(options.projectId ?? null, source),
        (outcome) => console.error(describeReload(outcome)),
      )
    : null;
  const grpcServer = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  // One service implementation behind every transport: gRPC, REST and WebChannel.
  const service = withLatency(firestoreService(backend), options.latencyMs ?? 0);
  grpcServer.addService(firestoreServiceDefinition(), service);
  const webChannel = webChannelEndpoint(service, options.webChannel);
  const http = httpHandler(backend, { rest: restEndpoint(service), webChannel });
  const door = await openFrontDoor(host, options.port ?? 0, grpcServer, http).catch((error) => {
    // The port was taken or the host is wrong: leave nothing running behind.
    webChannel.close();
    watcher?.close();
    backend.close();
    grpcServer.forceShutdown();
    throw error;
  });
  return {
    host,
    port: door.port,
    reset: () => backend.reset(),
    imported,
    export: (directory, scope) => exportFrom(backend, directory, scope),
    stop: async () => {
      webChannel.close();
      watcher?.close();
      grpcServer.forceShutdown();
      await door.close();
      // Nothing can write any more, and every acknowledged write is in the store.
      try {
        if (options.exportOnExit) await exportFrom(backend, options.exportOnExit);
      } finally {
        backend.close();
      }
    },
  };
}

export type { AccessPolicy, RulesCompiler, RuleIssue, WriteAccess, DocumentReader } from './server/access';
export type { Caller } from './server/auth';
export type { ExportScope, ExportSummary, Manifest, ManifestDatabase } from './persistence/index';
