import type { TaskRow, TaskStatusRow, TaskUpdate } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { isUuid, newId } from '../../lib/ids.js';
import { can, requirePermission } from '../access.js';
import { requireAsset } from '../assets/assets.service.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { notify } from '../notifications/notifications.service.js';
import { notifySubscribers } from '../subscriptions/notify-subscribers.js';
import { assertNotTrashed, nameKey } from '../tags/tags.rules.js';
import { workspaceTaskStatuses } from '../task-statuses/task-statuses.service.js';
import { insertTaskAssetLinks } from './task-assets.repo.js';
import { notifyTaskWatchers } from './task-watcher-notify.js';
import { viewTask, type TaskView } from './task-views.js';
import { deleteTaskRow, findTask, insertTask, isWorkspaceUser, updateTaskRow } from './tasks.repo.js';
import { cleanDueDate, cleanTaskDescription, cleanTitle, DEFAULT_PRIORITY, priorityName, priorityValue, type TaskPriority } from './tasks.rules.js';

/** A create or partial update; `status` is a status name ("Pending"), `status_id` its id. */
export interface TaskInput {
  title?: string | undefined;
  description?: string | undefined;
  assigneeId?: string | null | undefined;
  priority?: TaskPriority | undefined;
  status?: string | undefined;
  statusId?: string | undefined;
  dueDate?: string | null | undefined;
  assetId?: string | null | undefined;
  /** Workstream project (checked by the caller to be one of the workspace's); null clears. */
  projectId?: string | null | undefined;
}

/** The notification an assignee gets (unless they assigned themselves). */
export const TASK_ASSIGNED = 'task_assigned';

const STATUS_FIELDS = new Set(['status', 'statusId']);

function snapshot(t: TaskRow, status: TaskStatusRow | undefined): Record<string, unknown> {
  return {
    title: t.title,
    description: t.description,
    priority: priorityName(t.priority),
    status: status?.name ?? null,
    status_id: t.status_id,
    assignee_id: t.assignee_id,
    due_date: t.due_date,
    asset_id: t.asset_id,
    project_id: t.project_id,
    completed_at: t.completed_at,
  };
}

/** A task of the workspace as the core API sees it (a draft only by its creator), else `task_not_found`. */
export async function requireTask(ctx: Ctx, id: string): Promise<TaskRow> {
  const task = await findTask(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id, viewerId: ctx.actor.userId });
  if (!task) {
    throw errors.notFound('task', id);
  }
  return task;
}

/** `status` (a name) or `status_id` among the workspace's statuses; undefined when neither was sent. */
function resolveStatus(statuses: readonly TaskStatusRow[], input: TaskInput): TaskStatusRow | undefined {
  let byId: TaskStatusRow | undefined;
  const statusId = input.statusId;
  if (statusId !== undefined) {
    if (!isUuid(statusId)) {
      throw errors.invalidField('body', 'status_id', 'must be the id of one of the workspace\'s task statuses');
    }
    byId = statuses.find((s) => s.id === statusId.toLowerCase());
    if (!byId) {
      throw errors.notFound('task_status', statusId);
    }
  }
  if (input.status === undefined) {
    return byId;
  }
  const key = nameKey(input.status.trim());
  const byName = statuses.find((s) => s.name_key === key);
  if (!byName) {
    throw errors.invalidField('body', 'status', `must be one of the workspace's task statuses: ${statuses.map((s) => s.name).join(', ')}`);
  }
  if (byId && byId.id !== byName.id) {
    throw errors.invalidField('body', 'status', 'names a different status than status_id');
  }
  return byName;
}

async function resolveAssignee(ctx: Ctx, assigneeId: string | null): Promise<string | null> {
  if (assigneeId === null) {
    return null;
  }
  if (!isUuid(assigneeId)) {
    throw errors.invalidField('body', 'assignee_id', 'must be a user id');
  }
  const userId = assigneeId.toLowerCase();
  const ok = await isWorkspaceUser(ctx.db, { accountId: scopedAccountId(ctx), workspaceId: scopedWorkspaceId(ctx), userId });
  if (!ok) {
    throw errors.notFound('user', assigneeId);
  }
  return userId;
}

async function resolveAsset(ctx: Ctx, assetId: string | null): Promise<string | null> {
  if (assetId === null) {
    return null;
  }
  if (!isUuid(assetId)) {
    throw errors.invalidField('body', 'asset_id', 'must be an asset id');
  }
  const asset = await requireAsset(ctx, assetId.toLowerCase());
  assertNotTrashed(asset);
  return asset.id;
}

/** History (on the task's asset too) and subscriber notifications for one task change, in the caller's transaction. */
async function recordTaskChange(
  tx: Ctx,
  input: { taskId: string; assetIds: ReadonlyArray<string | null>; type: string; data: Record<string, unknown> },
): Promise<void> {
  const workspaceId = scopedWorkspaceId(tx);
  const accountId = scopedAccountId(tx);
  const assetIds = [...new Set(input.assetIds)];
  // An event per asset involved (a task moved between assets shows on both), or one without an asset.
  for (const assetId of assetIds.length === 0 ? [null] : assetIds) {
    await recordHistory(tx, { accountId, workspaceId, assetId, userId: tx.actor.userId, subjectType: 'task', recordId: input.taskId, type: input.type, data: input.data });
    if (assetId !== null) {
      await notifySubscribers(tx, { workspaceId, accountId, assetId, actorUserId: tx.actor.userId, type: input.type, data: { task_id: input.taskId } });
    }
  }
}

async function notifyAssignee(tx: Ctx, task: TaskRow): Promise<void> {
  if (task.assignee_id === null || task.assignee_id === tx.actor.userId) {
    return;
  }
  await notify(tx, {
    accountId: scopedAccountId(tx),
    workspaceId: task.workspace_id,
    userIds: [task.assignee_id],
    type: TASK_ASSIGNED,
    data: { task_id: task.id, title: task.title, asset_id: task.asset_id, by_user_id: tx.actor.userId },
  });
}

/**
 * POST /workspaces/tasks (and /workspaces/assets/{id}/tasks): the assignee must be a user of the workspace and the
 * asset one of its live assets (else 404); no status = the first open status. Notifies the assignee.
 */
export async function createTask(ctx: Ctx, input: TaskInput & { title: string }): Promise<TaskView> {
  requirePermission(ctx.actor, 'task.write');
  const title = cleanTitle(input.title);
  const description = input.description === undefined ? '' : cleanTaskDescription(input.description);
  const dueDate = input.dueDate === undefined || input.dueDate === null ? null : cleanDueDate(input.dueDate, 'due_date', 'body');
  const workspaceId = scopedWorkspaceId(ctx);
  const row = await inTransaction(ctx, async (tx) => {
    const statuses = await workspaceTaskStatuses(tx);
    // The draft status (Workstream form drafts) is never a default, so core tasks start in the first real open one.
    const status = resolveStatus(statuses, input) ?? statuses.find((s) => s.is_closed === 0 && s.is_draft === 0) ?? statuses[0];
    if (!status) {
      throw errors.conflict('task_status_missing', 'The workspace has no task statuses.');
    }
    const assigneeId = await resolveAssignee(tx, input.assigneeId ?? null);
    const assetId = await resolveAsset(tx, input.assetId ?? null);
    const now = isoNow(tx.clock);
    const task = await insertTask(tx.db, {
      id: newId(),
      account_id: scopedAccountId(tx),
      workspace_id: workspaceId,
      project_id: null,
      asset_id: assetId,
      title,
      description,
      priority: priorityValue(input.priority ?? DEFAULT_PRIORITY),
      status_id: status.id,
      creator_id: tx.actor.userId,
      assignee_id: assigneeId,
      due_date: dueDate,
      completed_at: status.is_closed === 1 ? now : null,
      created_at: now,
      updated_at: now,
    });
    // The core `asset_id` is the task's primary asset, always one of its links (Workstream T3).
    if (assetId !== null) {
      await insertTaskAssetLinks(tx.db, { workspaceId, taskId: task.id, assetIds: [assetId], userId: tx.actor.userId, now });
    }
    await recordTaskChange(tx, { taskId: task.id, assetIds: [assetId], type: 'task_created', data: { before: null, after: snapshot(task, status) } });
    await notifyAssignee(tx, task);
    return task;
  });
  return viewTask(ctx, row);
}

/** POST /workspaces/assets/{id}/tasks: a task on that asset; an `asset_id` in the body must name the same asset. */
export async function createAssetTask(ctx: Ctx, assetId: string, input: TaskInput & { title: string }): Promise<TaskView> {
  requirePermission(ctx.actor, 'task.write');
  const asset = await requireAsset(ctx, assetId);
  if (input.assetId !== undefined && input.assetId?.toLowerCase() !== asset.id) {
    throw errors.invalidField('body', 'asset_id', 'must be the asset of the path (or left out)');
  }
  return createTask(ctx, { ...input, assetId: asset.id });
}

/** GET /workspaces/tasks/{id}. */
export async function getTask(ctx: Ctx, id: string): Promise<TaskView> {
  requirePermission(ctx.actor, 'asset.read');
  return viewTask(ctx, await requireTask(ctx, id));
}

/**
 * PUT/PATCH /workspaces/tasks/{id}: a partial update. Editors change anything; the assignee may change the status
 * of their own task whatever their role. Moving to a closed status sets completed_at, to an open one clears it.
 */
export async function updateTask(ctx: Ctx, id: string, input: TaskInput): Promise<TaskView> {
  requirePermission(ctx.actor, 'asset.read');
  const sent = Object.entries(input).filter(([, v]) => v !== undefined).map(([k]) => k);
  const title = input.title === undefined ? undefined : cleanTitle(input.title);
  const description = input.description === undefined ? undefined : cleanTaskDescription(input.description);
  const dueDate = input.dueDate === undefined || input.dueDate === null ? input.dueDate : cleanDueDate(input.dueDate, 'due_date', 'body');
  const workspaceId = scopedWorkspaceId(ctx);
  const row = await inTransaction(ctx, async (tx) => {
    const before = await requireTask(tx, id);
    const ownStatusOnly = before.assignee_id === tx.actor.userId && sent.every((k) => STATUS_FIELDS.has(k));
    if (!ownStatusOnly) {
      requirePermission(tx.actor, 'task.write');
    }
    const statuses = await workspaceTaskStatuses(tx);
    const set: TaskUpdate = {};
    // One instant for the whole update, so completed_at equals updated_at when a task is closed.
    const now = isoNow(tx.clock);
    const status = resolveStatus(statuses, input);
    if (status && status.is_draft === 1 && status.id !== before.status_id) {
      throw errors.invalidField('body', input.statusId !== undefined ? 'status_id' : 'status', 'cannot be the draft status');
    }
    const beforeStatus = statuses.find((s) => s.id === before.status_id);
    if (status && status.id !== before.status_id) {
      set.status_id = status.id;
      if (status.is_closed === 1 && beforeStatus?.is_closed !== 1) {
        set.completed_at = now;
      } else if (status.is_closed === 0) {
        set.completed_at = null;
      }
    }
    if (title !== undefined) {
      set.title = title;
    }
    if (description !== undefined) {
      set.description = description;
    }
    if (input.priority !== undefined) {
      set.priority = priorityValue(input.priority);
    }
    if (dueDate !== undefined) {
      set.due_date = dueDate;
    }
    if (input.assigneeId !== undefined) {
      set.assignee_id = await resolveAssignee(tx, input.assigneeId);
    }
    if (input.projectId !== undefined) {
      set.project_id = input.projectId;
    }
    if (input.assetId !== undefined) {
      set.asset_id = input.assetId === before.asset_id ? before.asset_id : await resolveAsset(tx, input.assetId);
    }
    const changed = (Object.keys(set) as Array<keyof TaskUpdate>).filter((k) => before[k as keyof TaskRow] !== set[k]);
    if (changed.length === 0) {
      return before;
    }
    // A new due date or assignee is told again when it comes near (task-due-reminders.service.ts).
    const remindAgain = changed.includes('due_date') || changed.includes('assignee_id') ? { due_reminded_at: null } : {};
    const after = await updateTaskRow(tx.db, { workspaceId, id }, { ...set, ...remindAgain, updated_at: now });
    if (!after) {
      throw errors.notFound('task', id);
    }
    // A new primary asset is linked too; the previous one stays linked (unlinking is explicit: Workstream T14/T15).
    if (after.asset_id !== null && after.asset_id !== before.asset_id) {
      await insertTaskAssetLinks(tx.db, { workspaceId, taskId: after.id, assetIds: [after.asset_id], userId: tx.actor.userId, now });
    }
    const afterStatus = statuses.find((s) => s.id === after.status_id);
    const pick = (s: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(s).filter(([k]) => changed.includes(k as keyof TaskUpdate) || (k === 'status' && changed.includes('status_id'))));
    await recordTaskChange(tx, {
      taskId: id,
      assetIds: [after.asset_id, before.asset_id].filter((a) => a !== null),
      type: 'task_updated',
      data: { before: pick(snapshot(before, beforeStatus)), after: pick(snapshot(after, afterStatus)) },
    });
    if (after.assignee_id !== before.assignee_id) {
      await notifyAssignee(tx, after);
    }
    await notifyTaskWatchers(tx, after, changed);
    return after;
  });
  return viewTask(ctx, row);
}

/** DELETE /workspaces/tasks/{id}: gone for good; its history stays. */
export async function deleteTask(ctx: Ctx, id: string): Promise<void> {
  requirePermission(ctx.actor, 'task.write');
  await inTransaction(ctx, async (tx) => {
    const before = await requireTask(tx, id);
    const statuses = await workspaceTaskStatuses(tx);
    await deleteTaskRow(tx.db, { workspaceId: scopedWorkspaceId(tx), id });
    const status = statuses.find((s) => s.id === before.status_id);
    await recordTaskChange(tx, { taskId: id, assetIds: [before.asset_id].filter((a) => a !== null), type: 'task_deleted', data: { before: snapshot(before, status), after: null } });
  });
}
