/**
 * The webhook callables (staff): thin handlers over subscriptions.ts and replay.ts, wired in
 * index.ts like every other domain's.
 */
import {
  CreateWebhookSubscriptionRequest,
  DeleteWebhookSubscriptionRequest,
  ReplayWebhookEventsRequest,
  RotateWebhookSecretRequest,
  SetWebhookStatusRequest,
} from '@hearth/contracts';
import { callableHandler } from '../platform/callable';
import type { EventDeps } from './deps';
import { drainAll } from './sweep';
import { replayWebhookEvents } from './replay';
import { createSubscription, deleteSubscription, rotateSecret, setSubscriptionStatus } from './subscriptions';
import { deliveriesCol } from './paths';

/** After a resume, what was held for the subscription goes out (not awaited by the caller). */
async function kickResumed(deps: EventDeps, subscriptionId: string): Promise<void> {
  const pending = await deliveriesCol(deps.db)
    .where('subscriptionId', '==', subscriptionId)
    .where('status', '==', 'pending')
    .select('stream')
    .limit(500)
    .get();
  const streams = [...new Set(pending.docs.map((d) => String(d.get('stream'))))];
  await drainAll(
    deps,
    streams.map((stream) => ({ subscriptionId, stream })),
  );
}

export function eventCallables(deps: () => EventDeps) {
  const handler = callableHandler(deps);
  return {
    createWebhookSubscription: handler('staff', CreateWebhookSubscriptionRequest, (d, c, r) =>
      createSubscription(d, c, r),
    ),
    setWebhookSubscriptionStatus: handler('staff', SetWebhookStatusRequest, async (d, _c, r) => {
      const res = await setSubscriptionStatus(d, r);
      if (r.status === 'active')
        void kickResumed(d, r.subscriptionId).catch((err: unknown) => console.error(err));
      return res;
    }),
    rotateWebhookSecret: handler('staff', RotateWebhookSecretRequest, (d, c, r) => rotateSecret(d, c, r)),
    deleteWebhookSubscription: handler('staff', DeleteWebhookSubscriptionRequest, (d, _c, r) =>
      deleteSubscription(d, r),
    ),
    replayWebhookEvents: handler('staff', ReplayWebhookEventsRequest, async (d, c, r) => {
      const { replayId, events, drained } = await replayWebhookEvents(d, c, r);
      drained.catch((err: unknown) => console.error(`replay ${replayId} failed`, err));
      return { replayId, events };
    }),
  };
}
