import { Type } from '@sinclair/typebox';
import { attemptDelivery, WEBHOOK_RETRY } from './webhook-attempt.service.js';
import { defineJob } from '../../jobs/define.js';

/** One delivery of a webhook message; a non-2xx answer fails the run, so the queue retries with backoff. */
export const webhookDeliverJob = defineJob({
  name: 'webhook.deliver',
  payload: Type.Object({ workspace_id: Type.String(), delivery_id: Type.String() }),
  retry: WEBHOOK_RETRY,
  timeoutSeconds: 30,
  async handler(ctx, payload) {
    await attemptDelivery(ctx, { workspaceId: payload.workspace_id, deliveryId: payload.delivery_id });
  },
});
