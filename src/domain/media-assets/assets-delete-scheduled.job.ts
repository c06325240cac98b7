import { Type } from '@sinclair/typebox';
import { defineJob } from '../../jobs/define.js';
import { trashDueAssets } from './scheduled-deletion.service.js';

/**
 * Every 5 minutes: moves assets whose medialoopster scheduled deletion (`date_del`) has passed to the trash
 * (scheduled-deletion.service.ts). Idempotent; a date is acted on at most one period late.
 */
export const assetsDeleteScheduledJob = defineJob({
  name: 'assets.delete_scheduled',
  payload: Type.Object({ batchSize: Type.Integer({ minimum: 1, maximum: 10_000 }) }),
  schedule: { everySeconds: 300, payload: { batchSize: 200 } },
  priority: 200,
  async handler(ctx, payload) {
    const trashed = await trashDueAssets(ctx, payload.batchSize);
    ctx.log.info({ trashed }, 'scheduled deletions moved to the trash');
  },
});
