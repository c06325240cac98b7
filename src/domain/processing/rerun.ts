import type { ProcessingItemRow, ProcessingTaskRow } from '../../db/schema.js';
import { cancelJob, enqueueJob, registers } from '../../jobs/queue.js';
import { isoNow } from '../../lib/clock.js';
import type { Deps } from '../context.js';
import { listItemsOfAsset } from './catalog.repo.js';
import { JOB_PRIORITY, type TaskPriority } from './products.js';
import { listTasksOfItems } from './tasks.repo.js';

/*
 * Queuing a processing task's run. Kept apart from tasks.service (no history, and the job enqueued by its name, not
 * through its definition's module): the event outbox calls rerunTasksOfAsset, and the definition's handler records
 * history, which requests the outbox, which would make an import circle.
 */

/** The `processing.task` job's name (processing-task.job.ts). */
export const PROCESSING_TASK_JOB = 'processing.task';

/** Sets the task pending with a new job (in the caller's transaction). */
export async function queueRun(ctx: Deps, task: ProcessingTaskRow, priority: TaskPriority): Promise<ProcessingTaskRow> {
  const now = isoNow(ctx.clock);
  const { job } = await enqueueJob(ctx, PROCESSING_TASK_JOB, { task_id: task.id, workspace_id: task.workspace_id }, { priority: JOB_PRIORITY[priority] });
  if (task.job_id !== null && task.job_id !== job.id) {
    await cancelJob(ctx, task.job_id);
  }
  return ctx.db
    .updateTable('processing_tasks')
    .set({ status: 'pending', error: null, priority, job_id: job.id, result: null, finished_at: null, updated_at: now })
    .where('id', '=', task.id)
    .where('workspace_id', '=', task.workspace_id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The item's video changed: every task not deactivated runs again on the new video (in the caller's transaction). */
export async function rerunTasksOfItem(ctx: Deps, item: ProcessingItemRow, why: string): Promise<void> {
  const tasks = await listTasksOfItems(ctx.db, { workspaceId: item.workspace_id, itemIds: [item.id] });
  for (const task of tasks.filter((t) => t.status !== 'deactivated')) {
    await queueRun(ctx, task, task.priority as TaskPriority);
    ctx.log.info({ task_id: task.id, why }, 'processing task queued again');
  }
}

/**
 * A new current version of an asset (the event outbox's `version_created` / `version_restored`, in its transaction):
 * the tasks of the catalog items showing that asset run again on it. Tasks already computed from that very version
 * are left alone, so a replayed event changes nothing.
 */
export async function rerunTasksOfAsset(ctx: Deps, p: { workspaceId: string; assetId: string }): Promise<void> {
  // A process whose registry lacks the job (a test's own list) cannot queue it; the app's registers every job.
  if (!registers(ctx.jobs, { name: PROCESSING_TASK_JOB })) {
    return;
  }
  const asset = await ctx.db.selectFrom('assets').select('current_version_id').where('id', '=', p.assetId).where('workspace_id', '=', p.workspaceId).executeTakeFirst();
  if (!asset?.current_version_id) {
    return;
  }
  for (const item of await listItemsOfAsset(ctx.db, p)) {
    const tasks = await listTasksOfItems(ctx.db, { workspaceId: item.workspace_id, itemIds: [item.id] });
    for (const task of tasks.filter((t) => t.status === 'done' && t.source_version_id !== asset.current_version_id)) {
      await queueRun(ctx, task, task.priority as TaskPriority);
    }
  }
}
