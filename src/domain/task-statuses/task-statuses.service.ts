import type { TaskStatusRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { inTransaction, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { updateRowWithHistory } from '../history/update-with-history.js';
import { cleanColor, cleanLabelName, labelPatch, nameKey, type LabelPatch } from '../tags/tags.rules.js';
import { countTasksWithStatus, ensureTaskStatuses, findTaskStatus, findTaskStatusByKey } from './task-statuses.repo.js';
import { cleanTaskRank, DEFAULT_TASK_STATUS_COLOR, nextTaskRank } from './task-statuses.rules.js';

export interface TaskStatusInput {
  name?: string | undefined;
  color?: string | undefined;
  rank?: number | undefined;
  isClosed?: boolean | undefined;
}

const snapshot = (s: TaskStatusRow): Record<string, unknown> => ({ name: s.name, color: s.color, rank: s.rank, is_closed: s.is_closed === 1 });

const nameTaken = (name: string, cause?: unknown) =>
  errors.conflict('task_status_name_taken', `A task status named "${name}" already exists in this workspace.`, cause);

const lastOpen = () =>
  errors.conflict('task_status_last_open', 'A workspace keeps at least one open task status (new tasks start in one).');

/** The task status in the request's workspace, or `task_status_not_found`. */
export async function requireTaskStatus(ctx: Ctx, id: string): Promise<TaskStatusRow> {
  const status = await findTaskStatus(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id });
  if (!status) {
    throw errors.notFound('task_status', id);
  }
  return status;
}

/** The workspace's task statuses in rank order, seeding the defaults on first use. */
export function workspaceTaskStatuses(ctx: Ctx): Promise<TaskStatusRow[]> {
  return inTransaction(ctx, (tx) => ensureTaskStatuses(tx, { workspaceId: scopedWorkspaceId(tx), userId: tx.actor.userId }));
}

/** GET /workspaces/tasks/statuses. */
export async function listTaskStatuses(ctx: Ctx): Promise<TaskStatusRow[]> {
  requirePermission(ctx.actor, 'asset.read');
  return workspaceTaskStatuses(ctx);
}

/** POST /workspaces/tasks/statuses: names unique per workspace case-insensitively; no rank = after the last. */
export async function createTaskStatus(ctx: Ctx, input: TaskStatusInput): Promise<TaskStatusRow> {
  requirePermission(ctx.actor, 'statuses.manage');
  const name = cleanLabelName(input.name ?? '');
  const color = input.color === undefined ? DEFAULT_TASK_STATUS_COLOR : cleanColor(input.color);
  const rank = input.rank === undefined ? undefined : cleanTaskRank(input.rank);
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const existing = await workspaceTaskStatuses(tx);
    if (await findTaskStatusByKey(tx.db, { workspaceId, key: nameKey(name) })) {
      throw nameTaken(name);
    }
    const now = isoNow(tx.clock);
    let row: TaskStatusRow;
    try {
      row = await tx.db
        .insertInto('task_statuses')
        .values({
          id: newId(),
          workspace_id: workspaceId,
          name,
          name_key: nameKey(name),
          color,
          rank: rank ?? nextTaskRank(Math.max(0, ...existing.map((s) => s.rank))),
          is_closed: input.isClosed ? 1 : 0,
          created_by_user_id: tx.actor.userId,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (err) {
      throw tx.dialect.translateError(err)?.kind === 'conflict' ? nameTaken(name, err) : err;
    }
    await recordHistory(tx, {
      accountId: tx.actor.accountId,
      workspaceId,
      userId: tx.actor.userId,
      subjectType: 'task_status',
      recordId: row.id,
      type: 'task_status_created',
      data: { before: null, after: snapshot(row) },
    });
    return row;
  });
}

/** PUT/PATCH /workspaces/tasks/statuses/{id}: any of name, color, rank, is_closed. Tasks keep their completed_at. */
export async function updateTaskStatus(ctx: Ctx, id: string, input: TaskStatusInput): Promise<TaskStatusRow> {
  requirePermission(ctx.actor, 'statuses.manage');
  const name = input.name === undefined ? undefined : cleanLabelName(input.name);
  const color = input.color === undefined ? undefined : cleanColor(input.color);
  const rank = input.rank === undefined ? undefined : cleanTaskRank(input.rank);
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const all = await workspaceTaskStatuses(tx);
    const before = await requireTaskStatus(tx, id);
    const patch: LabelPatch<number> & { is_closed?: number } = await labelPatch(
      before,
      { name, color, rank },
      (key) => findTaskStatusByKey(tx.db, { workspaceId, key }),
      nameTaken,
    );
    if (input.isClosed !== undefined && (input.isClosed ? 1 : 0) !== before.is_closed) {
      if (input.isClosed && all.filter((s) => s.is_closed === 0 && s.id !== id).length === 0) {
        throw lastOpen();
      }
      patch.is_closed = input.isClosed ? 1 : 0;
    }
    return updateRowWithHistory(tx, { table: 'task_statuses', workspaceId, before, patch: patch, subjectType: 'task_status', eventType: 'task_status_updated', snapshot });
  });
}

/** DELETE /workspaces/tasks/statuses/{id}: refused (409) while a task uses it, or when it is the last open one. */
export async function deleteTaskStatus(ctx: Ctx, id: string): Promise<void> {
  requirePermission(ctx.actor, 'statuses.manage');
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    const all = await workspaceTaskStatuses(tx);
    const before = await requireTaskStatus(tx, id);
    const inUse = await countTasksWithStatus(tx.db, { workspaceId, statusId: id });
    if (inUse > 0) {
      throw errors.conflict('task_status_in_use', `${inUse} task(s) have this status; move them to another status first.`);
    }
    if (before.is_closed === 0 && all.filter((s) => s.is_closed === 0 && s.id !== id).length === 0) {
      throw lastOpen();
    }
    try {
      await tx.db.deleteFrom('task_statuses').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
    } catch (err) {
      // A task given this status since the count above: the foreign key refuses the delete.
      if (tx.dialect.translateError(err)) {
        throw errors.conflict('task_status_in_use', 'A task has this status; move it to another status first.', err);
      }
      throw err;
    }
    await recordHistory(tx, {
      accountId: tx.actor.accountId,
      workspaceId,
      userId: tx.actor.userId,
      subjectType: 'task_status',
      recordId: id,
      type: 'task_status_deleted',
      data: { before: snapshot(before), after: null },
    });
  });
}
