/** What a subscriber receives for an outbox event. */
import type { OutboxEvent, WebhookPayload } from '@hearth/contracts';

export const payloadOf = (e: OutboxEvent): WebhookPayload => ({
  id: e.id,
  type: e.type,
  createdAt: new Date(e.at.toMillis()).toISOString(),
  correlationId: e.correlationId,
  sku: e.sku,
  locationId: e.locationId,
  data: e.data,
});
