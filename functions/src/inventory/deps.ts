/** Inventory's deps: the platform's, and the refresher of hot SKUs' availability documents. */
import type { Deps as PlatformDeps } from '../platform/deps';
import type { AvailabilityRefresher } from './refresh';

export { type Clock, systemClock, type Metrics, newMetrics } from '../platform/deps';

export interface Deps extends PlatformDeps {
  /** Refreshes hot SKUs' availability documents after a commit (off the caller's path). */
  refresher?: AvailabilityRefresher;
}
