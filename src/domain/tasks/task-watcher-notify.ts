import type { TaskRow } from '../../db/schema.js';
import type { Ctx } from '../context.js';
import { notify } from '../notifications/notifications.service.js';

/** The notification a task's watchers get when it changes (not the one who changed it). E-mail follows with SMTP. */
export const TASK_UPDATED = 'task_updated';

/**
 * Notifies the task's watchers of a change, in the caller's transaction (Workstream watchers, spec §1.4.7 T12; the
 * change's history event reaches webhooks on its own). `changes` names what changed (fields, or `assets`).
 */
export async function notifyTaskWatchers(tx: Ctx, task: TaskRow, changes: readonly string[]): Promise<void> {
  const rows = await tx.db.selectFrom('task_watchers').select('user_id').where('workspace_id', '=', task.workspace_id).where('task_id', '=', task.id).execute();
  const userIds = rows.map((r) => r.user_id).filter((u) => u !== tx.actor.userId);
  if (userIds.length === 0) {
    return;
  }
  await notify(tx, {
    accountId: task.account_id,
    workspaceId: task.workspace_id,
    userIds,
    type: TASK_UPDATED,
    data: { task_id: task.id, title: task.title, asset_id: task.asset_id, by_user_id: tx.actor.userId || null, changes },
  });
}
