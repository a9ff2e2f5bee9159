/** Inventory's deps: the platform's, and the refresher of hot SKUs' availability documents. */
import type { Deps as PlatformDeps } from '../platform/deps';
import type { AvailabilityRefresher } from './refresh';

export { type Clock, systemClock, type Metrics, newMetrics } from '../platform/deps';

export interface Deps extends PlatformDeps {
  /** Refreshes hot SKUs' availability documents after a commit (off the caller's path). */
  refresher?: AvailabilityRefresher;
  /**
   * Whether concurrent reservations of this instance share transactions (group commit, the
   * default). false: each call runs its own transaction at once (the benchmark's baseline).
   */
  groupCommit?: boolean;
}
