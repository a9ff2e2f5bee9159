/**
 * Which stored events the jobs count. The rules keep clients to app kinds under auto ids, but
 * events written before they did (or by a bug) stay in the store, so the jobs check again: store
 * kinds (purchase, return, cancel) only under the store's ids, app kinds only within their size,
 * and at most MAX_APP_EVENTS_PER_HOUR app events per customer and clock hour, the rest skipped, so
 * no customer can buy a product a place in serving/popular with a flood of events.
 */
import { AppEventKind, type CustomerEvent, isTrustedEvent, MAX_APP_EVENTS_PER_HOUR } from '@hearth/contracts';

const hourMs = 3_600_000;

export class EventGate {
  private owner: string | undefined;
  private perHour = new Map<number, number>();

  /**
   * Whether the event counts. Call it in the order events are read: the count per hour restarts
   * when the owner changes, which a scan by document name guarantees happens once per customer.
   */
  admit(owner: string, id: string, event: CustomerEvent): boolean {
    if (!isTrustedEvent(id, event)) return false;
    if (!AppEventKind.safeParse(event.kind).success) return true;
    if (owner !== this.owner) {
      this.owner = owner;
      this.perHour = new Map();
    }
    const hour = Math.floor(event.at.toMillis() / hourMs);
    const seen = this.perHour.get(hour) ?? 0;
    if (seen >= MAX_APP_EVENTS_PER_HOUR) return false;
    this.perHour.set(hour, seen + 1);
    return true;
  }
}
