import { Type } from '@sinclair/typebox';
import { defineJob } from '../../jobs/define.js';
import { remindDueTasks } from './task-due-reminders.service.js';

/**
 * Every 15 minutes: tells the assignees of open tasks due within a day (task-due-reminders.service.ts). Idempotent;
 * a reminder comes at most one period late.
 */
export const tasksRemindDueJob = defineJob({
  name: 'tasks.remind_due',
  payload: Type.Object({ batchSize: Type.Integer({ minimum: 1, maximum: 10_000 }) }),
  schedule: { everySeconds: 900, payload: { batchSize: 200 } },
  priority: 200,
  async handler(ctx, payload) {
    const told = await remindDueTasks(ctx, payload.batchSize);
    ctx.log.info({ told }, 'due-date reminders sent');
  },
});
