import type { UserRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { can } from '../access.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { notify } from '../notifications/notifications.service.js';
import { isWorkspaceUser } from './tasks.repo.js';
import { requireTaskRequest } from './task-requests.service.js';
import { coreTask, type FindTask } from './task-finders.js';
import { CORE_WATCHERS_MAX, meOr, watchersView, type WatchersView } from '../watching.js';

/** Notifications a watcher gets when added to or removed from a task (with the sender's message, if any). */
export const TASK_WATCHER_ADDED = 'task_watcher_added';
export const TASK_WATCHER_REMOVED = 'task_watcher_removed';

export const WATCHER_MESSAGE_MAX = 3000;

/** T6: the task's watchers, oldest first. */
export async function listWatchers(ctx: Ctx, taskId: string, page: { offset: number; limit: number }, find: FindTask = requireTaskRequest): Promise<UserRow[]> {
  const task = await find(ctx, taskId);
  return ctx.db
    .selectFrom('task_watchers as tw')
    .innerJoin('users as u', 'u.id', 'tw.user_id')
    .selectAll('u')
    .where('tw.workspace_id', '=', scopedWorkspaceId(ctx))
    .where('tw.task_id', '=', task.id)
    .orderBy('tw.sequence')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
}

/** The core view of a task's watchers: whether the caller watches it, and who does (oldest first, at most 500). */
export async function taskWatchers(ctx: Ctx, taskId: string): Promise<WatchersView> {
  return watchersView(ctx, await listWatchers(ctx, taskId, { offset: 0, limit: CORE_WATCHERS_MAX }, coreTask));
}

/** Core PUT/DELETE of one watcher (`me` is the caller), by the rules of changeWatchers; answers taskWatchers. */
export async function setTaskWatcher(ctx: Ctx, taskId: string, userId: string, watch: boolean, message?: string | undefined): Promise<WatchersView> {
  await changeWatchers(ctx, taskId, watch ? 'add' : 'remove', { userIds: [meOr(ctx, userId)], message }, coreTask);
  return taskWatchers(ctx, taskId);
}

export interface WatcherChange {
  userIds: readonly string[];
  message?: string | undefined;
}

function cleanMessage(message: string | undefined): string | null {
  if (message === undefined) {
    return null;
  }
  if (message.length < 1 || message.length > WATCHER_MESSAGE_MAX) {
    throw errors.invalidField('body', 'message', `must be 1 to ${WATCHER_MESSAGE_MAX} characters`);
  }
  return message;
}

/**
 * T12 / T16: adds or removes watchers. Anyone who may see the task may watch it or stop watching; changing other
 * people needs `task.write` (editors) or being the task's creator. Each user added or removed is notified (not the
 * caller about themselves), with the message. Users outside the workspace are 404. Returns the users changed.
 */
export async function changeWatchers(
  ctx: Ctx,
  taskId: string,
  op: 'add' | 'remove',
  input: WatcherChange,
  find: FindTask = requireTaskRequest,
): Promise<string[]> {
  const message = cleanMessage(input.message);
  if (input.userIds.length === 0) {
    throw errors.invalidField('body', 'user_ids', 'must name at least one user');
  }
  const workspaceId = scopedWorkspaceId(ctx);
  const accountId = scopedAccountId(ctx);
  return inTransaction(ctx, async (tx) => {
    const task = await find(tx, taskId);
    const userIds = [...new Set(input.userIds)];
    const onlySelf = userIds.every((u) => u === tx.actor.userId);
    if (!onlySelf && !can(tx.actor, 'task.write') && task.creator_id !== tx.actor.userId) {
      throw errors.forbidden('permission_denied', 'Only editors and the task\'s creator may change who else watches it.');
    }
    for (const userId of userIds) {
      if (!(await isWorkspaceUser(tx.db, { accountId, workspaceId, userId }))) {
        throw errors.notFound('user', userId);
      }
    }
    const current = new Set(
      (await tx.db.selectFrom('task_watchers').select('user_id').where('workspace_id', '=', workspaceId).where('task_id', '=', task.id).execute()).map(
        (r) => r.user_id,
      ),
    );
    const changed = op === 'add' ? userIds.filter((u) => !current.has(u)) : userIds.filter((u) => current.has(u));
    if (changed.length === 0) {
      return [];
    }
    const now = isoNow(tx.clock);
    if (op === 'add') {
      await tx.db
        .insertInto('task_watchers')
        .values(changed.map((userId) => ({ id: newId(), workspace_id: workspaceId, task_id: task.id, user_id: userId, added_by_user_id: tx.actor.userId, created_at: now })))
        .execute();
    } else {
      await tx.db.deleteFrom('task_watchers').where('workspace_id', '=', workspaceId).where('task_id', '=', task.id).where('user_id', 'in', changed).execute();
    }
    const type = op === 'add' ? TASK_WATCHER_ADDED : TASK_WATCHER_REMOVED;
    await recordHistory(tx, {
      accountId,
      workspaceId,
      assetId: task.asset_id,
      userId: tx.actor.userId,
      subjectType: 'task',
      recordId: task.id,
      type,
      data: { user_ids: changed, message },
    });
    await notify(tx, {
      accountId,
      workspaceId,
      userIds: changed.filter((u) => u !== tx.actor.userId),
      type,
      data: { task_id: task.id, title: task.title, message, by_user_id: tx.actor.userId },
    });
    return changed;
  });
}
