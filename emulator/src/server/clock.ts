import type { Micros } from '../model/types';

/**
 * Hands out strictly increasing microsecond timestamps close to wall time. Commit times and
 * snapshot read times both come from here, so a snapshot taken at t sees every commit before it
 * and none after it.
 */
export class Clock {
  private last: Micros = 0;

  next(): Micros {
    const wall = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    this.last = Math.max(this.last + 1, wall);
    return this.last;
  }

  /** Makes every later timestamp greater than `t`, so a read at a future time stays repeatable. */
  observe(t: Micros): void {
    if (t > this.last) this.last = t;
  }

  wallMicros(): Micros {
    return Math.floor((performance.timeOrigin + performance.now()) * 1000);
  }
}
