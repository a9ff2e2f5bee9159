/**
 * Admission control for the dev stack's callables: at most `maxInFlight` requests run in a runtime
 * at once, the rest wait in arrival order, and every request is answered within `answerWithinMs`
 * of its arrival, by its function or else by a callable-protocol `unavailable` error with a
 * Retry-After. A burst therefore slows down or is partly told to come back; no request is left
 * without an answer, and the runtime never takes on more work than it can finish.
 *
 * Written here rather than taken from p-limit or p-queue: those queue work but cannot take one
 * waiting entry out when its deadline passes or its caller goes away, which is the point here.
 */
import type { Request, Response } from 'express';
import type { UnavailableDetails } from '@hearth/contracts';

export interface GateOptions {
  /** Requests running at once in one runtime (Firestore contention grows past a few dozen). */
  maxInFlight: number;
  /** Requests allowed to wait; one more is refused at once. */
  maxQueued: number;
  /** A request that has not started after waiting this long is refused. */
  queueWaitMs: number;
  /** From arrival: a request not answered by then is answered `unavailable`. */
  answerWithinMs: number;
  /** What `unavailable` answers tell the caller to wait before trying again. */
  retryAfterSeconds: number;
}

export const defaultGateOptions: GateOptions = {
  maxInFlight: 32,
  maxQueued: 2000,
  queueWaitMs: 10_000,
  answerWithinMs: 25_000,
  retryAfterSeconds: 2,
};

interface Waiting {
  req: Request;
  res: Response;
  run: () => unknown;
  arrived: number;
  timer: NodeJS.Timeout;
}

export interface GateStats {
  inFlight: number;
  queued: number;
  refused: number;
}

/**
 * The error body of the callable protocol (what `HttpsError.toJSON()` gives, which the client SDKs
 * turn into a `FunctionsError` with code `unavailable` and these details).
 */
function refuse(req: Request, res: Response, message: string, retryAfterSeconds: number): void {
  if (res.headersSent || res.writableEnded) return;
  const origin = req.header('Origin');
  if (origin) {
    // The function's own CORS handling never ran for this answer; a browser needs it to read it.
    res.set('Access-Control-Allow-Origin', origin);
    res.set('Access-Control-Expose-Headers', 'Retry-After');
    res.set('Vary', 'Origin');
  }
  res
    .status(503)
    .set('Retry-After', String(retryAfterSeconds))
    .json({
      error: { status: 'UNAVAILABLE', message, details: { retryAfterSeconds } satisfies UnavailableDetails },
    });
}

export class CallableGate {
  private readonly queue: Waiting[] = [];
  private running = 0;
  private refused = 0;

  constructor(readonly options: GateOptions = defaultGateOptions) {}

  stats(): GateStats {
    return { inFlight: this.running, queued: this.queue.length, refused: this.refused };
  }

  /** Runs `run` (which answers `res`) when a slot is free, or answers `unavailable` itself. */
  admit(req: Request, res: Response, run: () => unknown): void {
    const o = this.options;
    if (this.queue.length >= o.maxQueued) {
      this.refuse(req, res, `The local functions runtime has ${this.queue.length} requests waiting.`);
      return;
    }
    const entry: Waiting = {
      req,
      res,
      run,
      arrived: Date.now(),
      timer: setTimeout(() => {
        if (!this.drop(entry)) return;
        this.refuse(
          req,
          res,
          `The local functions runtime could not start this request within ${o.queueWaitMs} ms.`,
        );
      }, o.queueWaitMs),
    };
    // A caller that gives up (closes the connection) leaves the queue at once.
    res.once('close', () => {
      if (this.drop(entry)) clearTimeout(entry.timer);
    });
    this.queue.push(entry);
    this.pump();
  }

  private drop(entry: Waiting): boolean {
    const at = this.queue.indexOf(entry);
    if (at < 0) return false;
    this.queue.splice(at, 1);
    return true;
  }

  private refuse(req: Request, res: Response, why: string): void {
    this.refused++;
    const s = this.options.retryAfterSeconds;
    refuse(req, res, `${why} Nothing was done; try again in ${s} s.`, s);
  }

  private pump(): void {
    while (this.running < this.options.maxInFlight && this.queue.length > 0) {
      const entry = this.queue.shift()!;
      clearTimeout(entry.timer);
      this.start(entry);
    }
  }

  private start(entry: Waiting): void {
    const { req, res } = entry;
    this.running++;
    const left = this.options.answerWithinMs - (Date.now() - entry.arrived);
    // The function keeps running after this answer (its own `res` writes are then ignored: the
    // callable SDK sees the response closed and aborts); retries with the same idempotency key
    // get its one effect.
    const deadline = setTimeout(
      () => this.refuse(req, res, `The function did not answer within ${this.options.answerWithinMs} ms.`),
      Math.max(0, left),
    );
    // A slot is held until the response is over: answered, refused at the deadline, or abandoned.
    const done = () => {
      clearTimeout(deadline);
      this.running--;
      this.pump();
    };
    if (res.writableEnded || res.destroyed) done();
    else res.once('close', done);
    Promise.resolve()
      .then(entry.run)
      .catch((err: unknown) => {
        console.error(`${req.path} failed outside the function's own error handling`, err);
        if (!res.headersSent) res.status(500).json({ error: { status: 'INTERNAL', message: 'INTERNAL' } });
      });
  }
}
