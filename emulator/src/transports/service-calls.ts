/**
 * Calls into the one gRPC service implementation (rpc.ts) from transports that are not gRPC, so
 * rules, auth, locks and listeners behave the same whichever transport a request arrives on. The
 * handlers see call objects shaped like grpc-js's: a request, metadata, and for streams the
 * write/end/error events they already use.
 */
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { RpcError, status } from '../errors';

export type ServiceImplementation = grpc.UntypedServiceImplementation;

/** Request headers as gRPC metadata; only what the handlers read (the caller's credentials). */
export function metadataFrom(headers: Record<string, string | string[] | undefined>): grpc.Metadata {
  const metadata = new grpc.Metadata();
  const authorization = headers['authorization'];
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  if (value) metadata.set('authorization', value);
  return metadata;
}

function statusError(error: grpc.StatusObject | Partial<grpc.StatusObject> | Error): RpcError {
  if (error instanceof RpcError) return error;
  const s = error as Partial<grpc.StatusObject>;
  return new RpcError(s.code ?? status.INTERNAL, s.details ?? (error as Error).message ?? 'Unknown error');
}

/**
 * Runs a unary or server-streaming method to completion and resolves with every response it sent
 * (one for unary). A failure rejects with the RpcError the gRPC client would have seen.
 */
export function callOnce(
  service: ServiceImplementation,
  methodName: string,
  streaming: boolean,
  request: unknown,
  metadata: grpc.Metadata,
): Promise<unknown[]> {
  const handler = service[methodName] as ((...args: any[]) => void) | undefined;
  if (!handler) {
    return Promise.reject(
      new RpcError(status.UNIMPLEMENTED, `The emulator does not implement ${methodName}.`),
    );
  }
  return new Promise((resolve, reject) => {
    if (!streaming) {
      handler({ request, metadata }, (error: grpc.StatusObject | null, response: unknown) =>
        error ? reject(statusError(error)) : resolve([response]),
      );
      return;
    }
    const responses: unknown[] = [];
    const call = Object.assign(new EventEmitter(), {
      request,
      metadata,
      sendMetadata: () => undefined,
      write: (response: unknown) => responses.push(response),
      end: () => resolve(responses),
    });
    call.on('error', (error: grpc.StatusObject) => reject(statusError(error)));
    handler(call);
  });
}

/** What a bidirectional stream's transport does with the handler's output. */
export interface StreamSink {
  message(response: unknown): void;
  /** The handler finished the stream normally. */
  end(): void;
  /** The handler failed the stream with a status. */
  error(error: RpcError): void;
}

/**
 * A bidirectional stream (Listen, Write) driven by a transport: `push` feeds a request, `finish`
 * half-closes as a client does, `cancel` drops the stream as a vanished client would.
 */
export interface DuplexCall {
  push(request: unknown): void;
  finish(): void;
  cancel(): void;
}

export function openDuplex(
  service: ServiceImplementation,
  methodName: 'Listen' | 'Write',
  metadata: grpc.Metadata,
  sink: StreamSink,
): DuplexCall {
  let done = false;
  const call = Object.assign(new EventEmitter(), {
    metadata,
    write: (response: unknown) => {
      if (!done) sink.message(response);
      return true;
    },
    end: () => {
      if (done) return;
      done = true;
      sink.end();
    },
  });
  // The handler reports a failure by emitting 'error' on its call, as on a grpc-js stream.
  call.on('error', (error: grpc.StatusObject) => {
    if (done) return;
    done = true;
    sink.error(statusError(error));
  });
  (service[methodName] as (call: unknown) => void)(call);
  return {
    push: (request) => {
      if (!done) call.emit('data', request);
    },
    finish: () => call.emit('end'),
    cancel: () => {
      done = true;
      call.emit('cancelled');
    },
  };
}
