import { Type } from '@sinclair/typebox';
import { defineJob } from './define.js';
import { pruneJobs } from './jobs.repo.js';

const DAY = 86400;

/** Finished jobs are kept a week (dead ones a month, for diagnosis), then deleted; runs hourly. */
export const jobsPruneJob = defineJob({
  name: 'jobs.prune',
  payload: Type.Object({
    keepFinishedDays: Type.Integer({ minimum: 0 }),
    keepDeadDays: Type.Integer({ minimum: 0 }),
  }),
  schedule: { everySeconds: 3600, payload: { keepFinishedDays: 7, keepDeadDays: 30 } },
  priority: 200,
  async handler(ctx, payload) {
    const now = ctx.clock.now().getTime();
    const deleted = await pruneJobs(ctx.db, {
      finishedBefore: new Date(now - payload.keepFinishedDays * DAY * 1000),
      deadBefore: new Date(now - payload.keepDeadDays * DAY * 1000),
    });
    ctx.log.info({ deleted }, 'pruned finished jobs');
  },
});
