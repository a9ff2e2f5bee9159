/**
 * Every awaited event in a test goes through `within`: a listener that never delivers, a callback
 * that is never called or a process that never prints its line then fails that test with a message
 * naming what never came, instead of hanging the file until the runner's deadline (which only says
 * that the file timed out). The REST and WebChannel suites have their own copies of the same idea
 * (emulator/test/rest/support.ts, emulator/test/webchannel/raw-channel.ts); this one is for the
 * rest of the tree.
 */

/** How long one awaited event may take by default: well above a slow, shared machine's worst. */
export const EVENT_TIMEOUT_MS = 10_000;

/** `promise`, or a rejection after `ms` saying `what` never came. */
export function within<T>(promise: Promise<T>, what: string, ms = EVENT_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: never came within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Values pushed by a callback (a listener's snapshots, errors), awaited one condition at a time:
 * `until(accept, what)` resolves with the first value, already seen or still to come, that
 * `accept` takes, and rejects after the timeout with `what` and every value seen so far.
 */
export class Arrivals<T> {
  readonly seen: T[] = [];
  private waiters: { accept: (value: T) => boolean; resolve: (value: T) => void }[] = [];

  /** The callback to hand to a listener. */
  readonly push = (value: T): void => {
    this.seen.push(value);
    this.waiters = this.waiters.filter((w) => {
      if (!w.accept(value)) return true;
      w.resolve(value);
      return false;
    });
  };

  until(accept: (value: T) => boolean, what: string, ms = EVENT_TIMEOUT_MS): Promise<T> {
    const found = this.seen.find(accept);
    if (found !== undefined) return Promise.resolve(found);
    const arrived = new Promise<T>((resolve) => this.waiters.push({ accept, resolve }));
    return within(arrived, what, ms).catch((error: Error) => {
      this.waiters = this.waiters.filter((w) => w.accept !== accept);
      throw new Error(`${error.message}; seen: ${JSON.stringify(this.seen).slice(0, 2000)}`);
    });
  }
}
