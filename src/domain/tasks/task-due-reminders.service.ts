import type { TaskRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { inTransaction, type Actor, type Deps } from '../context.js';
import { notify } from '../notifications/notifications.service.js';
import { sweepInBatches } from '../sweep.js';
import { claimDueReminder, tasksDueForReminder } from './tasks.repo.js';

/*
 * Due-date reminders (docs/api-core.md "Tasks"): the `tasks.remind_due` sweep tells a task's assignee once, with a
 * `task_due_soon` notification (and so an e-mail with SMTP), when an open task's due date is at most DUE_SOON_HOURS
 * away, or passed in the last OVERDUE_DAYS_TOLD days while nobody was told (a task created late, a server that was
 * down). A date-only due date counts from the start of that day (UTC), so "due 24 December" is told on 23 December.
 * Changing the due date or the assignee clears the mark (tasks.service.ts), so the new date or person is told again.
 */

export const TASK_DUE_SOON = 'task_due_soon';
export const DUE_SOON_HOURS = 24;
/**
 * Tasks overdue by more than this many days are not told: they were left open long before (or before reminders
 * existed, so an upgrade does not send a flood about stale tasks).
 */
export const OVERDUE_DAYS_TOLD = 7;

/** Tells every assignee whose task is due soon, `batchSize` tasks per query, one transaction each. Answers how many. */
export async function remindDueTasks(deps: Deps & { signal?: AbortSignal }, batchSize: number): Promise<number> {
  const now = isoNow(deps.clock);
  const at = deps.clock.now().getTime();
  const cutoff = new Date(at + DUE_SOON_HOURS * 3600_000).toISOString();
  // A date-only due date sorts before any time of its day, so the window starts at a day boundary.
  const from = new Date(at - OVERDUE_DAYS_TOLD * 86_400_000).toISOString().slice(0, 10);
  return sweepInBatches({ batchSize, signal: deps.signal }, (limit) => tasksDueForReminder(deps.db, { from, cutoff, limit }), (task) => remindOne(deps, task, now));
}

/** Past due: a date-only due date once its day (UTC) has ended, a date-time once it has passed. */
export const isOverdue = (dueDate: string, now: string): boolean => (dueDate.length === 10 ? dueDate < now.slice(0, 10) : dueDate < now);

async function remindOne(deps: Deps, task: TaskRow, now: string): Promise<boolean> {
  if (task.due_date === null || task.assignee_id === null) {
    return false;
  }
  const actor: Actor = { userId: '', apiKeyId: null, accountId: task.account_id, accountRole: null, workspaceId: task.workspace_id, workspaceRole: null };
  const { due_date: dueDate, assignee_id: assigneeId } = task;
  return inTransaction({ ...deps, actor }, async (tx) => {
    if (!(await claimDueReminder(tx.db, { workspaceId: task.workspace_id, id: task.id, dueDate, assigneeId, now }))) {
      return false;
    }
    await notify(tx, {
      accountId: task.account_id,
      workspaceId: task.workspace_id,
      userIds: [assigneeId],
      type: TASK_DUE_SOON,
      data: { task_id: task.id, title: task.title, asset_id: task.asset_id, due_date: dueDate, overdue: isOverdue(dueDate, now) },
    });
    return true;
  });
}
