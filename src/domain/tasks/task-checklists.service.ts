import type { TaskChecklistItemRow, TaskRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { can } from '../access.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { isWorkspaceUser } from './tasks.repo.js';
import { coreTask, type FindTask } from './task-finders.js';
import { requireTaskRequest } from './task-requests.service.js';

/** Longest checklist item text, and most items per task (limits of ours; Workstream documents none). */
export const CHECKLIST_VALUE_MAX = 3000;
export const CHECKLIST_ITEMS_MAX = 500;

/** One item of a whole checklist as a client sends it; `id` (ours) keeps an existing item's id and created_at. */
export interface ChecklistItemInput {
  id?: string | undefined;
  value: string;
  status: 0 | 1;
  pos?: number | undefined;
  creatorId?: string | null | undefined;
  completedById?: string | null | undefined;
}

/** T7: the task's checklist in `pos` order (ties in the order they were sent). */
export async function listChecklist(ctx: Ctx, taskId: string, find: FindTask = requireTaskRequest): Promise<TaskChecklistItemRow[]> {
  const task = await find(ctx, taskId);
  return checklistRows(ctx, task.id);
}

function checklistRows(ctx: Ctx, taskId: string): Promise<TaskChecklistItemRow[]> {
  return ctx.db
    .selectFrom('task_checklist_items')
    .selectAll()
    .where('workspace_id', '=', scopedWorkspaceId(ctx))
    .where('task_id', '=', taskId)
    .orderBy('pos')
    .orderBy('sequence')
    .execute();
}

/** Editors, and the task's creator or assignee whatever their role, may edit its checklist. */
function assertMayEdit(ctx: Ctx, task: TaskRow): void {
  if (!can(ctx.actor, 'task.write') && task.creator_id !== ctx.actor.userId && task.assignee_id !== ctx.actor.userId) {
    throw errors.forbidden('permission_denied', 'Only editors, the task\'s creator and its assignee may edit its checklist.');
  }
}

/**
 * T11: replaces the whole checklist (spec: used both to tick items off and to edit their text). Items that name an
 * existing item's `id` keep it; the others are new; items left out are removed. Without `pos`, an item's place in
 * the list is its position. A completed item without `completed_by_id` was completed by the caller.
 */
export async function replaceChecklist(
  ctx: Ctx,
  taskId: string,
  items: readonly ChecklistItemInput[],
  find: FindTask = requireTaskRequest,
): Promise<TaskChecklistItemRow[]> {
  if (items.length > CHECKLIST_ITEMS_MAX) {
    throw errors.invalidField('body', 'checklist_items', `must have at most ${CHECKLIST_ITEMS_MAX} items`);
  }
  items.forEach((item, i) => {
    const value = item.value.trim();
    if (value === '' || value.length > CHECKLIST_VALUE_MAX) {
      throw errors.invalidField('body', `checklist_items/${i}/value`, `must be 1 to ${CHECKLIST_VALUE_MAX} characters`);
    }
  });
  const workspaceId = scopedWorkspaceId(ctx);
  const accountId = scopedAccountId(ctx);
  return inTransaction(ctx, async (tx) => {
    const task = await find(tx, taskId);
    assertMayEdit(tx, task);
    const before = await checklistRows(tx, task.id);
    const byId = new Map(before.map((r) => [r.id, r]));
    const users = new Set(items.flatMap((i) => [i.creatorId, i.completedById]).filter((u): u is string => typeof u === 'string'));
    for (const userId of users) {
      if (!(await isWorkspaceUser(tx.db, { accountId, workspaceId, userId }))) {
        throw errors.notFound('user', userId);
      }
    }
    const now = isoNow(tx.clock);
    const kept = new Set<string>();
    for (const [i, item] of items.entries()) {
      const existing = item.id !== undefined ? byId.get(item.id) : undefined;
      if (item.id !== undefined && (!existing || kept.has(item.id))) {
        throw errors.invalidField('body', `checklist_items/${i}/id`, 'must be the id of one of this task\'s checklist items, once');
      }
      const completedBy = item.status === 1 ? (item.completedById ?? existing?.completed_by_id ?? tx.actor.userId) : null;
      const fields = { value: item.value.trim(), status: item.status, pos: item.pos ?? i, completed_by_id: completedBy };
      if (existing) {
        kept.add(existing.id);
        const changed = existing.value !== fields.value || existing.status !== fields.status || existing.pos !== fields.pos || existing.completed_by_id !== completedBy;
        if (changed) {
          await tx.db.updateTable('task_checklist_items').set({ ...fields, updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', existing.id).execute();
        }
        continue;
      }
      await tx.db
        .insertInto('task_checklist_items')
        .values({ id: newId(), workspace_id: workspaceId, task_id: task.id, ...fields, creator_id: item.creatorId ?? tx.actor.userId, created_at: now, updated_at: now })
        .execute();
    }
    const removed = before.filter((r) => !kept.has(r.id)).map((r) => r.id);
    if (removed.length > 0) {
      await tx.db.deleteFrom('task_checklist_items').where('workspace_id', '=', workspaceId).where('id', 'in', removed).execute();
    }
    const after = await checklistRows(tx, task.id);
    await recordHistory(tx, {
      accountId,
      workspaceId,
      assetId: task.asset_id,
      userId: tx.actor.userId,
      subjectType: 'task',
      recordId: task.id,
      type: 'task_checklist_updated',
      data: { before: before.map((r) => ({ value: r.value, status: r.status })), after: after.map((r) => ({ value: r.value, status: r.status })) },
    });
    return after;
  });
}

/** The core API's checklist (GET /workspaces/tasks/{id}/checklist): the same rows, by the core's task visibility. */
export function coreChecklist(ctx: Ctx, taskId: string): Promise<TaskChecklistItemRow[]> {
  return listChecklist(ctx, taskId, coreTask);
}

/** The core API's PUT of the whole checklist, by replaceChecklist's rules and the core's task visibility. */
export function replaceCoreChecklist(ctx: Ctx, taskId: string, items: readonly ChecklistItemInput[]): Promise<TaskChecklistItemRow[]> {
  return replaceChecklist(ctx, taskId, items, coreTask);
}
