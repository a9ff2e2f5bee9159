/** Turns a listener callback into awaitable snapshots, so tests wait for events, never sleep. */
export class SnapshotQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<(item: T) => void> = [];
  private failure: unknown = null;

  readonly push = (item: T): void => {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  };

  readonly fail = (error: unknown): void => {
    this.failure = error;
  };

  next(timeoutMs = 5000): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no snapshot within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  }

  /** Waits for the first snapshot that satisfies `test`, skipping others. */
  async until(test: (item: T) => boolean, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const item = await this.next(Math.max(1, deadline - Date.now()));
      if (test(item)) return item;
    }
  }
}
