import { Type } from '@sinclair/typebox';
import { pruneDeliveryRows } from './webhooks.repo.js';
import { defineJob } from '../../jobs/define.js';

const DAY = 86400;

/**
 * The webhook delivery log keeps finished deliveries (succeeded or dead) for 30 days, then deletes them, so it
 * does not grow with every event for ever; deliveries still pending or retrying are kept. Runs hourly.
 */
export const webhooksPruneJob = defineJob({
  name: 'webhooks.prune',
  payload: Type.Object({ keepDays: Type.Integer({ minimum: 0 }) }),
  schedule: { everySeconds: 3600, payload: { keepDays: 30 } },
  priority: 200,
  async handler(ctx, payload) {
    const deleted = await pruneDeliveryRows(ctx.db, new Date(ctx.clock.now().getTime() - payload.keepDays * DAY * 1000));
    ctx.log.info({ deleted }, 'pruned the webhook delivery log');
  },
});
