/**
 * A network between the clients and the emulator. With `latencyMs` N every RPC round trip takes N
 * ms longer: half on the way in (before the server sees a request or a stream message) and half on
 * the way out (before the client sees a response or a stream message, in the order they were sent).
 * So a read-write transaction holds its locks from the moment its first read reaches the server
 * until its commit does, across the round trips its client spends in between, as production clients
 * do; without it the emulator answers in microseconds and contention is only CPU.
 *
 * What it does not model: jitter, bandwidth, packet loss, server-side queueing or any per-document
 * write-rate limit (production's sustained ~1 write/s/document guidance is not a hard limit and is
 * not invented here). It wraps the one service implementation, so gRPC, REST and WebChannel all get
 * it; the control endpoints (/emulator/v1/...) are not delayed.
 */
import { EventEmitter } from 'node:events';
import type * as grpc from '@grpc/grpc-js';

/** Runs callbacks `ms` after they were handed over, never out of order. */
class DelayLine {
  private readonly queue: { due: number; run: () => void }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly ms: number) {}

  push(run: () => void): void {
    this.queue.push({ due: performance.now() + this.ms, run });
    if (!this.timer) this.arm();
  }

  private arm(): void {
    const wait = Math.max(0, this.queue[0]!.due - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = performance.now();
      while (this.queue.length > 0 && this.queue[0]!.due <= now + 0.5) this.queue.shift()!.run();
      if (this.queue.length > 0) this.arm();
    }, wait);
  }
}

type Handler = (...args: any[]) => void;

/** Unary: the request arrives `half` late, the answer leaves `half` late. */
function delayUnary(handler: Handler, half: number): Handler {
  return (call: unknown, callback: (error: unknown, response?: unknown) => void) => {
    setTimeout(
      () =>
        handler(call, (error: unknown, response: unknown) =>
          setTimeout(() => callback(error, response), half),
        ),
      half,
    );
  };
}

/**
 * Server-streaming and bidirectional calls: the handler gets a stand-in call whose incoming
 * messages (and half-close, and cancellation) arrive `half` late and whose outgoing messages, end
 * and error status leave `half` late. A server-streaming handler starts when its request arrives.
 */
function delayStream(handler: Handler, half: number): Handler {
  return (call: EventEmitter & Record<string, any>) => {
    const inbound = new DelayLine(half);
    const outbound = new DelayLine(half);
    const stub = Object.assign(new EventEmitter(), {
      request: call.request,
      metadata: call.metadata,
      sendMetadata: (metadata: grpc.Metadata) => outbound.push(() => call.sendMetadata?.(metadata)),
      write: (response: unknown) => {
        outbound.push(() => call.write(response));
        return true;
      },
      end: () => outbound.push(() => call.end()),
    });
    // The handler reports a failure by emitting 'error' on its call; the client sees it late.
    stub.on('error', (error: unknown) => outbound.push(() => call.emit('error', error)));
    for (const event of ['data', 'end', 'cancelled'])
      call.on(event, (...args: unknown[]) => inbound.push(() => stub.emit(event, ...args)));
    if (call.request !== undefined) setTimeout(() => handler(stub), half);
    else handler(stub);
  };
}

/** The service with `latencyMs` added to every round trip (the service itself when 0). */
export function withLatency(
  service: grpc.UntypedServiceImplementation,
  latencyMs: number,
): grpc.UntypedServiceImplementation {
  if (latencyMs <= 0) return service;
  const half = latencyMs / 2;
  const delayed: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(service)) {
    const fn = handler as Handler;
    // Unary handlers take (call, callback); streaming ones take only the call.
    delayed[name] = (fn.length >= 2 ? delayUnary(fn, half) : delayStream(fn, half)) as never;
  }
  return delayed;
}
